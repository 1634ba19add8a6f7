"""Signing in through the city's identity provider, without the provider: the account is the
provider's subject (never an e-mail), agency and role come from the administrator's table,
a role above L1 waits for a second person, passwords can be switched off. The whole round trip
through a real provider is tests/e2e/test_oidc.py."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import security
from accounts.backends import ProviderBackend
from accounts.models import (
    AccountChange,
    Profile,
    ProviderGroupMapping,
    ProviderIdentity,
    Role,
    SecurityEvent,
)
from tests.factories import PASSWORD, AgencyFactory, make_user

pytestmark = pytest.mark.django_db
ISSUER = "https://id.city.example/realms/city"


@pytest.fixture
def oidc(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_RP_CLIENT_ID = "msc"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/certs"
    settings.REQUIRE_2FA = False


@pytest.fixture
def table(db):
    admin = make_user(role=Role.ADMIN)
    street = AgencyFactory(name="Street work")
    police = AgencyFactory(name="Police Zone North", kind="police")
    ProviderGroupMapping.objects.create(
        group="streetwork", agency=street, role=Role.YOUTH_WORKER, created_by=admin
    )
    ProviderGroupMapping.objects.create(
        group="police-north", agency=police, role=Role.POLICE, created_by=admin, priority=10
    )
    return {"admin": admin, "street": street, "police": police}


def claims(sub="sub-1", groups=("streetwork",), **extra):
    return {"sub": sub, "preferred_username": "yara", "groups": list(groups), **extra}


def test_a_first_sign_in_creates_the_account_with_the_mapped_role(oidc, table):
    user = security.provider_sign_in(user=None, claims=claims(given_name="Yara"))
    assert user.profile.role == Role.YOUTH_WORKER and user.profile.agency == table["street"]
    assert user.first_name == "Yara" and not user.has_usable_password()
    assert ProviderIdentity.objects.get(user=user).subject == "sub-1"


def test_accounts_are_found_by_subject_never_by_email_or_username(oidc, table):
    local = make_user(role=Role.SOCIAL_WORKER, username="yara", email="yara@city.example")
    backend = ProviderBackend()
    same_email = claims(sub="other-subject", email="yara@city.example")
    assert list(backend.filter_users_by_claims(same_email)) == []
    created = security.provider_sign_in(user=None, claims=same_email)
    assert created.pk != local.pk and created.username == "yara-2"
    assert list(backend.filter_users_by_claims(same_email)) == [created]
    # The same subject at another issuer is another person.
    ProviderIdentity.objects.filter(user=created).update(issuer="https://elsewhere.example")
    assert list(backend.filter_users_by_claims(same_email)) == []


def test_a_role_above_l1_waits_for_a_second_person(oidc, table):
    user = security.provider_sign_in(user=None, claims=claims(groups=["police-north"]))
    assert not hasattr(user, "profile")
    change = AccountChange.objects.get(user=user, status=AccountChange.Status.PENDING)
    assert change.role == Role.POLICE and change.requested_by == table["admin"]
    # Signing in again asks nothing twice.
    security.provider_sign_in(user=user, claims=claims(groups=["police-north"]))
    assert AccountChange.objects.filter(user=user).count() == 1
    info = make_user(role=Role.INFORMATION_OFFICER, agency=table["police"])
    security.account_change_decide(change_id=change.pk, user=info, confirm=True)
    user.refresh_from_db()
    assert user.profile.role == Role.POLICE


def test_the_lowest_priority_number_wins_among_several_groups(oidc, table):
    user = security.provider_sign_in(
        user=None, claims=claims(groups=["streetwork", "police-north"])
    )
    assert AccountChange.objects.get(user=user).role == Role.POLICE


def test_an_account_in_no_mapped_group_is_refused(oidc, table):
    assert security.provider_sign_in(user=None, claims=claims(groups=["canteen"])) is None
    assert not get_user_model().objects.filter(provider_identities__subject="sub-1").exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SIGN_IN_FAILED)
    assert "no group" in event.detail


def test_a_lower_mapping_applies_at_once(oidc, table):
    user = security.provider_sign_in(user=None, claims=claims())
    ProviderGroupMapping.objects.filter(group="streetwork").update(role=Role.PARTNER)
    security.provider_sign_in(user=user, claims=claims())
    user.refresh_from_db()
    assert user.profile.role == Role.PARTNER


def test_the_provider_refusing_a_session_ends_it(oidc, table, client):
    user = security.provider_sign_in(user=None, claims=claims())
    client.force_login(user, backend="accounts.backends.ProviderBackend")
    session = client.session
    session["oidc_id_token_expiration"] = 10**12  # not due for its re-check
    session.save()
    assert client.get(reverse("sessions")).status_code == 200
    response = client.get(
        reverse("oidc_authentication_callback"), {"error": "login_required", "state": "x"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("sessions")).status_code == 302
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.PROVIDER_REFUSED, user=user
    ).exists()


def test_a_provider_session_is_sent_to_the_provider_for_its_recheck(oidc, table, client):
    user = security.provider_sign_in(user=None, claims=claims())
    client.force_login(user, backend="accounts.backends.ProviderBackend")
    response = client.get(reverse("sessions"))  # no id-token expiry recorded: due now
    assert response.status_code == 302
    assert (
        response["Location"].startswith(f"{ISSUER}/auth?") and "prompt=none" in response["Location"]
    )
    # The keep-alive that the page's script polls is never sent away.
    assert client.get(reverse("session_status")).status_code == 200


def test_the_provider_pages_are_not_there_without_a_provider(client, db):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404
    assert "organisation" not in client.get(reverse("login")).content.decode()


def test_the_login_page_offers_the_provider(oidc, client):
    page = client.get(reverse("login")).content.decode()
    assert "Sign in with your organisation" in page
    assert client.get(reverse("oidc_authentication_init")).status_code == 302


def test_password_sign_in_can_be_switched_off(settings, client, db, oidc):
    settings.PASSWORD_SIGN_IN = False
    user = make_user(role=Role.YOUTH_WORKER)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert 'name="password"' not in client.get(reverse("login")).content.decode()


def test_the_providers_second_factor_counts_only_when_configured(oidc, table, client, settings):
    settings.REQUIRE_2FA = True
    settings.OIDC_MFA_AMR = ["mfa"]
    user = security.provider_sign_in(user=None, claims=claims())
    # A role above L1 (confirmed earlier): a second factor is required.
    Profile.objects.filter(user=user).update(role=Role.SOCIAL_WORKER, clearance=2)
    client.force_login(user, backend="accounts.backends.ProviderBackend")
    session = client.session
    session["oidc_id_token_expiration"] = 10**12
    session.save()
    # Without the provider's word: the second factor is asked here.
    assert client.get(reverse("sessions"))["Location"].startswith(reverse("two_factor:setup"))
    session = client.session
    session[security.PROVIDER_MFA_KEY] = True
    session.save()
    assert client.get(reverse("sessions")).status_code == 200
    # A site that does not count the provider's: asked here again.
    settings.OIDC_MFA_AMR = []
    assert client.get(reverse("sessions")).status_code == 302


def test_the_amr_claim_is_read_from_the_id_token(rf, settings):
    settings.OIDC_MFA_AMR = ["mfa", "hwk"]
    request = rf.get("/")
    request.session = {}
    security.provider_second_factor_note(request=request, id_token_claims={"amr": ["pwd", "mfa"]})
    assert request.session[security.PROVIDER_MFA_KEY] is True
    security.provider_second_factor_note(request=request, id_token_claims={"amr": ["pwd"]})
    assert request.session[security.PROVIDER_MFA_KEY] is False
