"""Two-factor sign-in (TOTP with django-otp): required above L1 and for administrators."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from accounts.models import Role, SecurityEvent
from tests.config.test_settings import PRODUCTION, read_settings
from tests.factories import PASSWORD, make_user


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def sign_in(client, user, next_url: str = ""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=device.drift):06d}"


def enrol(client, user) -> list[str]:
    """Set up an app for a signed-in user through the pages; returns the recovery codes."""
    client.get(reverse("two_factor:setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two_factor:setup"), {"token": code_for(device)}, follow=True)
    return response.context["codes"]


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.POLICE, Role.INFORMATION_OFFICER, Role.COORDINATOR]
)
def test_a_role_above_l1_must_set_up_a_second_factor_before_anything_else(
    client, db, require_2fa, role
):
    user = make_user(role=role)
    response = sign_in(client, user)
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two_factor:setup"))
    assert client.get(reverse("cases:list")).status_code == 302


def test_the_administrator_must_use_a_second_factor_for_the_admin_site(client, db, require_2fa):
    admin = make_user(role=Role.ADMIN)
    sign_in(client, admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:setup"))


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE])
def test_roles_at_l1_and_below_sign_in_with_a_password_alone(client, db, require_2fa, role):
    user = make_user(role=role)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_with_the_setting_off_a_password_is_enough(client, social_worker, settings):
    settings.REQUIRE_2FA = False
    sign_in(client, social_worker)
    assert client.get(reverse("home")).status_code == 200


def test_enrolment_shows_a_qr_code_without_script_or_style(client, social_worker, require_2fa):
    sign_in(client, social_worker)
    body = client.get(reverse("two_factor:setup")).content.decode()
    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    assert "<path" in svg
    assert "<script" not in svg and "style=" not in svg and "<style" not in svg
    device = TOTPDevice.objects.get(user=social_worker, confirmed=False)
    # The same secret is offered as text for typing in.
    from base64 import b32encode

    assert b32encode(device.bin_key).decode().rstrip("=")[:4] in body


def test_enrolling_verifies_the_session_and_gives_recovery_codes_once(
    client, social_worker, require_2fa
):
    sign_in(client, social_worker, next_url=reverse("cases:list"))
    codes = enrol(client, social_worker)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("home")).status_code == 200
    # Shown once: coming back shows a count, not the codes.
    again = client.get(reverse("two_factor:recovery_codes")).content.decode()
    assert codes[0] not in again
    assert SecurityEvent.objects.filter(
        user=social_worker, kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED
    ).exists()


def test_a_wrong_code_does_not_confirm_the_app(client, social_worker, require_2fa):
    sign_in(client, social_worker)
    client.get(reverse("two_factor:setup"))
    response = client.post(reverse("two_factor:setup"), {"token": "000000"})
    assert response.status_code == 200
    assert not security.has_second_factor(social_worker)
    assert client.get(reverse("home")).status_code == 302


def test_next_time_the_code_is_asked_and_the_user_returns_to_their_page(
    client, social_worker, require_2fa
):
    sign_in(client, social_worker)
    enrol(client, social_worker)
    client.post(reverse("logout"))
    target = reverse("cases:list") + "?q=abc"
    sign_in(client, social_worker, next_url=target)
    response = client.get(target)
    assert response["Location"].startswith(reverse("two_factor:verify"))
    device = TOTPDevice.objects.get(user=social_worker, confirmed=True)
    device.last_t = -1  # the code used at enrolment may still be the current one
    device.save()
    response = client.post(response["Location"], {"token": code_for(device), "next": target})
    assert response.status_code == 302 and response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_wrong_code_is_refused_and_recorded(client, social_worker, require_2fa):
    sign_in(client, social_worker)
    enrol(client, social_worker)
    client.post(reverse("logout"))
    sign_in(client, social_worker)
    response = client.post(reverse("two_factor:verify"), {"token": "123456"})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert SecurityEvent.objects.filter(
        user=social_worker, kind=SecurityEvent.Kind.TWO_FACTOR_FAILED
    ).exists()


def test_a_recovery_code_works_once(client, social_worker, require_2fa):
    sign_in(client, social_worker)
    codes = enrol(client, social_worker)
    for attempt in range(2):
        client.post(reverse("logout"))
        sign_in(client, social_worker)
        client.post(reverse("two_factor:verify"), {"token": codes[0]})
        status = client.get(reverse("home")).status_code
        assert status == (200 if attempt == 0 else 302)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RECOVERY_CODE_USED).count() == 1


def test_the_app_secret_and_the_recovery_codes_stay_out_of_the_audit_log(
    client, social_worker, require_2fa
):
    from auditlog.models import LogEntry

    sign_in(client, social_worker)
    codes = enrol(client, social_worker)
    device = TOTPDevice.objects.get(user=social_worker)
    logged = " ".join(
        f"{e.changes} {e.object_repr} {e.serialized_data}" for e in LogEntry.objects.all()
    )
    assert device.key not in logged
    assert not any(code in logged for code in codes)


def test_an_administrator_reset_sends_the_user_back_to_set_up(client, social_worker, require_2fa):
    admin = make_user(role=Role.ADMIN)
    sign_in(client, social_worker)
    enrol(client, social_worker)
    security.second_factor_reset(user=social_worker, reset_by=admin)
    client.post(reverse("logout"))
    sign_in(client, social_worker)
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor:setup"))


def test_it_is_required_by_default_in_production_and_not_in_development():
    assert read_settings(PRODUCTION, "REQUIRE_2FA") == {"REQUIRE_2FA": True}
    assert read_settings({"DEBUG": "1"}, "REQUIRE_2FA") == {"REQUIRE_2FA": False}
    assert read_settings({**PRODUCTION, "REQUIRE_2FA": "0"}, "REQUIRE_2FA") == {
        "REQUIRE_2FA": False
    }
