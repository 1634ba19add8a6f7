"""Retention: closed cases due by rule, put on a destruction list, approved by the process owner
and the data protection officer (two people), legal holds skipped, destroyed, certified."""

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts import security
from accounts.models import Level, Role
from cases import services as case_services
from cases.models import Case, ChronologyEntry, Person
from oversight import selectors as oversight_selectors
from oversight import statistics
from privacy import retention
from privacy.models import DestructionList, DestructionListItem, DestructionRecord, LegalHold
from releases import services as release_services
from tests.config.test_settings import PRODUCTION, read_settings, run_settings
from tests.documents import pdf_of
from tests.factories import make_case, make_person, make_user

pytestmark = pytest.mark.clock

SECRET = "Lives above the bakery on Kerkstraat 12"


@pytest.fixture
def owner(db):
    """The process owner: a coordinator."""
    return make_user(role=Role.COORDINATOR)


@pytest.fixture
def dpo(db):
    officer = make_user(role=Role.MAYOR_OFFICE)
    security.data_protection_officer_set(user=officer, is_officer=True)
    return officer


def closed_case(owner, *, years_ago: float, reason: str = "risk_removed", person=None, **extra):
    case = make_case(owner=owner, person=person or make_person(first_name="Zebulon"), **extra)
    entry = case_services.entry_add(
        case=case,
        author=owner,
        kind="note",
        occurred_at=timezone.now() - timedelta(days=1),
        level=Level.L2,
        text=SECRET,
        attachment=SimpleUploadedFile("note.pdf", pdf_of("secret")),
    )
    case = case_services.case_change_status(
        case=case,
        user=owner,
        to_status=Case.Status.CLOSED,
        reason="Done",
        expected_version=case.version,
        closure_reason=reason,
    )
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=int(365.25 * years_ago))
    )
    case.refresh_from_db()
    return case, entry


def test_cases_fall_due_by_the_period_of_their_closure_reason(social_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RETENTION_YEARS = {**settings.RETENTION_YEARS, "deceased": 1, "risk_removed": 5}
    old, _ = closed_case(social_worker, years_ago=5.1)
    young, _ = closed_case(social_worker, years_ago=4.9)
    deceased, _ = closed_case(social_worker, years_ago=1.1, reason="deceased")
    open_case = make_case(owner=social_worker)
    due = set(retention.cases_due().values_list("reference", flat=True))
    assert due == {old.reference, deceased.reference}
    assert young.reference not in due and open_case.reference not in due


def test_the_country_presets_and_overrides():
    assert read_settings({**PRODUCTION}, "RETENTION_YEARS")["RETENTION_YEARS"]["moved_away"] == 5
    uk = read_settings({**PRODUCTION, "RETENTION_COUNTRY": "uk"}, "RETENTION_YEARS")
    assert set(uk["RETENTION_YEARS"].values()) == {6}
    nl = read_settings(
        {**PRODUCTION, "RETENTION_COUNTRY": "NL", "RETENTION_YEARS": "deceased=1"},
        "RETENTION_YEARS",
    )["RETENTION_YEARS"]
    assert nl["deceased"] == 1 and nl["risk_removed"] == 5
    assert run_settings({**PRODUCTION, "RETENTION_YEARS": "nonsense=3"}, "").returncode != 0
    assert run_settings({**PRODUCTION, "RETENTION_COUNTRY": "XX"}, "").returncode != 0


def test_the_settings_name_every_closure_reason():
    from django.conf import settings

    assert set(settings.CLOSURE_REASONS) == set(Case.ClosureReason.values)


def propose_and_approve(owner, dpo) -> DestructionList:
    proposed = retention.destruction_list_propose()
    retention.destruction_list_approve(user=owner, destruction_list=proposed)
    return retention.destruction_list_approve(user=dpo, destruction_list=proposed)


def test_the_daily_job_proposes_a_list_and_tells_the_reviewers_without_details(
    social_worker, owner, dpo, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    case, _ = closed_case(social_worker, years_ago=6)
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("propose_destruction_list", stdout=out)
    assert case.reference in out.getvalue()
    proposed = DestructionList.objects.get()
    assert list(proposed.items.values_list("case__reference", flat=True)) == [case.reference]
    assert proposed.status == DestructionList.Status.PROPOSED
    assert sorted(to for m in mail.outbox for to in m.to) == sorted([owner.email, dpo.email])
    assert all(case.reference not in m.body and "1 closed case" in m.body for m in mail.outbox)
    # Run again: the case is on a list waiting for approval, so no second list.
    assert retention.destruction_list_propose() is None
    # Nothing is destroyed by proposing.
    assert not DestructionRecord.objects.exists()
    assert ChronologyEntry.objects.filter(case=case, text=SECRET).exists()


def test_the_dry_run_shows_exactly_what_goes_in_counts_and_nothing_of_the_content(
    client, social_worker, owner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, _ = closed_case(social_worker, years_ago=6)
    proposed = retention.destruction_list_propose()
    [plan] = retention.dry_run(proposed)
    assert plan.goes and plan.erasure.person
    rows = dict(plan.erasure.named)
    assert rows["chronology entries"] == ChronologyEntry.objects.filter(case=case).count() >= 1
    assert plan.erasure.files == 1
    client.force_login(owner)
    page = client.get(reverse("retention:list", args=[proposed.pk])).content.decode()
    assert case.reference in page and "chronology entries" in page and "1 file" in page
    assert SECRET not in page and "Zebulon" not in page
    assert "Approve this list" in page
    # The dry run destroyed nothing.
    assert ChronologyEntry.objects.filter(case=case, text=SECRET).exists()


def test_two_different_reviewers_approve_and_then_the_personal_data_is_destroyed(
    client, social_worker, owner, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, entry = closed_case(social_worker, years_ago=6)
    stored_file = Path(entry.attachments.get().file.path)
    log_rows_before = LogEntry.objects.count()
    proposed = retention.destruction_list_propose()
    [plan] = retention.dry_run(proposed)

    client.force_login(owner)
    response = client.post(reverse("retention:approve", args=[proposed.pk]))
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.owner_approved_by == owner and proposed.status == "proposed"
    assert ChronologyEntry.objects.get(pk=entry.pk).text == SECRET and stored_file.exists()
    # The same person cannot give the second approval.
    with pytest.raises(ValidationError):
        retention.destruction_list_approve(user=owner, destruction_list=proposed)

    client.force_login(dpo)
    page = client.get(reverse("retention:list", args=[proposed.pk])).content.decode()
    assert "Approve and destroy 1 case" in page
    assert client.post(reverse("retention:approve", args=[proposed.pk])).status_code == 302

    proposed.refresh_from_db()
    assert proposed.status == DestructionList.Status.DESTROYED
    assert proposed.officer_approved_by == dpo
    assert ChronologyEntry.objects.get(pk=entry.pk).text == ""
    assert not stored_file.exists()
    person = Person.objects.get(pk=case.person_id)
    assert (person.first_name, person.last_name, person.date_of_birth) == ("", "", None)
    assert person.code.startswith("ANON-")
    assert not case.caseuserobjectpermission_set.exists()
    # The certificate: reference, rule, list, both reviewers, time, and what was erased.
    record = DestructionRecord.objects.get(reference=case.reference)
    assert record.rule.startswith("BE: 5 years") and record.list_reference == proposed.reference
    assert (record.owner_approved_by, record.confirmed_by) == (owner, dpo)
    assert owner.get_full_name() in record.reviewers and dpo.get_full_name() in record.reviewers
    assert record.erased == plan.erasure.as_json()
    assert record.closure_reason == "risk_removed"
    # The erasure copies nothing of what it destroys into the audit log.
    new_rows = LogEntry.objects.order_by("-pk")[: LogEntry.objects.count() - log_rows_before]
    assert not any(SECRET in str(row.changes) or "Zebulon" in str(row.changes) for row in new_rows)
    # Statistics keep counting the case.
    assert Case.objects.filter(closure_reason="risk_removed", reference=case.reference).exists()
    log = client.get(reverse("retention:log")).content.decode()
    assert case.reference in log and proposed.reference in log
    # The register holds the destruction, and nothing of what was destroyed.
    register = settings.DELETION_REGISTER_PATH.read_text()
    assert case.reference in register and SECRET not in register and "Zebulon" not in register


def test_statistics_and_the_dashboard_keep_their_counts(
    social_worker, owner, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.RETENTION_YEARS = {**settings.RETENTION_YEARS, "risk_removed": 1}
    coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    cases = [closed_case(social_worker, years_ago=1.05)[0] for _ in range(2)]
    for case in cases:
        case_services.team_add_user(
            case=case, user=coordinator, granted_by=social_worker, reason="coordination"
        )
    year = timezone.localtime(cases[0].closed_at).year

    def figures():
        board = oversight_selectors.dashboard(user=coordinator)
        tables = [(t.key, [(r.label, r.count) for r in t.rows]) for t in statistics.yearly(year)]
        return [(str(f.label), f.value) for f in board.by_status], tables

    before = figures()
    assert dict(before[0])["Closed"] >= 2
    closures = dict(dict(before[1])["closures"])
    assert closures["Risk removed"] == 2
    propose_and_approve(owner, dpo)
    assert DestructionRecord.objects.count() == 2
    assert figures() == before


def test_a_legal_hold_on_the_case_or_the_person_skips_it_and_says_so(
    client, social_worker, owner, dpo, info_officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    held_case, held_entry = closed_case(social_worker, years_ago=6)
    held_person_case, _ = closed_case(social_worker, years_ago=6)
    free_case, _ = closed_case(social_worker, years_ago=6)
    client.force_login(info_officer)
    response = client.post(
        reverse("retention:holds"),
        {"reference": held_case.reference, "person_code": "", "reason": "Inquest 2026/14"},
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=held_case)
    assert hold.placed_by == info_officer and hold.reason == "Inquest 2026/14"
    retention.legal_hold_place(
        user=dpo, person_code=held_person_case.person.code, reason="Court order"
    )
    with pytest.raises(ValidationError):
        retention.legal_hold_place(user=dpo, reference=held_case.reference, reason="Again")

    proposed = retention.destruction_list_propose()
    client.force_login(owner)
    page = client.get(reverse("retention:list", args=[proposed.pk])).content.decode()
    assert page.count("Skipped: under a legal hold") == 2
    assert "Approve this list" in page
    retention.destruction_list_approve(user=owner, destruction_list=proposed)
    retention.destruction_list_approve(user=dpo, destruction_list=proposed)

    outcomes = dict(proposed.items.values_list("case__reference", "outcome"))
    assert outcomes == {
        held_case.reference: DestructionListItem.Outcome.HELD,
        held_person_case.reference: DestructionListItem.Outcome.HELD,
        free_case.reference: DestructionListItem.Outcome.DESTROYED,
    }
    assert ChronologyEntry.objects.get(pk=held_entry.pk).text == SECRET
    assert set(DestructionRecord.objects.values_list("reference", flat=True)) == {
        free_case.reference
    }
    page = client.get(reverse("retention:list", args=[proposed.pk])).content.decode()
    assert page.count("Skipped: under a legal hold") == 2

    # Lifted (with a reason): the case goes on the next list; the person still held is listed
    # again, and skipped again.
    client.force_login(dpo)
    response = client.post(
        reverse("retention:hold_lift", args=[hold.pk]), {"reason": "Inquest closed"}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_by == dpo and hold.lift_reason == "Inquest closed"
    next_list = retention.destruction_list_propose()
    plans = {p.item.case.reference: p for p in retention.dry_run(next_list)}
    assert set(plans) == {held_case.reference, held_person_case.reference}
    assert plans[held_case.reference].goes and not plans[held_person_case.reference].goes


def test_a_person_with_another_live_case_keeps_their_identity(
    social_worker, owner, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, _ = closed_case(social_worker, years_ago=6)
    make_case(owner=social_worker, person=case.person)
    proposed = retention.destruction_list_propose()
    [plan] = retention.dry_run(proposed)
    assert not plan.erasure.person
    retention.destruction_list_approve(user=owner, destruction_list=proposed)
    retention.destruction_list_approve(user=dpo, destruction_list=proposed)
    assert Person.objects.get(pk=case.person_id).first_name == "Zebulon"


def test_releases_of_the_case_are_erased(
    social_worker, info_officer, owner, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, _ = closed_case(social_worker, years_ago=6)
    release = release_services.release_create(
        case=case,
        author=info_officer,
        title="T",
        summary=SECRET,
        purpose="p",
        legal_basis="l",
        expires_on=timezone.localdate(),
        recipient_users=[social_worker],
    )
    propose_and_approve(owner, dpo)
    release.refresh_from_db()
    assert release.summary == "" and release.title == ""


def test_nobody_but_the_two_reviewers_approves_and_only_what_is_due_goes(
    client, social_worker, owner, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    due, _ = closed_case(social_worker, years_ago=6)
    young, _ = closed_case(social_worker, years_ago=1)
    proposed = retention.destruction_list_propose()
    assert list(proposed.items.values_list("case_id", flat=True)) == [due.pk]
    for role in (Role.SOCIAL_WORKER, Role.INFORMATION_OFFICER, Role.MAYOR_OFFICE, Role.ADMIN):
        with pytest.raises(PermissionDenied):
            retention.destruction_list_approve(user=make_user(role=role), destruction_list=proposed)
    # A second coordinator is not the data protection officer: one approval per capacity.
    retention.destruction_list_approve(user=owner, destruction_list=proposed)
    with pytest.raises(PermissionDenied):
        retention.destruction_list_approve(
            user=make_user(role=Role.COORDINATOR), destruction_list=proposed
        )
    client.force_login(make_user(role=Role.SOCIAL_WORKER))
    assert client.post(reverse("retention:approve", args=[proposed.pk])).status_code == 404
    assert not DestructionRecord.objects.exists()
    # A case reopened after it was listed is skipped as no longer due.
    Case.objects.filter(pk=due.pk).update(status=Case.Status.ACTIVE_SUPPORT)
    retention.destruction_list_approve(user=dpo, destruction_list=proposed)
    assert proposed.items.get().outcome == DestructionListItem.Outcome.NOT_DUE
    assert not DestructionRecord.objects.exists()
    assert not settings.DELETION_REGISTER_PATH.exists()
    assert young.reference not in retention.cases_due().values_list("reference", flat=True)


def test_every_audit_row_of_a_destruction_serves_retention(
    social_worker, owner, dpo, settings, tmp_path
):
    """Whatever app the erased rows belong to (cases, releases...), the job and the destruction
    are filed under the retention activity of the register (issue 18, part 3)."""
    settings.MEDIA_ROOT = tmp_path
    closed_case(social_worker, years_ago=6)
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    propose_and_approve(owner, dpo)
    written = LogEntry.objects.filter(pk__gt=before)
    activities = {row.additional_data.get("activity") for row in written}
    assert written.count() > 3
    assert activities == {"retention"}


def test_a_destroyed_case_counts_only_on_the_dashboard_of_the_agency_that_led_it(
    social_worker, owner, dpo, settings, tmp_path
):
    """The shell of a destroyed case is counted (policy.dashboard_case_filter) for a coordinator
    of its lead agency, never for one elsewhere, who did not count it before either."""
    settings.MEDIA_ROOT = tmp_path
    elsewhere = make_user(role=Role.COORDINATOR)
    assert elsewhere.profile.agency_id != social_worker.profile.agency_id
    closed_case(social_worker, years_ago=6)

    def closed_for(user) -> int:
        board = oversight_selectors.dashboard(user=user)
        return {str(f.label): f.value for f in board.by_status}["Closed"]

    before = closed_for(elsewhere)
    propose_and_approve(owner, dpo)
    assert DestructionRecord.objects.count() == 1
    assert closed_for(elsewhere) == before == 0
    same_agency = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    assert closed_for(same_agency) == 1
