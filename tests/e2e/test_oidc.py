"""Signing in through the city's identity provider (issue 19), against a real OpenID provider:
the certified `oidc-provider` package on Node, started on loopback by this file
(tests/oidc/provider.mjs; `npm ci` there first when its node_modules is missing).

A new account lands with the role its provider group maps to; one whose group maps to police
waits for a second person; an account disabled at the provider loses its open session at the
next page after the provider says so, and cannot sign in again. Accounts are matched on the
provider's subject: a local account with the same username and e-mail is never taken over.
"""

import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from accounts.models import (
    AccountChange,
    ProviderGroupMapping,
    ProviderIdentity,
    Role,
    SecurityEvent,
)
from tests.e2e.conftest import TIMEOUT_MS
from tests.factories import AgencyFactory, make_user

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "msc-test", "a-test-only-client-secret"
ACCOUNTS = {
    "5f0c1e2a-youth": {
        "preferred_username": "yara",
        "given_name": "Yara",
        "family_name": "Peeters",
        "email": "yara@city.example",
        "groups": ["city-streetwork"],
        "password": "city-password-1",
    },
    "9a7b3c4d-police": {
        "preferred_username": "pieter",
        "given_name": "Pieter",
        "family_name": "Claes",
        "email": "pieter@police.example",
        "groups": ["zone-north-radicalism"],
        "password": "city-password-2",
    },
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def provider(live_server, settings, tmp_path):
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            [shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund"],
            cwd=PROVIDER_DIR,
            check=True,
            timeout=300,
        )
    port = free_port()
    log_path = tmp_path / "provider.log"
    log = log_path.open("w")
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        ["node", "provider.mjs"],
        cwd=PROVIDER_DIR,
        env={
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "PORT": str(port),
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": live_server.url + reverse("oidc_authentication_callback"),
            "ACCOUNTS": json.dumps(ACCOUNTS),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        while "listening on" not in log_path.read_text():
            if process.poll() is not None:
                pytest.fail(f"the OpenID provider did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        settings.OIDC_ENABLED = True
        settings.OIDC_ISSUER = issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        settings.OIDC_RP_SCOPES = "openid profile email groups"
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        print(log_path.read_text())


@pytest.fixture
def mappings(db):
    """The administrator's table: the city's street-work group gives youth workers, the police
    zone's group gives police (above L1: a second person confirms each account)."""
    admin = make_user(role=Role.ADMIN)
    youth = AgencyFactory(name="Street work")
    police = AgencyFactory(name="Police Zone North", kind="police")
    ProviderGroupMapping.objects.create(
        group="city-streetwork", agency=youth, role=Role.YOUTH_WORKER, created_by=admin
    )
    ProviderGroupMapping.objects.create(
        group="zone-north-radicalism", agency=police, role=Role.POLICE, created_by=admin
    )
    return {"youth": youth, "police": police, "admin": admin}


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def sign_in_at_the_city(page, username: str, password: str) -> None:
    page.goto(reverse("login"))
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.get_by_label("City username").fill(username)
    page.get_by_label("City password").fill(password)
    page.get_by_role("button", name="Sign in at the city").click()


def test_a_new_user_lands_with_the_role_their_group_maps_to(
    browser, live_server, provider, mappings
):
    # A local account of the same name and e-mail: never the one the provider's yara gets.
    local = make_user(role=Role.PARTNER, username="yara", email="yara@city.example")
    page = new_page(browser, live_server)
    sign_in_at_the_city(page, "yara", "city-password-1")
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    assert "Youth or street-corner worker" in page.locator("header, nav").first.inner_text() or (
        "Youth or street-corner worker" in page.content()
    )
    identity = ProviderIdentity.objects.get(subject="5f0c1e2a-youth", issuer=provider)
    account = identity.user
    assert account.pk != local.pk and account.username == "yara-2"
    assert account.profile.role == Role.YOUTH_WORKER
    assert account.profile.agency == mappings["youth"]
    assert not account.has_usable_password()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_IN, user=account).exists()
    # The sessions page knows this session came through the provider.
    page.goto(reverse("sessions"))
    assert "Through the identity provider" in page.content()
    page.context.close()


def test_a_user_mapped_to_police_waits_for_a_second_person(
    browser, live_server, provider, mappings
):
    page = new_page(browser, live_server)
    sign_in_at_the_city(page, "pieter", "city-password-2")
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    assert "waits for a second person" in page.content()
    account = ProviderIdentity.objects.get(subject="9a7b3c4d-police").user
    assert not hasattr(account, "profile") or account.profile is None
    change = AccountChange.objects.get(user=account, status=AccountChange.Status.PENDING)
    assert (change.role, change.agency, change.requested_by) == (
        Role.POLICE,
        mappings["police"],
        mappings["admin"],
    )
    # Nothing of the application opens for him meanwhile.
    assert page.goto(reverse("cases:list")).status == 404
    page.context.close()


def test_a_user_disabled_at_the_provider_loses_their_session_and_cannot_sign_in(
    browser, live_server, provider, mappings
):
    page = new_page(browser, live_server)
    sign_in_at_the_city(page, "yara", "city-password-1")
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    account = ProviderIdentity.objects.get(subject="5f0c1e2a-youth").user
    assert page.goto(reverse("sessions")).status == 200

    # IT disables her at the provider; her session here is due for its re-check (as it would
    # be OIDC_RECHECK_SECONDS after signing in).
    page.request.post(f"{provider}/test/disable/5f0c1e2a-youth")
    cookie = next(
        c for c in page.context.cookies() if c["name"] == django_settings.SESSION_COOKIE_NAME
    )
    session = SessionStore(session_key=cookie["value"])
    session["oidc_id_token_expiration"] = 0
    session.save()

    page.goto(reverse("sessions"))
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "did not sign you in" in page.content()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PROVIDER_REFUSED, user=account
    ).exists()
    assert not SessionStore().exists(cookie["value"])
    assert page.goto(reverse("home")).url.startswith(f"{live_server.url}/accounts/login/")

    # Signing in again: the provider refuses her.
    sign_in_at_the_city(page, "yara", "city-password-1")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert "did not sign you in" in page.content()
    assert page.goto(reverse("sessions")).url.startswith(f"{live_server.url}/accounts/login/")
    page.context.close()
