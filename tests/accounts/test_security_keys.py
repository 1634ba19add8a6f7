"""Security keys and passkeys (django-otp-webauthn) beside the authenticator app and recovery
codes: they count as a second factor, a reset removes them, an enrolled session that has not
passed its second factor cannot add one, and they never sign anyone in on their own. The
ceremonies themselves run in Chromium: tests/e2e/test_security_keys.py."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import security
from accounts.models import Role, SecurityEvent
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def a_key(user) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user,
        name="YubiKey",
        confirmed=True,
        credential_id=b"\x01\x02\x03",
        public_key=b"\x04",
        sign_count=0,
    )


def test_a_security_key_is_a_second_factor_and_its_registration_an_event(db):
    user = make_user(role=Role.POLICE)
    assert not security.has_second_factor(user)
    a_key(user)
    assert security.has_second_factor(user) and security.has_security_key(user)
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED, user=user
    ).exists()


def test_a_reset_removes_the_keys_too(db):
    user = make_user(role=Role.POLICE)
    a_key(user)
    security.second_factor_reset(user=user, reset_by=make_user(role=Role.ADMIN))
    assert not WebAuthnCredential.objects.filter(user=user).exists()


def test_an_enrolled_session_not_yet_verified_cannot_add_a_key(client, db, settings):
    settings.REQUIRE_2FA = True
    user = make_user(role=Role.SOCIAL_WORKER)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    response = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert response.status_code == 403
    # The verify page offers the key only to someone who has one.
    assert "Use my security key" not in client.get(reverse("two_factor:verify")).content.decode()


def test_a_key_alone_signs_nobody_in(client, db):
    response = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert response.status_code == 403


def test_the_verify_page_offers_the_key(client, db, settings):
    settings.REQUIRE_2FA = True
    user = make_user(role=Role.SOCIAL_WORKER)
    a_key(user)
    client.force_login(user)
    page = client.get(reverse("two_factor:verify")).content.decode()
    assert "Use my security key" in page and "otp_webauthn_config" in page


def test_the_relying_party_is_the_sites_host_name(settings):
    settings.ALLOWED_HOSTS = ["msc.city.example"]
    request = RequestFactory().get("/", HTTP_HOST="msc.city.example:8443")
    assert security.webauthn_rp_id(request) == "msc.city.example"
