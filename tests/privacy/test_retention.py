"""Retention: closed cases due by rule, confirmed by the data protection officer, destroyed."""

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
from privacy import retention
from privacy.models import DestructionRecord
from releases import services as release_services
from tests.config.test_settings import PRODUCTION, read_settings, run_settings
from tests.documents import pdf_of
from tests.factories import make_case, make_person, make_user

pytestmark = pytest.mark.clock

SECRET = "Lives above the bakery on Kerkstraat 12"


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


def test_the_daily_job_lists_the_cases_and_tells_the_officer_without_details(
    social_worker, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, _ = closed_case(social_worker, years_ago=6)
    out = StringIO()
    call_command("list_cases_due_for_retention", stdout=out)
    assert case.reference in out.getvalue()
    [message] = mail.outbox
    assert message.to == [dpo.email]
    assert case.reference not in message.body and "1 closed case" in message.body


def test_the_officer_confirms_and_the_personal_data_is_destroyed(
    client, social_worker, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, entry = closed_case(social_worker, years_ago=6)
    stored_file = Path(entry.attachments.get().file.path)
    assert stored_file.exists()
    log_rows_before = LogEntry.objects.count()
    client.force_login(dpo)
    page = client.get(reverse("retention:due"))
    assert case.reference in page.content.decode()
    assert SECRET not in page.content.decode() and "Zebulon" not in page.content.decode()

    response = client.post(reverse("retention:confirm", args=[case.reference]))
    assert response.status_code == 302

    entry = ChronologyEntry.objects.get(pk=entry.pk)
    assert entry.text == ""
    assert not stored_file.exists()
    person = Person.objects.get(pk=case.person_id)
    assert (person.first_name, person.last_name, person.date_of_birth) == ("", "", None)
    assert person.code.startswith("ANON-")
    assert not case.caseuserobjectpermission_set.exists()
    record = DestructionRecord.objects.get(reference=case.reference)
    assert record.rule.startswith("BE: 5 years") and record.confirmed_by == dpo
    assert record.closure_reason == "risk_removed"
    # The erasure copies nothing of what it destroys into the audit log.
    new_rows = LogEntry.objects.all()[: LogEntry.objects.count() - log_rows_before]
    assert not any(SECRET in str(row.changes) or "Zebulon" in str(row.changes) for row in new_rows)
    # Statistics keep counting the case.
    assert Case.objects.filter(closure_reason="risk_removed", reference=case.reference).exists()
    assert case.reference in client.get(reverse("retention:log")).content.decode()
    assert case.reference not in client.get(reverse("retention:due")).content.decode()


def test_a_person_with_another_live_case_keeps_their_identity(
    social_worker, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case, _ = closed_case(social_worker, years_ago=6)
    make_case(owner=social_worker, person=case.person)
    retention.case_destroy(reference=case.reference, confirmed_by=dpo)
    assert Person.objects.get(pk=case.person_id).first_name == "Zebulon"


def test_releases_and_access_requests_of_the_case_are_erased(
    social_worker, info_officer, dpo, settings, tmp_path
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
    retention.case_destroy(reference=case.reference, confirmed_by=dpo)
    release.refresh_from_db()
    assert release.summary == "" and release.title == ""


def test_nobody_but_the_officer_destroys_and_only_what_is_due(
    client, social_worker, coordinator, dpo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    due, _ = closed_case(social_worker, years_ago=6)
    young, _ = closed_case(social_worker, years_ago=1)
    with pytest.raises(PermissionDenied):
        retention.case_destroy(reference=due.reference, confirmed_by=coordinator)
    client.force_login(coordinator)
    assert client.post(reverse("retention:confirm", args=[due.reference])).status_code == 404
    with pytest.raises(ValidationError):
        retention.case_destroy(reference=young.reference, confirmed_by=dpo)
    assert not DestructionRecord.objects.exists()
