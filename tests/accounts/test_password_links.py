"""Choosing a password through an e-mailed link: a forgotten password (asked for on the sign-in
page) and a new account's first one (sent by the administrator), so that nobody but the holder
ever knows it. The link works once, only for its own account, only while the account is active
and only for PASSWORD_RESET_TIMEOUT; choosing ends every session of the account. The page that
asks never tells whether an address has an account, and asks are limited per account and per
network address."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import security
from accounts.models import Role, SecurityEvent, SignedInSession
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-4417"
LINK = re.compile(r"http://testserver(/accounts/password/choose/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def holder(settings):
    settings.REQUIRE_2FA = False
    return make_user(role=Role.SOCIAL_WORKER, email="holder@example.org")


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Ask for a link on the "forgotten" page; the e-mail goes once the ask commits."""

    def ask(email: str, address: str = "192.0.2.20"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("password_forgotten"), {"email": email}, REMOTE_ADDR=address)

    return ask


def link_in(message) -> str:
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def choose(client: Client, link: str, password: str = NEW_PASSWORD):
    """Follow the link as a browser does (the token moves into the session), then send the
    new password twice."""
    landing = client.get(link)
    assert landing.status_code == 302, "a working link sends on to the form"
    return client.post(landing["Location"], {"new_password1": password, "new_password2": password})


def events(kind: str, **filters) -> int:
    return SecurityEvent.objects.filter(kind=kind, **filters).count()


def test_a_forgotten_password_gets_a_link_that_sets_a_new_one_and_ends_every_session(holder, ask):
    signed_in = Client()
    assert (
        signed_in.post(
            reverse("login"), {"username": holder.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    AccessAttempt.objects.create(
        username=holder.username, ip_address="192.0.2.99", failures_since_start=3
    )

    response = ask("Holder@Example.org")
    assert response.status_code == 302 and response["Location"] == reverse(
        "password_forgotten_sent"
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["holder@example.org"]
    assert holder.username in mail.outbox[0].body
    assert events(SecurityEvent.Kind.PASSWORD_LINK_SENT, user=holder) == 1

    done = choose(Client(), link_in(mail.outbox[0]))
    assert done.status_code == 302 and done["Location"] == reverse("password_chosen")
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)
    # Whoever was signed in with the old password is out; the lock-out count is gone.
    assert signed_in.get(reverse("home")).status_code == 302
    assert not SignedInSession.objects.filter(user=holder).exists()
    assert not AccessAttempt.objects.filter(username=holder.username).exists()
    assert events(SecurityEvent.Kind.PASSWORD_CHOSEN, user=holder) == 1
    assert (
        Client()
        .post(reverse("login"), {"username": holder.username, "password": NEW_PASSWORD})
        .status_code
        == 302
    )


def test_the_link_works_once(holder, ask):
    ask(holder.email)
    link = link_in(mail.outbox[0])
    choose(Client(), link)
    again = Client().get(link)
    assert again.status_code == 200 and "This link no longer works" in again.content.decode()
    holder.refresh_from_db()
    assert holder.check_password(NEW_PASSWORD)


def test_the_answer_is_the_same_whether_or_not_an_account_has_the_address(holder, ask):
    known = ask(holder.email, address="192.0.2.1")
    unknown = ask("nobody@example.org", address="192.0.2.2")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    # The unknown ask is recorded with who asked, never with the address typed.
    stranger = SecurityEvent.objects.get(
        kind=SecurityEvent.Kind.PASSWORD_LINK_ASKED, remote_addr="192.0.2.2"
    )
    assert stranger.user is None and stranger.username == "" and "nobody" not in stranger.detail


def test_no_link_for_a_disabled_account_or_one_without_a_password(holder, ask):
    no_password = make_user(role=Role.SOCIAL_WORKER, email="sso@example.org")
    no_password.set_unusable_password()
    no_password.save()
    holder.is_active = False
    holder.save()
    ask(holder.email)
    ask(no_password.email)
    assert mail.outbox == []
    assert events(SecurityEvent.Kind.PASSWORD_LINK_SENT) == 0


def test_a_link_for_one_account_sets_nothing_on_another(holder, ask):
    other = make_user(role=Role.POLICE, email="other@example.org")
    ask(holder.email)
    token = link_in(mail.outbox[0]).split("/")[-2]
    forged = reverse("password_choose", args=[urlsafe_base64_encode(force_bytes(other.pk)), token])
    page = Client().get(forged)
    assert page.status_code == 200 and "This link no longer works" in page.content.decode()
    other.refresh_from_db()
    assert other.check_password(PASSWORD)
    assert events(SecurityEvent.Kind.PASSWORD_CHOSEN) == 0


def test_a_link_expires(holder, ask, settings):
    ask(holder.email)
    link = link_in(mail.outbox[0])
    # A day beyond: Django dates its tokens by the naive local clock, which the travel may
    # read in another time zone.
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT, days=1)
    with time_machine.travel(later):
        page = Client().get(link)
    assert "This link no longer works" in page.content.decode()
    holder.refresh_from_db()
    assert holder.check_password(PASSWORD)


def test_a_link_stops_working_when_the_account_is_disabled_after_the_form_opened(holder, ask):
    ask(holder.email)
    browser = Client()
    form = browser.get(link_in(mail.outbox[0]))["Location"]
    get_user_model().objects.filter(pk=holder.pk).update(is_active=False)
    page = browser.post(form, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert page.status_code == 200 and "This link no longer works" in page.content.decode()
    holder.refresh_from_db()
    assert holder.check_password(PASSWORD)


def test_a_weak_password_is_refused_and_nothing_changes(holder, ask):
    ask(holder.email)
    page = choose(Client(), link_in(mail.outbox[0]), password="123456")
    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    holder.refresh_from_db()
    assert holder.check_password(PASSWORD)
    assert events(SecurityEvent.Kind.PASSWORD_CHOSEN) == 0


def test_one_account_gets_at_most_three_links_an_hour(holder, ask):
    for n in range(security.PASSWORD_LINKS_PER_HOUR + 2):
        assert ask(holder.email, address=f"192.0.2.{n + 1}").status_code == 302
    assert len(mail.outbox) == security.PASSWORD_LINKS_PER_HOUR


def test_one_network_address_asks_at_most_ten_times_an_hour(holder, ask):
    for _ in range(security.PASSWORD_ASKS_PER_HOUR):
        assert ask("nobody@example.org", address="198.51.100.5").status_code == 302
    refused = ask(holder.email, address="198.51.100.5")
    assert refused.status_code == 200 and "Too many asks" in refused.content.decode()
    assert mail.outbox == []
    # Another address is not held back by it.
    assert ask(holder.email, address="198.51.100.6").status_code == 302
    assert len(mail.outbox) == 1


def test_with_password_sign_in_off_the_pages_are_not_there(holder, settings, client):
    settings.PASSWORD_SIGN_IN = False
    for url in (
        reverse("password_forgotten"),
        reverse("password_forgotten_sent"),
        reverse("password_chosen"),
        reverse("password_choose", args=["MQ", "any-token"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("password_forgotten"), {"email": holder.email}).status_code == 404
    assert "Forgotten your password?" not in client.get(reverse("login")).content.decode()
    assert mail.outbox == []


# --- The administrator sends the link ------------------------------------------------------------


def request_by(user):
    request = RequestFactory().post("/admin/")
    request.user = user
    return request


def test_only_an_administrator_sends_a_link(holder, django_capture_on_commit_callbacks):
    coordinator = make_user(role=Role.COORDINATOR)
    with pytest.raises(PermissionDenied):
        security.password_link_send(
            account=holder, sent_by=coordinator, request=request_by(coordinator)
        )
    admin = make_user(role=Role.ADMIN)
    holder.last_login = timezone.now()  # has signed in before: a new password, not a first
    holder.save()
    with django_capture_on_commit_callbacks(execute=True):
        security.password_link_send(account=holder, sent_by=admin, request=request_by(admin))
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [holder.email]
    assert "A link to choose a new password" in mail.outbox[0].body
    assert events(SecurityEvent.Kind.PASSWORD_LINK_SENT, user=holder) == 1


def test_the_administrator_is_told_why_no_link_can_go(holder):
    admin = make_user(role=Role.ADMIN)
    no_address = make_user(role=Role.SOCIAL_WORKER, email="")
    with pytest.raises(ValidationError, match="no e-mail address"):
        security.password_link_send(account=no_address, sent_by=admin, request=request_by(admin))
    holder.is_active = False
    with pytest.raises(ValidationError, match="disabled"):
        security.password_link_send(account=holder, sent_by=admin, request=request_by(admin))
    assert events(SecurityEvent.Kind.PASSWORD_LINK_SENT) == 0


def test_a_new_account_made_without_a_password_gets_a_link_to_choose_its_first(
    settings, django_capture_on_commit_callbacks
):
    settings.REQUIRE_2FA = False
    admin = make_user(role=Role.ADMIN)
    agency = admin.profile.agency
    browser = Client()
    browser.force_login(admin)
    add = reverse("admin:auth_user_add")
    # By default the new account has no password: the link is the way in.
    assert re.search(r'name="usable_password" value="false"[^>]*checked', browser.get(add).text)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            add,
            {
                "username": "new.worker",
                "first_name": "Nora",
                "last_name": "Janssens",
                "email": "nora@example.org",
                "usable_password": "false",
                "profile-TOTAL_FORMS": "1",
                "profile-INITIAL_FORMS": "0",
                "profile-MIN_NUM_FORMS": "1",
                "profile-MAX_NUM_FORMS": "1",
                "profile-0-agency": agency.pk,
                "profile-0-role": Role.YOUTH_WORKER,
                "_save": "Save",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    account = get_user_model().objects.get(username="new.worker")
    assert not account.has_usable_password()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nora@example.org"]
    assert "An account was made for you" in mail.outbox[0].body
    choose(Client(), link_in(mail.outbox[0]))
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)


def test_a_new_account_without_a_password_needs_an_address(settings):
    settings.REQUIRE_2FA = False
    admin = make_user(role=Role.ADMIN)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        reverse("admin:auth_user_add"),
        {
            "username": "no.address",
            "usable_password": "false",
            "profile-TOTAL_FORMS": "1",
            "profile-INITIAL_FORMS": "0",
            "profile-MIN_NUM_FORMS": "1",
            "profile-MAX_NUM_FORMS": "1",
            "profile-0-agency": admin.profile.agency.pk,
            "profile-0-role": Role.YOUTH_WORKER,
            "_save": "Save",
        },
    )
    assert response.status_code == 200
    assert "Give the address the link" in response.content.decode()
    assert not get_user_model().objects.filter(username="no.address").exists()


def test_the_e_mail_is_in_its_readers_language(holder, ask, compiled):
    holder.profile.language = "nl"
    holder.profile.save()
    ask(holder.email)
    assert mail.outbox[0].subject == "Kies een nieuw wachtwoord"
    assert "Er werd een link gevraagd" in mail.outbox[0].body


# --- The address the links go to ---------------------------------------------------------------


def change_address(admin, account, new_email: str, capture):
    browser = Client()
    browser.force_login(admin)
    url = reverse("admin:auth_user_change", args=[account.pk])
    form = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": new_email,
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": account.profile.pk,
        "profile-0-user": account.pk,
        "profile-0-agency": account.profile.agency_id,
        "profile-0-role": account.profile.role,
        "profile-0-clearance": account.profile.clearance or "",
        "_save": "Save",
    }
    with capture(execute=True):
        response = browser.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_the_holder_is_told_at_the_old_address_when_an_administrator_changes_it(
    holder, django_capture_on_commit_callbacks, compiled
):
    holder.profile.language = "fr"
    holder.profile.save()
    admin = make_user(role=Role.ADMIN)
    change_address(admin, holder, "elsewhere@example.org", django_capture_on_commit_callbacks)
    holder.refresh_from_db()
    assert holder.email == "elsewhere@example.org"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["holder@example.org"]
    assert mail.outbox[0].subject == "L'adresse e-mail de votre compte a été modifiée"
    assert holder.username in mail.outbox[0].body
    assert events(SecurityEvent.Kind.EMAIL_CHANGED, user=holder) == 1


def test_saving_an_account_with_its_address_unchanged_tells_nobody(
    holder, django_capture_on_commit_callbacks
):
    admin = make_user(role=Role.ADMIN)
    change_address(admin, holder, holder.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert events(SecurityEvent.Kind.EMAIL_CHANGED) == 0
