"""Setting someone else's password or resetting their second factor (issue 14, finding 4).

Both are security events, sealed in the audit chain and shown on /audit/log/. On an account that
reads case content (or confirms changes), they wait for a second person: whoever sets them can
sign in as the account's holder.
"""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from accounts.models import AccountChange, Role, SecurityEvent
from audit.models import AuditSeal
from tests.accounts.test_admin_separation_of_duties import confirm, run_action
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "Seven-Lanterns-4-Harbour"


@pytest.fixture
def admin(db):
    return make_user(role=Role.ADMIN)


@pytest.fixture
def second_admin(db):
    return make_user(role=Role.ADMIN)


def set_password(client, account, password: str = NEW_PASSWORD):
    return client.post(
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"password1": password, "password2": password, "usable_password": "true"},
    )


def reloaded(user):
    return get_user_model().objects.get(pk=user.pk)


def with_second_factor(user):
    security.totp_device_for_setup(user=user)
    TOTPDevice.objects.filter(user=user).update(confirmed=True)
    security.recovery_codes_renew(user=user, log=False)
    return user


def audit_log_text(client, reader) -> str:
    client.force_login(reader)
    response = client.get(reverse("audit:log"))
    assert response.status_code == 200
    return response.content.decode()


def event_is_sealed(event: SecurityEvent) -> bool:
    entry = LogEntry.objects.get_for_object(event).get()
    return AuditSeal.objects.filter(log_entry_id=entry.pk).exists()


# --- Passwords -----------------------------------------------------------------------------------


def test_setting_a_youth_workers_password_is_a_sealed_security_event_in_the_audit_log(
    client, admin, youth_worker, info_officer, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = set_password(client, youth_worker)
    assert response.status_code == 302
    assert reloaded(youth_worker).check_password(NEW_PASSWORD)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_SET, user=youth_worker)
    assert admin.username in event.detail
    assert event_is_sealed(event)
    text = audit_log_text(client, info_officer)
    assert "password_set" in text and youth_worker.username in text


def test_setting_the_information_officers_password_waits_for_a_second_person(
    client, admin, second_admin, info_officer
):
    client.force_login(admin)
    response = set_password(client, info_officer)
    assert response.status_code == 302
    assert reloaded(info_officer).check_password(PASSWORD)
    assert not reloaded(info_officer).check_password(NEW_PASSWORD)
    change = AccountChange.objects.get(kind=AccountChange.Kind.PASSWORD)
    assert change.requested_by == admin
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ACCOUNT_CHANGE_REQUESTED, user=info_officer
    ).exists()
    # The asker cannot confirm their own request; a second administrator can.
    assert confirm(client, change).status_code == 403
    assert reloaded(info_officer).check_password(PASSWORD)
    client.force_login(second_admin)
    confirm(client, change)
    assert reloaded(info_officer).check_password(NEW_PASSWORD)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_SET, user=info_officer)
    assert admin.username in event.detail and second_admin.username in event.detail
    change.refresh_from_db()
    assert change.password == "", "the hash does not stay behind in the request"
    reader = make_user(role=Role.INFORMATION_OFFICER)
    assert "password_set" in audit_log_text(client, reader)


def test_the_waiting_password_is_never_in_the_audit_log(client, admin, police_officer):
    client.force_login(admin)
    set_password(client, police_officer)
    change = AccountChange.objects.get()
    logged = " ".join(
        f"{e.changes} {e.changes_text} {e.object_repr} {e.serialized_data}"
        for e in LogEntry.objects.all()
    )
    assert change.password and change.password not in logged
    assert "password" not in LogEntry.objects.get_for_object(change).get().changes


def test_the_administrator_cannot_set_their_own_password_in_the_admin(client, admin):
    client.force_login(admin)
    response = set_password(client, admin)
    assert response.status_code == 302
    assert reloaded(admin).check_password(PASSWORD)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_SET).exists()


def test_an_invalid_password_changes_nothing(client, admin, youth_worker):
    client.force_login(admin)
    response = set_password(client, youth_worker, password="short")
    assert response.status_code == 200
    assert reloaded(youth_worker).check_password(PASSWORD)
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_SET).exists()


# --- The second factor ---------------------------------------------------------------------------


def test_resetting_the_information_officers_second_factor_waits_for_a_second_person(
    client, admin, second_admin, info_officer, django_capture_on_commit_callbacks
):
    with_second_factor(info_officer)
    client.force_login(admin)
    run_action(client, "reset_two_factor", info_officer)
    assert TOTPDevice.objects.filter(user=info_officer, confirmed=True).exists()
    assert StaticDevice.objects.filter(user=info_officer).exists()
    change = AccountChange.objects.get(kind=AccountChange.Kind.SECOND_FACTOR_RESET)
    assert confirm(client, change).status_code == 403
    assert TOTPDevice.objects.filter(user=info_officer).exists()
    client.force_login(second_admin)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, change)
    assert not TOTPDevice.objects.filter(user=info_officer).exists()
    assert not StaticDevice.objects.filter(user=info_officer).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_RESET, user=info_officer)
    assert event_is_sealed(event)


def test_the_information_officer_confirms_a_police_officers_reset(
    client, admin, info_officer, police_officer
):
    with_second_factor(police_officer)
    client.force_login(admin)
    run_action(client, "reset_two_factor", police_officer)
    client.force_login(info_officer)
    confirm(client, AccountChange.objects.get())
    assert not TOTPDevice.objects.filter(user=police_officer).exists()


def test_resetting_a_partners_second_factor_applies_at_once_and_is_in_the_audit_log(
    client, admin, partner, info_officer
):
    with_second_factor(partner)
    client.force_login(admin)
    run_action(client, "reset_two_factor", partner)
    assert not TOTPDevice.objects.filter(user=partner).exists()
    assert not AccountChange.objects.exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.TWO_FACTOR_RESET, user=partner)
    assert admin.username in event.detail
    assert "two_factor_reset" in audit_log_text(client, info_officer)
