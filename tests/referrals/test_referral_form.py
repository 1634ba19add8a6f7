"""The referral form: every signed-in user refers, drafts are kept and resumed, and neither a
double click nor a session timeout loses or doubles a referral."""

import uuid
from urllib.parse import unquote

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.models import Indicator
from referrals.forms import sign_token
from referrals.models import Referral
from tests.factories import make_referral, make_user

LONG_TEXT = "On Tuesday he said the mosque in the Zuid district 'will burn'. " * 40


def form_data(user, token=None, action="submit", **overrides) -> dict:
    data = {
        "token": sign_token(user, token or uuid.uuid4()),
        "first_name": "Robin",
        "last_name": "Vermandel",
        "date_of_birth": "2001-05-17",
        "gender": "male",
        "address": "Kerkstraat 1, Havenstad",
        "concern": LONG_TEXT,
        "indicators": [Indicator.objects.first().pk],
        "urgency": "routine",
        "request": "An assessment, please.",
        "other_agencies": "",
        "person_aware": "on",
        "consent": "given",
        "action": action,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_every_role_but_the_administrator_opens_the_form(client, db, role):
    client.force_login(make_user(role=role))
    response = client.get(reverse("referrals:new"))
    assert response.status_code == 200
    assert 'name="token"' in response.content.decode()


def test_the_administrator_does_not_refer(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("referrals:new")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("referrals:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_partner_sends_a_referral_from_their_account_and_agency(client, partner):
    client.force_login(partner)
    response = client.post(reverse("referrals:new"), form_data(partner))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == referral.get_absolute_url()
    assert referral.status == Referral.Status.SUBMITTED
    assert (referral.referrer, referral.referrer_agency) == (partner, partner.profile.agency)
    assert referral.concern == LONG_TEXT.strip()
    assert list(referral.indicators.all()) == [Indicator.objects.first()]


def test_a_double_click_makes_one_referral(client, partner):
    client.force_login(partner)
    data = form_data(partner)
    first = client.post(reverse("referrals:new"), data)
    second = client.post(reverse("referrals:new"), data)
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"] == Referral.objects.get().get_absolute_url()


def test_an_incomplete_referral_is_refused_with_messages_and_the_text_kept(client, partner):
    client.force_login(partner)
    response = client.post(
        reverse("referrals:new"), form_data(partner, request="", consent="", person_aware=None)
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Say what you ask the case conference for." in body
    assert "Say whether the person (or a parent) agreed to this referral." in body
    assert "will burn" in body
    assert not Referral.objects.exists()


def test_a_contradictory_referral_is_refused(client, partner):
    client.force_login(partner)
    response = client.post(reverse("referrals:new"), form_data(partner, person_aware=None))
    assert "so the person knows about it" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_draft_is_saved_and_resumed_then_sent(client, partner):
    client.force_login(partner)
    token = uuid.uuid4()
    response = client.post(
        reverse("referrals:new"),
        form_data(partner, token=token, action="draft", request="", consent=""),
    )
    draft = Referral.objects.get()
    assert draft.status == Referral.Status.DRAFT
    assert response["Location"] == reverse("referrals:edit", args=[draft.pk])
    page = client.get(response["Location"]).content.decode()
    assert "will burn" in page
    assert draft.number in client.get(reverse("referrals:mine")).content.decode()
    client.post(reverse("referrals:edit", args=[draft.pk]), form_data(partner, token))
    draft.refresh_from_db()
    assert draft.status == Referral.Status.SUBMITTED
    assert Referral.objects.count() == 1


def test_a_draft_cannot_be_posted_with_another_forms_token(client, partner):
    client.force_login(partner)
    draft = make_referral(referrer=partner, submit=False)
    response = client.post(reverse("referrals:edit", args=[draft.pk]), form_data(partner))
    assert "another account or referral" in response.content.decode()
    assert Referral.objects.count() == 1


def test_a_draft_is_its_referrers_alone(client, partner, coordinator, info_officer):
    draft = make_referral(referrer=partner, submit=False)
    for user in (
        coordinator,
        info_officer,
        make_user(role=Role.PARTNER, agency=partner.profile.agency),
    ):
        client.force_login(user)
        assert client.get(reverse("referrals:edit", args=[draft.pk])).status_code == 404
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_sent_referral_is_no_longer_edited(client, partner):
    referral = make_referral(referrer=partner)
    client.force_login(partner)
    response = client.get(reverse("referrals:edit", args=[referral.pk]))
    assert response["Location"] == referral.get_absolute_url()


def test_a_draft_can_be_deleted(client, partner):
    draft = make_referral(referrer=partner, submit=False)
    client.force_login(partner)
    client.post(reverse("referrals:edit", args=[draft.pk]), {"action": "delete"})
    assert not Referral.objects.exists()


def test_a_forged_token_is_refused(client, partner):
    client.force_login(partner)
    data = form_data(partner)
    data["token"] = data["token"][:-3] + "abc"
    response = client.post(reverse("referrals:new"), data)
    assert "This form has expired" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_form_posted_after_the_session_ended_is_kept_as_a_draft_after_signing_in(client, partner):
    data = form_data(partner, action="submit")
    response = client.post(reverse("referrals:new"), data)  # the session has ended
    assert response.status_code == 302
    resume = unquote(response["Location"].split("next=")[1])
    assert resume == reverse("referrals:new") + "?resume=1"
    client.force_login(partner)
    page = client.get(resume, follow=True)
    draft = Referral.objects.get()
    assert draft.status == Referral.Status.DRAFT  # kept, not sent behind their back
    assert draft.concern == LONG_TEXT.strip()
    assert "will burn" in page.content.decode()
    assert "Your session had ended" in page.content.decode()


def test_kept_text_goes_back_to_its_author_only(client, partner):
    client.post(reverse("referrals:new"), form_data(partner))
    other = make_user(role=Role.PARTNER)
    client.force_login(other)
    page = client.get(reverse("referrals:new") + "?resume=1", follow=True)
    assert "will burn" not in page.content.decode()
    assert not Referral.objects.exists()


def test_kept_text_resumes_a_draft_rather_than_starting_another(client, partner):
    draft = make_referral(referrer=partner, submit=False)
    client.post(
        reverse("referrals:edit", args=[draft.pk]),
        form_data(partner, token=draft.form_token, action="draft"),
    )
    client.force_login(partner)
    client.get(reverse("referrals:new") + "?resume=1")
    draft.refresh_from_db()
    assert Referral.objects.count() == 1
    assert draft.concern == LONG_TEXT.strip()


def test_the_form_says_who_refers_from_the_account(client, partner):
    client.force_login(partner)
    body = client.get(reverse("referrals:new")).content.decode()
    assert f"You refer as {partner.get_full_name()}, {partner.profile.agency}." in body
