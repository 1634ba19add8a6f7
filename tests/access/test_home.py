import pytest
from django.urls import reverse

from access.models import Role
from tests.factories import make_user

# The panels each role's home page must show (by element id).
EXPECTED_PANELS = {
    Role.SOCIAL_WORKER: ["my-cases", "my-actions", "upcoming-conferences", "my-releases"],
    Role.YOUTH_WORKER: ["my-releases", "my-signals"],
    Role.POLICE: ["my-cases", "upcoming-conferences"],
    Role.INFORMATION_OFFICER: ["release-work", "access-requests-link", "all-cases"],
    Role.COORDINATOR: ["screening", "overdue-actions", "next-conference", "escalations"],
    Role.MAYOR_OFFICE: ["escalations", "statistics"],
    Role.PARTNER: ["my-referrals", "my-releases"],
    Role.ADMIN: ["administration"],
}


def test_every_role_has_an_expectation():
    assert set(EXPECTED_PANELS) == set(Role.values)


@pytest.mark.parametrize("role", Role.values)
def test_home_shows_the_roles_panels_and_who_is_signed_in(client, db, role):
    user = make_user(role=role)
    client.force_login(user)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    for panel in EXPECTED_PANELS[role]:
        assert f'id="{panel}"' in body
    assert user.profile.agency.name in body
    assert str(Role(role).label).replace("'", "&#x27;") in body
    assert response["Cache-Control"] == "no-store, private"


def test_only_the_admin_sees_the_administration_link(client, db):
    for role in Role.values:
        client.force_login(make_user(role=role))
        has_link = reverse("admin:index") in client.get(reverse("home")).content.decode()
        assert has_link == (role == Role.ADMIN), role


def test_home_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_told_to_ask_for_one(client, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="x" * 20)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert "no role yet" in body
    assert "data-role" not in body


def test_the_language_switcher_changes_the_language(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "nl"
