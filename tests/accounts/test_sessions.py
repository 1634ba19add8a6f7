"""The sessions page: one's signed-in sessions, each signed out on its own or all at once; an
administrator ends all of someone's sessions. Each is a security event."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts import security
from accounts.models import Role, SecurityEvent, SignedInSession
from tests.factories import PASSWORD, make_user

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36"
)

pytestmark = pytest.mark.django_db


def signed_in(user, agent: str, address: str = "192.0.2.10") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def worker(settings):
    settings.REQUIRE_2FA = False
    return make_user(role=Role.SOCIAL_WORKER)


def test_the_page_lists_each_signed_in_browser_with_its_device_and_address(worker):
    laptop = signed_in(worker, FIREFOX, "192.0.2.10")
    signed_in(worker, PHONE, "198.51.100.7")
    page = laptop.get(reverse("sessions"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Firefox on Windows" in text and "Chrome on Android" in text
    assert "192.0.2.10" in text and "198.51.100.7" in text
    assert text.count("This device") == 1


def test_nobody_sees_another_users_sessions(worker):
    other = make_user(role=Role.SOCIAL_WORKER)
    signed_in(other, PHONE, "198.51.100.99")
    page = signed_in(worker, FIREFOX).get(reverse("sessions"))
    assert "198.51.100.99" not in page.content.decode()


def test_signing_out_one_session_ends_it_and_keeps_the_others(worker):
    laptop = signed_in(worker, FIREFOX)
    phone = signed_in(worker, PHONE)
    record = SignedInSession.objects.get(user=worker, user_agent=PHONE)
    response = laptop.post(reverse("sessions"), {"session": record.pk})
    assert response.status_code == 302 and response["Location"] == reverse("sessions")
    assert phone.get(reverse("home")).status_code == 302  # the phone must sign in again
    assert laptop.get(reverse("home")).status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSION_ENDED)
    assert event.user == worker and "Chrome on Android" in event.detail


def test_another_users_session_cannot_be_signed_out_and_nothing_changes(worker):
    other = make_user(role=Role.SOCIAL_WORKER)
    theirs = signed_in(other, PHONE)
    record = SignedInSession.objects.get(user=other)
    sessions_before = Session.objects.count()
    response = signed_in(worker, FIREFOX).post(reverse("sessions"), {"session": record.pk})
    assert response.status_code == 404
    assert Session.objects.count() == sessions_before + 1  # only the worker's own sign-in
    assert theirs.get(reverse("home")).status_code == 200
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SESSION_ENDED).exists()


def test_sign_out_everywhere_ends_every_session_here_too(worker):
    laptop = signed_in(worker, FIREFOX)
    phone = signed_in(worker, PHONE)
    other = signed_in(make_user(role=Role.SOCIAL_WORKER), FIREFOX)
    response = laptop.post(reverse("sessions"), {"everywhere": "1"})
    assert response["Location"] == reverse("login")
    assert laptop.get(reverse("home")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    assert other.get(reverse("home")).status_code == 200
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.SESSIONS_ENDED, user=worker
    ).exists()


def test_signing_out_this_session_from_the_list_signs_out_here(worker):
    laptop = signed_in(worker, FIREFOX)
    record = SignedInSession.objects.get(user=worker)
    response = laptop.post(reverse("sessions"), {"session": record.pk})
    assert response["Location"] == reverse("login")
    assert laptop.get(reverse("home")).status_code == 302


def test_an_administrator_ends_all_sessions_of_a_user(worker):
    admin = make_user(role=Role.ADMIN)
    phone = signed_in(worker, PHONE)
    ended = security.sessions_end_all(user=worker, ended_by=admin)
    assert ended == 1
    assert phone.get(reverse("home")).status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SESSIONS_ENDED_BY_ADMIN)
    assert event.user == worker and admin.username in event.detail


def test_only_an_administrator_ends_someone_elses_sessions(worker):
    colleague = make_user(role=Role.COORDINATOR)
    phone = signed_in(worker, PHONE)
    with pytest.raises(Exception, match="administrator"):
        security.sessions_end_all(user=worker, ended_by=colleague)
    assert phone.get(reverse("home")).status_code == 200


def test_the_admin_action_ends_the_sessions(worker, settings):
    admin = make_user(role=Role.ADMIN)
    phone = signed_in(worker, PHONE)
    console = Client()
    console.force_login(admin)
    response = console.post(
        reverse("admin:auth_user_changelist"),
        {"action": "end_sessions", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 302
    assert phone.get(reverse("home")).status_code == 302


def test_a_disabled_account_loses_its_sessions(worker):
    phone = signed_in(worker, PHONE)
    security.account_disable(user=worker, reason="left")
    assert not SignedInSession.objects.filter(user=worker).exists()
    assert phone.get(reverse("home")).status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(worker, time_machine):
    time_machine.move_to("2026-03-02 10:00:00+01:00", tick=False)
    laptop = signed_in(worker, FIREFOX)
    record = SignedInSession.objects.get(user=worker)
    time_machine.move_to("2026-03-02 10:00:30+01:00", tick=False)
    laptop.get(reverse("home"))
    record.refresh_from_db()
    assert record.last_seen_at.minute == 0 and record.last_seen_at.second == 0
    time_machine.move_to("2026-03-02 10:01:05+01:00", tick=False)
    laptop.get(reverse("home"))
    record.refresh_from_db()
    assert (record.last_seen_at.minute, record.last_seen_at.second) == (1, 5)


def test_a_new_password_keeps_the_session_on_the_list(worker):
    laptop = signed_in(worker, FIREFOX)
    new = "another-long-passphrase-8813"
    laptop.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert laptop.get(reverse("home")).status_code == 200
    record = SignedInSession.objects.get(user=worker)
    assert record.session_key == laptop.session.session_key
