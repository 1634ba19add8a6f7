"""Sign-in throttling and lockout (django-axes), password rules, idle sessions, no lost work."""

import time

import pytest
from django.urls import reverse

from accounts.models import SecurityEvent
from accounts.security import LAST_ACTIVITY_KEY
from tests.factories import PASSWORD


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def attempt(client, user, password):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, social_worker, throttled
):
    statuses = [attempt(client, social_worker, "wrong-password").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the third failure locks
    response = attempt(client, social_worker, PASSWORD)
    assert response.status_code == 429
    assert "too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_each_lockout_is_recorded(client, social_worker, throttled):
    for _ in range(3):
        attempt(client, social_worker, "wrong-password")
    events = SecurityEvent.objects.filter(user=social_worker)
    assert events.filter(kind=SecurityEvent.Kind.SIGN_IN_FAILED).count() == 3
    assert events.filter(kind=SecurityEvent.Kind.LOCKED_OUT).count() == 1


def test_a_success_before_the_limit_resets_the_count(client, social_worker, throttled):
    for _ in range(2):
        attempt(client, social_worker, "wrong-password")
    attempt(client, social_worker, PASSWORD)
    client.post(reverse("logout"))
    for _ in range(2):
        attempt(client, social_worker, "wrong-password")
    assert attempt(client, social_worker, PASSWORD).status_code == 302


def test_the_lock_is_per_account(client, social_worker, coordinator, throttled):
    for _ in range(3):
        attempt(client, social_worker, "wrong-password")
    assert attempt(client, coordinator, PASSWORD).status_code == 302


def test_an_unknown_username_is_recorded_as_typed(client, db, throttled):
    client.post(reverse("login"), {"username": "nobody-here", "password": "x"})
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SIGN_IN_FAILED)
    assert event.username == "nobody-here" and event.user is None


def test_a_successful_sign_in_is_recorded(client, social_worker):
    attempt(client, social_worker, PASSWORD)
    assert SecurityEvent.objects.filter(
        user=social_worker, kind=SecurityEvent.Kind.SIGNED_IN
    ).exists()


@pytest.mark.parametrize("password", ["short", "password1234", "12345678901234", "Tester-pass"])
def test_weak_passwords_are_refused(client, social_worker, password):
    client.force_login(social_worker)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    social_worker.refresh_from_db()
    assert social_worker.check_password(PASSWORD)


# --- Idle sessions ---------------------------------------------------------------------------


def idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_too_long_ends_and_returns_to_the_page_after_signing_in(
    client, social_worker, settings
):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(social_worker)
    client.get(reverse("home"))
    idle_for(client, 601)
    target = reverse("cases:list") + "?q=ab"
    response = client.get(target)
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=%2Fcases%2F%3Fq%3Dab"
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SIGNED_OUT_IDLE).exists()
    signed_in = client.post(
        reverse("login"), {"username": social_worker.username, "password": PASSWORD, "next": target}
    )
    assert signed_in["Location"] == target


def test_a_form_posted_after_the_timeout_returns_to_the_form_page(client, social_worker, settings):
    """The text is not lost: the form's page is where the browser's draft is put back."""
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(social_worker)
    client.get(reverse("home"))
    idle_for(client, 601)
    response = client.post(reverse("access_requests:mine") + "?x=1", {"reason": "typed"})
    assert response["Location"] == reverse("login") + "?next=%2Faccess-requests%2F"


def test_activity_keeps_the_session(client, social_worker, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(social_worker)
    client.get(reverse("home"))
    idle_for(client, 500)
    assert client.get(reverse("home")).status_code == 200
    idle_for(client, 500)
    assert client.get(reverse("home")).status_code == 200


def test_asking_how_long_is_left_is_not_activity_but_staying_is(client, social_worker, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client.force_login(social_worker)
    client.get(reverse("home"))
    idle_for(client, 500)
    status = client.get(reverse("session_status")).json()
    assert status["authenticated"] and 95 <= status["seconds_left"] <= 100
    assert client.get(reverse("session_status")).json()["seconds_left"] <= 100
    stayed = client.post(reverse("session_status")).json()
    assert stayed["seconds_left"] == 600
    idle_for(client, 601)
    assert client.get(reverse("session_status")).json() == {
        "authenticated": False,
        "seconds_left": 0,
    }


def test_every_signed_in_page_tells_the_script_the_timeout(client, social_worker, settings):
    settings.SESSION_IDLE_TIMEOUT = 900
    settings.SESSION_IDLE_WARNING = 120
    client.force_login(social_worker)
    body = client.get(reverse("home")).content.decode()
    assert '<meta name="msc-idle-timeout" content="900">' in body
    assert '<meta name="msc-idle-warning" content="120">' in body
    assert 'id="idle-warning"' in body and "hidden" in body


def test_the_timeout_is_a_setting():
    from tests.config.test_settings import PRODUCTION, read_settings

    values = read_settings(
        {**PRODUCTION, "SESSION_IDLE_TIMEOUT": "300", "LOGIN_FAILURE_LIMIT": "7"},
        "SESSION_IDLE_TIMEOUT",
        "AXES_FAILURE_LIMIT",
    )
    assert values == {"SESSION_IDLE_TIMEOUT": 300, "AXES_FAILURE_LIMIT": 7}
