"""The register of processing activities (GDPR art. 30, issue 18 part 3): every audit row, read
or write, names the activity it served; the audit log filters by it; the subject-access report
groups its reads by it; the data protection officer keeps the register."""

import csv
import io
import json

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import ResolverMatch

from accounts import security
from audit import activities, services
from audit.activities import ACTIVITY_KEY
from audit.chain import seal_entries, verify_chain
from audit.models import AuditSeal, ProcessingActivity
from audit.reads import record_read
from cases.models import Case
from tests.audit.test_audit_chain import tamper
from tests.factories import AgencyFactory, make_case

Code = ProcessingActivity.Code


def activity_of(row: LogEntry) -> str | None:
    return (row.additional_data or {}).get(ACTIVITY_KEY)


def rows_about(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


@pytest.fixture
def dpo(mayor_office):
    security.data_protection_officer_set(user=mayor_office, is_officer=True)
    return type(mayor_office).objects.get(pk=mayor_office.pk)


# --- Every row names one ----------------------------------------------------------------------


def test_the_register_holds_every_activity_the_application_performs_in_every_language(db):
    register = {a.code: a for a in ProcessingActivity.objects.all()}
    assert set(Code.values) <= set(register)
    for code in Code.values:
        activity = register[code]
        assert activity.name_en and activity.name_nl and activity.name_fr
        assert activity.name_nl != activity.name_en
        assert activity.purpose and activity.legal_basis and activity.retention


def _patterns(resolver=None, namespaces=()):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield namespaces, pattern


def test_every_page_in_the_urlconf_serves_an_activity_of_the_register():
    unnamed = []
    for namespaces, pattern in _patterns():
        match = ResolverMatch(
            pattern.callback, (), {}, url_name=pattern.name, namespaces=list(namespaces)
        )
        code = activities.for_match(match)
        if code not in Code.values:
            unnamed.append(match.view_name or str(pattern.pattern))
    assert unnamed == [], "give these pages an activity in audit.activities"


def test_every_model_an_audit_row_can_be_about_serves_an_activity():
    """Outside a request (a periodic job), a row is the activity of the app of its object."""
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if activities.for_model(model._meta.app_label, model._meta.model_name) not in Code.values
    ]
    assert unnamed == [], "name these apps in audit.activities.APP_ACTIVITY"


def test_a_page_names_its_activity_in_the_rows_it_writes(client, social_worker, info_officer):
    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    assert client.get(case.get_absolute_url()).status_code == 200
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert read.object_pk == str(case.pk) and activity_of(read) == Code.CASE_MANAGEMENT
    # The same case read for a subject-access request serves the subject's rights.
    client.force_login(info_officer)
    url = reverse("audit:restriction", args=[case.reference])
    assert client.get(url).status_code == 200
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert read.object_pk == str(case.pk) and activity_of(read) == Code.SUBJECT_RIGHTS
    # A write from a page: its rows serve the page's activity too.
    assert client.post(url, {"reason": "Accuracy contested"}).status_code == 302
    [restriction] = rows_about(case.restrictions.get())
    assert activity_of(restriction) == Code.SUBJECT_RIGHTS


def test_outside_a_request_a_row_serves_the_activity_of_its_object(db, social_worker):
    case = make_case(owner=social_worker)
    assert {activity_of(row) for row in rows_about(case)} == {Code.CASE_MANAGEMENT}
    agency = AgencyFactory(party=False)
    assert [activity_of(row) for row in rows_about(agency)] == [Code.SECURITY]


def test_a_service_declares_its_activity_over_the_page_and_the_object(db, social_worker):
    case = make_case(owner=social_worker)
    with activities.serving(Code.RETENTION):
        row = record_read(user=social_worker, obj=case, what="due for retention")
    assert activity_of(row) == Code.RETENTION
    assert row.additional_data["read"] == "due for retention"


def test_a_caller_cannot_file_a_row_under_another_activity(db, social_worker):
    with activities.serving(Code.CASE_MANAGEMENT):
        row = record_read(user=social_worker, obj=social_worker, what="list", activity="security")
    assert activity_of(row) == Code.CASE_MANAGEMENT


def test_an_activity_the_register_does_not_know_is_refused(db):
    with pytest.raises(ImproperlyConfigured), activities.serving("marketing"):
        pass


def test_a_row_about_something_no_rule_names_cannot_be_written(db, social_worker, monkeypatch):
    monkeypatch.setattr(activities, "APP_ACTIVITY", {})
    monkeypatch.setattr(activities, "MODEL_ACTIVITY", {})
    before = LogEntry.objects.count()
    with pytest.raises(ImproperlyConfigured):
        record_read(user=social_worker, obj=social_worker, what="a page")
    assert LogEntry.objects.count() == before


def test_naming_the_activity_costs_no_query(db, social_worker, django_assert_num_queries):
    make_case(owner=social_worker)
    case_type = ContentType.objects.get_for_model(Case)  # the cache every page has warmed
    page = ResolverMatch(lambda r: None, (), {}, url_name="list", namespaces=["releases"])
    with activities.serving_request():
        activities.serving_page(page)
        row = LogEntry(content_type_id=case_type.pk)
        with django_assert_num_queries(0):
            activities.stamp(LogEntry, row)
        assert activity_of(row) == Code.RELEASES
    with activities.serving(Code.OVERSIGHT):
        row = LogEntry(content_type_id=case_type.pk)
        with django_assert_num_queries(0):
            activities.stamp(LogEntry, row)
        assert activity_of(row) == Code.OVERSIGHT
    assert activities.current() is None, "nothing left over from the request"
    row = LogEntry(content_type_id=case_type.pk)
    with django_assert_num_queries(0):
        activities.stamp(LogEntry, row)
    assert activity_of(row) == Code.CASE_MANAGEMENT


# --- The chain ---------------------------------------------------------------------------------


def rewrite(row: LogEntry, data: dict) -> None:
    """Change a row's data behind the application's back (past the append-only trigger)."""
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    sql = f"UPDATE auditlog_logentry SET additional_data = %s{cast} WHERE id = %s"
    tamper(sql, [json.dumps(data), row.pk])


def test_the_activity_is_sealed_with_the_row(db, social_worker, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(owner=social_worker)
    [row, *_] = rows_about(case)
    assert AuditSeal.objects.filter(log_entry_id=row.pk).exists()
    assert verify_chain().ok
    # Filed under another activity after it was sealed: the chain breaks at that row.
    rewrite(row, {**row.additional_data, ACTIVITY_KEY: Code.OVERSIGHT.value})
    report = verify_chain()
    assert report.broken_log_entry == row.pk


def test_rows_sealed_before_the_register_still_verify(db, social_worker):
    """A row from before (no activity in its data) was sealed as it is, and verifies."""
    record_read(user=social_worker, obj=social_worker, what="an old page")
    old = LogEntry.objects.latest("pk")
    rewrite(old, {"read": "an old page"})
    assert seal_entries([old.pk]) == 1
    report = verify_chain()
    assert report.ok, report.problems()


# --- The audit log filters by activity --------------------------------------------------------


def _page(client, **filters) -> list[dict]:
    return list(client.get(reverse("audit:log"), filters).context["page"].object_list)


def test_the_audit_log_and_its_export_filter_by_activity(client, info_officer, social_worker):
    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    client.get(case.get_absolute_url())
    client.force_login(info_officer)
    client.get(reverse("audit:restriction", args=[case.reference]))

    by_case_work = _page(client, activity=Code.CASE_MANAGEMENT)
    by_rights = _page(client, activity=Code.SUBJECT_RIGHTS)
    assert by_case_work and by_rights
    assert {r["activity"] for r in by_case_work} == {Code.CASE_MANAGEMENT}
    assert {r["activity"] for r in by_rights} == {Code.SUBJECT_RIGHTS}
    assert {r["activity_name"] for r in by_rights} == {"Data subjects' rights"}
    assert str(case.pk) in {r["object_pk"] for r in by_rights}

    response = client.get(reverse("audit:export"), {"activity": Code.SUBJECT_RIGHTS})
    table = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert table and {r["activity"] for r in table} == {Code.SUBJECT_RIGHTS}
    everything = client.get(reverse("audit:export"))
    whole = list(csv.DictReader(io.StringIO(b"".join(everything.streaming_content).decode())))
    assert len(whole) > len(table)


def test_the_filter_finds_exactly_the_rows_of_the_activity_through_its_index(db, social_worker):
    with activities.serving(Code.RELEASES):
        released = record_read(user=social_worker, obj=social_worker, what="releases")
    with activities.serving(Code.OVERSIGHT):
        record_read(user=social_worker, obj=social_worker, what="statistics")
    rows = LogEntry.objects.filter(additional_data__activity=Code.RELEASES.value)
    assert list(rows.values_list("pk", flat=True)) == [released.pk]
    if connection.vendor == "postgresql":
        sql, params = rows.values("pk").query.sql_with_params()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(line for (line,) in cursor.fetchall())
        assert "audit_logentry_activity" in plan


def test_the_activity_filter_is_a_choice_of_the_register(client, info_officer):
    client.force_login(info_officer)
    response = client.get(reverse("audit:log"), {"activity": "marketing"})
    assert response.status_code == 200
    assert "activity" in response.context["form"].errors
    text = response.content.decode()
    assert "Case conference" in text and 'name="activity"' in text


# --- The subject-access report -----------------------------------------------------------------


def test_the_access_report_groups_the_reads_by_activity(client, info_officer, social_worker):
    case = make_case(owner=social_worker)
    client.force_login(social_worker)
    client.get(case.get_absolute_url())
    client.force_login(info_officer)
    client.get(reverse("audit:restriction", args=[case.reference]))
    response = client.get(reverse("audit:person_report", args=[case.person.code]))
    groups = {g["code"]: len(g["reads"]) for g in response.context["reads_by_activity"]}
    assert groups == {Code.CASE_MANAGEMENT: 1, Code.SUBJECT_RIGHTS: 1}
    text = response.content.decode()
    assert "Case management" in text and "Data subjects&#x27; rights" in text

    export = json.loads(
        client.get(reverse("audit:person_report_export", args=[case.person.code])).content
    )
    assert {r["activity"] for r in export["reads"]} == {Code.CASE_MANAGEMENT, Code.SUBJECT_RIGHTS}
    purposes = {a["code"]: a["purpose"] for a in export["processing_activities"]}
    assert purposes[Code.CASE_MANAGEMENT].startswith("Follow a person")


# --- The register, kept by the data protection officer ----------------------------------------

FIELDS = {
    "name_en": "Camera surveillance of the office",
    "name_nl": "Camerabewaking van het kantoor",
    "name_fr": "Vidéosurveillance du bureau",
    "purpose": "Protect the case files room",
    "legal_basis": "GDPR art. 6(1)(f)",
    "data_subjects": "Visitors and staff",
    "data_categories": "Images",
    "recipients": "The security officer",
    "retention": "30 days",
    "security_measures": "",
}


def test_the_data_protection_officer_registers_and_changes_an_activity(client, dpo):
    client.force_login(dpo)
    response = client.post(reverse("processing:create"), {"code": "cctv", **FIELDS})
    activity = ProcessingActivity.objects.get(code="cctv")
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert activity.updated_by == dpo and activity.name_nl == FIELDS["name_nl"]
    [created] = rows_about(activity)
    assert created.actor == dpo and activity_of(created) == Code.GOVERNANCE

    edit = reverse("processing:edit", args=["cctv"])
    assert client.get(edit).context["form"].initial["retention"] == "30 days"
    response = client.post(edit, {**FIELDS, "retention": "14 days", "code": "other"})
    activity.refresh_from_db()
    assert response.status_code == 302 and activity.retention == "14 days"
    assert activity.code == "cctv", "the code never changes: audit rows name it"
    assert [activity_of(r) for r in rows_about(activity)] == [Code.GOVERNANCE] * 2


def test_a_blank_entry_is_refused_with_what_is_missing(client, dpo):
    client.force_login(dpo)
    response = client.post(reverse("processing:create"), {"code": "x", **FIELDS, "purpose": " "})
    assert response.status_code == 200
    assert "purpose" in response.context["form"].errors
    assert not ProcessingActivity.objects.filter(code="x").exists()
    response = client.post(
        reverse("processing:create"), {"code": Code.CASE_MANAGEMENT.value, **FIELDS}
    )
    assert "code" in response.context["form"].errors
    assert ProcessingActivity.objects.get(code=Code.CASE_MANAGEMENT).name == "Case management"


@pytest.mark.parametrize("role", ["information_officer", "coordinator", "admin"])
def test_no_one_but_the_data_protection_officer_changes_the_register(db, make_user, role):
    user = make_user(role=role)
    activity = ProcessingActivity.objects.get(code=Code.RELEASES)
    with pytest.raises(PermissionDenied):
        services.processing_activity_update(user=user, activity=activity, **FIELDS)
    with pytest.raises(PermissionDenied):
        services.processing_activity_create(user=user, code="cctv", **FIELDS)
    activity.refresh_from_db()
    assert activity.name == "Releases"
    assert not ProcessingActivity.objects.filter(code="cctv").exists()


def test_the_service_refuses_a_blank_field_whatever_the_form(dpo):
    activity = ProcessingActivity.objects.get(code=Code.RELEASES)
    with pytest.raises(ValidationError) as refusal:
        services.processing_activity_update(
            user=dpo, activity=activity, **{**FIELDS, "legal_basis": ""}
        )
    assert "legal_basis" in refusal.value.message_dict


def test_the_register_shows_in_the_reader_language(client, info_officer):
    client.force_login(info_officer)
    client.cookies["django_language"] = "nl"
    response = client.get(reverse("processing:list"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Casusoverleg" in response.content.decode()


def test_the_register_is_searched_by_name_code_or_purpose(client, dpo):
    client.force_login(dpo)
    url = reverse("processing:list")
    activity = ProcessingActivity.objects.order_by("code").last()
    by_code = list(client.get(url, {"q": activity.code}).context["page"])
    assert activity in by_code
    assert len(by_code) < ProcessingActivity.objects.count()
    by_name = list(client.get(url, {"q": activity.name.upper()}).context["page"])
    assert activity in by_name
    nothing = client.get(url, {"q": "zzz-no-such-activity"})
    assert list(nothing.context["page"]) == []
    assert "No activity matches your search." in nothing.content.decode()
