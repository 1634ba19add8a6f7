"""Outbound referrals: from a case to a service, with a consent check; the provider answers and
sees only what the referral says."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Level, Role
from cases import services as case_services
from core import drafts
from referrals import services
from referrals.models import OutboundReferral
from tests.factories import AgencyFactory, make_case, make_person, make_user

S = OutboundReferral.Status
C = OutboundReferral.Consent
SECRET = "CASE-ONLY-7731 he keeps a list of targets"


@pytest.fixture
def provider_agency(db):
    return AgencyFactory(name="Havenstad Mental Health Centre")


@pytest.fixture
def provider(provider_agency):
    return make_user(role=Role.PARTNER, agency=provider_agency)


@pytest.fixture
def case(social_worker):
    case = make_case(owner=social_worker, person=make_person(first_name="Noor", last_name="Amal"))
    case_services.entry_add(
        case=case,
        author=social_worker,
        kind="note",
        occurred_at=case.opened_at,
        level=Level.L2,
        text=SECRET,
    )
    return case


def send(case, user, provider_agency, **overrides):
    fields = {
        "service": OutboundReferral.Service.MENTAL_HEALTH,
        "provider": provider_agency,
        "person_details": "Noor, 19, lives with her aunt",
        "request": "An intake for anxiety, please.",
        "consent": C.GIVEN,
    }
    fields.update(overrides)
    return services.outbound_send(case=case, user=user, **fields)


def test_the_case_team_sends_a_referral_to_a_service(case, social_worker, provider_agency):
    outbound = send(case, social_worker, provider_agency)
    assert (outbound.status, outbound.sent_by, outbound.provider) == (
        S.SENT,
        social_worker,
        provider_agency,
    )


def test_someone_not_on_the_case_cannot_send_one(case, provider_agency):
    with pytest.raises(PermissionDenied):
        send(case, make_user(role=Role.SOCIAL_WORKER), provider_agency)


def test_it_refuses_a_referral_without_request_or_person_details(
    case, social_worker, provider_agency
):
    with pytest.raises(ValidationError) as error:
        send(case, social_worker, provider_agency, request=" ", person_details="")
    assert set(error.value.message_dict) == {"request", "person_details"}


def test_a_minor_needs_a_parents_consent(social_worker, provider_agency):
    minor = make_case(owner=social_worker, person=make_person(is_minor=True))
    with pytest.raises(ValidationError) as error:
        send(minor, social_worker, provider_agency, consent=C.GIVEN)
    assert "parent" in error.value.message_dict["consent"][0]
    assert send(minor, social_worker, provider_agency, consent=C.PARENT_GIVEN).pk


def test_an_adults_parent_cannot_consent_for_them(case, social_worker, provider_agency):
    with pytest.raises(ValidationError) as error:
        send(case, social_worker, provider_agency, consent=C.PARENT_GIVEN)
    assert "adult" in error.value.message_dict["consent"][0]


def test_an_override_needs_a_permitted_role(case, social_worker, provider_agency):
    with pytest.raises(PermissionDenied):
        send(case, social_worker, provider_agency, consent=C.OVERRIDDEN, override_reason="Now")


def test_an_override_needs_a_reason(case, social_worker, provider_agency):
    coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    with pytest.raises(ValidationError) as error:
        send(case, coordinator, provider_agency, consent=C.OVERRIDDEN)
    assert "override_reason" in error.value.message_dict
    outbound = send(
        case, coordinator, provider_agency, consent=C.OVERRIDDEN, override_reason="Danger"
    )
    assert outbound.override_reason == "Danger"


def test_the_form_offers_the_override_only_to_a_permitted_role(client, case, social_worker):
    client.force_login(social_worker)
    url = reverse("referrals:outbound_new", args=[case.reference])
    assert 'value="overridden"' not in client.get(url).content.decode()
    coordinator = make_user(role=Role.COORDINATOR, agency=social_worker.profile.agency)
    client.force_login(coordinator)
    assert 'value="overridden"' in client.get(url).content.decode()


def outbound_answers(provider_agency, **overrides) -> dict:
    return {
        "service": OutboundReferral.Service.MENTAL_HEALTH,
        "provider": provider_agency.pk,
        "person_details": "Noor Amal",
        "request": "Intake",
        "consent": C.GIVEN,
        **overrides,
    }


def nothing_sent() -> bool:
    return not OutboundReferral.objects.exists() and not mail.outbox


def test_the_form_prefills_who_the_person_is_and_sends_nothing(
    client, case, social_worker, provider_agency, django_capture_on_commit_callbacks
):
    client.force_login(social_worker)
    url = reverse("referrals:outbound_new", args=[case.reference])
    assert "Noor Amal" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, outbound_answers(provider_agency))
    assert response["Location"] == reverse("referrals:outbound_check", args=[case.reference])
    assert nothing_sent()


def test_the_check_page_shows_what_the_provider_will_read(
    client, case, social_worker, provider_agency, provider
):
    client.force_login(social_worker)
    client.post(
        reverse("referrals:outbound_new", args=[case.reference]),
        outbound_answers(provider_agency, request="An intake for anxiety, please."),
    )
    response = client.get(reverse("referrals:outbound_check", args=[case.reference]))
    body = response.content.decode()
    for text in (
        "Havenstad Mental Health Centre",
        "1 person there is told by e-mail",
        "Mental health",
        "Noor Amal",
        "An intake for anxiety, please.",
        "Send the referral to Havenstad Mental Health Centre",
    ):
        assert text in body, text
    assert SECRET not in body
    assert nothing_sent()


def test_the_button_sends_it_and_tells_the_provider(
    client, case, social_worker, provider_agency, provider, django_capture_on_commit_callbacks
):
    client.force_login(social_worker)
    client.post(
        reverse("referrals:outbound_new", args=[case.reference]), outbound_answers(provider_agency)
    )
    check = reverse("referrals:outbound_check", args=[case.reference])
    draft = client.get(check).context["draft"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check, {"draft": draft})
    outbound = OutboundReferral.objects.get()
    assert response["Location"] == outbound.get_absolute_url()
    assert (outbound.provider, outbound.person_details) == (provider_agency, "Noor Amal")
    assert [m.to for m in mail.outbox] == [[provider.email]]
    # Sent once: the draft is gone, the same button again changes nothing.
    assert client.get(check)["Location"] == reverse("referrals:outbound_new", args=[case.reference])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(check, {"draft": draft})
    assert (OutboundReferral.objects.count(), len(mail.outbox)) == (1, 1)


def test_change_goes_back_to_the_form_with_the_answers(
    client, case, social_worker, provider_agency
):
    client.force_login(social_worker)
    url = reverse("referrals:outbound_new", args=[case.reference])
    client.post(url, outbound_answers(provider_agency, request="Please call her aunt"))
    assert "Please call her aunt" in client.get(url).content.decode()
    assert nothing_sent()


def test_a_tampered_or_refused_confirmation_sends_nothing(
    client, case, social_worker, provider_agency
):
    client.force_login(social_worker)
    check = reverse("referrals:outbound_check", args=[case.reference])
    key = f"referrals.outbound.{case.pk}"
    client.post(
        reverse("referrals:outbound_new", args=[case.reference]), outbound_answers(provider_agency)
    )
    draft = client.get(check).context["draft"]
    assert client.post(check, {"draft": draft[:-3] + "xyz"}).status_code == 302
    # Signed by the server but refused by the rules now: an override the social worker may
    # not make, an inactive provider.
    overridden = drafts.sign(
        {
            **{k: [str(v)] for k, v in outbound_answers(provider_agency).items()},
            "consent": [C.OVERRIDDEN],
            "override_reason": ["Urgent"],
        },
        user=social_worker,
        key=key,
    )
    response = client.post(check, {"draft": overridden})
    assert response.status_code == 200 and "from the choices given" in response.content.decode()
    provider_agency.is_active = False
    provider_agency.save()
    response = client.post(check, {"draft": draft})
    assert response.status_code == 200
    # Signed for another case: refused.
    other = drafts.sign(
        {k: [str(v)] for k, v in outbound_answers(provider_agency).items()},
        user=social_worker,
        key=f"referrals.outbound.{make_case().pk}",
    )
    assert client.post(check, {"draft": other}).status_code == 302
    assert nothing_sent()


@pytest.mark.parametrize(
    "answers, status",
    [
        ([(S.ACCEPTED, "")], S.ACCEPTED),
        ([(S.DECLINED, "No capacity until March")], S.DECLINED),
        ([(S.ACCEPTED, ""), (S.COMPLETED, "Six sessions")], S.COMPLETED),
    ],
)
def test_the_provider_answers(case, social_worker, provider_agency, provider, answers, status):
    outbound = send(case, social_worker, provider_agency)
    for answer, note in answers:
        outbound = services.outbound_answer(
            outbound=outbound, user=provider, status=answer, note=note
        )
    assert outbound.status == status
    assert outbound.answered_by == provider


def test_declining_needs_a_reason(case, social_worker, provider_agency, provider):
    outbound = send(case, social_worker, provider_agency)
    with pytest.raises(ValidationError) as error:
        services.outbound_answer(outbound=outbound, user=provider, status=S.DECLINED)
    assert "note" in error.value.message_dict


def test_answers_follow_the_order_of_things(case, social_worker, provider_agency, provider):
    outbound = send(case, social_worker, provider_agency)
    with pytest.raises(ValidationError):
        services.outbound_answer(outbound=outbound, user=provider, status=S.COMPLETED)
    outbound = services.outbound_answer(
        outbound=outbound, user=provider, status=S.DECLINED, note="Full"
    )
    with pytest.raises(ValidationError):
        services.outbound_answer(outbound=outbound, user=provider, status=S.ACCEPTED)


def test_only_the_provider_agency_answers(case, social_worker, provider_agency):
    outbound = send(case, social_worker, provider_agency)
    for user in (social_worker, make_user(role=Role.PARTNER)):
        with pytest.raises(PermissionDenied):
            services.outbound_answer(outbound=outbound, user=user, status=S.ACCEPTED)


def test_the_provider_sees_what_the_referral_says_and_nothing_of_the_case(
    client, case, social_worker, provider_agency, provider
):
    outbound = send(case, social_worker, provider_agency)
    client.force_login(provider)
    for url in (reverse("referrals:outbound_list"), outbound.get_absolute_url()):
        body = client.get(url).content.decode()
        assert case.reference not in body
        assert SECRET not in body
        assert case.person.code not in body
    body = client.get(outbound.get_absolute_url()).content.decode()
    assert "An intake for anxiety, please." in body
    assert "Noor, 19, lives with her aunt" in body
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_provider_answers_in_the_browser_and_the_owner_is_told(
    client,
    case,
    social_worker,
    provider_agency,
    provider,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    outbound = send(case, social_worker, provider_agency)
    client.force_login(provider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referrals:outbound_answer", args=[outbound.pk]),
            {"status": S.DECLINED, "note": "No capacity"},
        )
    outbound.refresh_from_db()
    assert outbound.status == S.DECLINED
    assert [m.to for m in mailoutbox if "answered" in m.subject] == [[social_worker.email]]


def test_revoking_hides_it_from_the_provider_at_once(
    client, case, social_worker, provider_agency, provider
):
    outbound = send(case, social_worker, provider_agency)
    with pytest.raises(ValidationError):
        services.outbound_revoke(outbound=outbound, user=social_worker, reason=" ")
    services.outbound_revoke(outbound=outbound, user=social_worker, reason="Consent withdrawn")
    client.force_login(provider)
    assert client.get(outbound.get_absolute_url()).status_code == 404
    assert outbound.number not in client.get(reverse("referrals:outbound_list")).content.decode()
    with pytest.raises(ValidationError, match="revoked"):
        services.outbound_answer(outbound=outbound, user=provider, status=S.ACCEPTED)


def test_a_completed_referral_cannot_be_revoked(case, social_worker, provider_agency, provider):
    outbound = send(case, social_worker, provider_agency)
    services.outbound_answer(outbound=outbound, user=provider, status=S.ACCEPTED)
    services.outbound_answer(outbound=outbound, user=provider, status=S.COMPLETED)
    with pytest.raises(ValidationError, match="no longer be revoked"):
        services.outbound_revoke(outbound=outbound, user=social_worker, reason="Late")


def test_the_provider_may_not_revoke(client, case, social_worker, provider_agency, provider):
    outbound = send(case, social_worker, provider_agency)
    client.force_login(provider)
    assert client.get(reverse("referrals:outbound_revoke", args=[outbound.pk])).status_code == 403


def test_the_case_page_of_referrals_lists_them_for_the_team_only(
    client, case, social_worker, provider_agency, provider
):
    outbound = send(case, social_worker, provider_agency)
    url = reverse("referrals:outbound_case", args=[case.reference])
    client.force_login(social_worker)
    assert outbound.number in client.get(url).content.decode()
    client.force_login(provider)
    assert client.get(url).status_code == 404


def test_the_inbox_is_searchable(client, case, social_worker, provider_agency, provider):
    send(case, social_worker, provider_agency, request="Intake about sleep")
    send(case, social_worker, provider_agency, request="Family therapy")
    client.force_login(provider)
    body = client.get(reverse("referrals:outbound_list"), {"q": "sleep"}).content.decode()
    assert body.count("<tr>") == 2  # the header and one referral


def test_the_cases_list_of_referrals_is_searchable(client, case, social_worker, provider_agency):
    sleep = send(case, social_worker, provider_agency, request="Intake about sleep")
    family = send(case, social_worker, AgencyFactory(name="Family Centre"), request="Talks")
    client.force_login(social_worker)
    url = reverse("referrals:outbound_case", args=[case.reference])
    body = client.get(url, {"q": "family centre"}).content.decode()
    assert family.number in body and sleep.number not in body
