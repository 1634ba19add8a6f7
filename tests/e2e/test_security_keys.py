"""Security keys and passkeys as a second factor (django-otp-webauthn), in Chromium with its
virtual authenticator (WebAuthn domain of the DevTools protocol, through Playwright's CDP
session): a worker registers a key, signs in with it, and a key with the right credential id
but another private key is refused."""

import base64
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import Role, SecurityEvent
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "usb",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def browser_with_key(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    key = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return page, cdp, key["authenticatorId"]


def sign_in_with_password(page, user) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def another_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return base64.b64encode(der).decode()


@pytest.fixture
def keys_here(settings, live_server):
    settings.REQUIRE_2FA = True
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_TIMEOUT_SECONDS = 10


def test_a_security_key_is_registered_then_signs_in_and_a_wrong_one_is_refused(
    browser, live_server, keys_here
):
    worker = make_user(role=Role.SOCIAL_WORKER)

    # First sign-in: a role above L1 must set up a second factor; she adds a security key.
    page, cdp, authenticator = browser_with_key(browser, live_server)
    sign_in_with_password(page, worker)
    page.wait_for_url(re.compile(r"/accounts/two-factor/set-up/"))
    page.get_by_role("button", name="Add a security key").click()
    page.wait_for_function(
        "() => document.getElementById('passkey-register-status-message')?.textContent.trim()"
    )
    credential = WebAuthnCredential.objects.get(user=worker)
    assert credential.confirmed
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED, user=worker
    ).exists()
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    [on_the_key] = stored["credentials"]

    # Next sign-in: password, then the key.
    page.context.clear_cookies()
    sign_in_with_password(page, worker)
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    assert page.request.get(reverse("cases:list"), max_redirects=0).status == 302
    page.goto(reverse("two_factor:verify"))
    page.get_by_role("button", name="Use my security key").click()
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    assert page.request.get(reverse("cases:list"), max_redirects=0).status == 200
    page.context.close()

    # Another key that claims the same credential but signs with another private key.
    page, cdp, authenticator = browser_with_key(browser, live_server)
    cdp.send(
        "WebAuthn.addCredential",
        {
            "authenticatorId": authenticator,
            "credential": {
                "credentialId": on_the_key["credentialId"],
                "isResidentCredential": False,
                "rpId": on_the_key["rpId"],
                "privateKey": another_private_key(),
                "signCount": 100,
            },
        },
    )
    sign_in_with_password(page, worker)
    page.wait_for_url(re.compile(r"/accounts/two-factor/"))
    page.goto(reverse("two_factor:verify"))
    page.get_by_role("button", name="Use my security key").click()
    page.wait_for_function(
        "() => document.getElementById('passkey-verification-status-message')?.textContent.trim()"
    )
    assert "/accounts/two-factor/" in page.url
    # Still unverified: nothing of the application opens.
    assert page.request.get(reverse("cases:list"), max_redirects=0).status == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_IN, user=worker).count() == 3
    page.context.close()
