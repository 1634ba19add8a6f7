import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import PASSWORD, make_user


@pytest.mark.parametrize("role", Role.values)
def test_every_role_can_sign_in_and_lands_on_home(client, db, role):
    user = make_user(role=role)
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.wsgi_request.user == user
    assert f'data-role="{role}"' in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, social_worker):
    response = client.post(
        reverse("login"), {"username": social_worker.username, "password": "wrong-password"}
    )
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "Please enter a correct username and password" in response.content.decode()


def test_a_deactivated_account_cannot_sign_in(client, social_worker):
    social_worker.is_active = False
    social_worker.save()
    client.post(reverse("login"), {"username": social_worker.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_a_post_and_ends_the_session(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
