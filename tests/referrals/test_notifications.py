"""E-mails about referrals go to the right people, once, after the commit, and say nothing: no
name, no case reference, no text of the referral."""

import pytest
from django.core import mail

from accounts.models import Role
from referrals import notifications, services
from referrals.models import OutboundReferral, Screening
from tests.factories import AgencyFactory, make_case, make_referral, make_user
from tests.referrals.conftest import accept_new, decide

NAME, CONCERN = "Quirijn", "He praised the attack in Brussels"


def assert_content_free(messages, *secrets):
    assert messages
    for message in messages:
        text = message.subject + message.body
        for secret in secrets:
            assert secret not in text, secret


def test_a_sent_referral_tells_the_coordinators(
    partner, coordinator, police_officer, django_capture_on_commit_callbacks
):
    other = make_user(role=Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral(referrer=partner, first_name=NAME, concern=CONCERN)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, other.email])
    assert_content_free(mail.outbox, NAME, CONCERN, referral.last_name, referral.number)


def test_a_draft_tells_nobody(partner, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(referrer=partner, submit=False)
    assert mail.outbox == []


def test_an_inactive_coordinator_is_not_told(
    partner, coordinator, django_capture_on_commit_callbacks
):
    coordinator.is_active = False
    coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_referral(referrer=partner)
    assert mail.outbox == []


@pytest.mark.parametrize("outcome", [o for o in Screening.Outcome if o != "accepted"])
def test_a_decision_tells_the_referrer_and_nobody_else(
    referral, coordinator, partner, outcome, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(referral, coordinator, outcome, signposted_to="Mental health centre")
    assert [m.to for m in mail.outbox] == [[partner.email]]
    assert_content_free(mail.outbox, referral.first_name, referral.last_name, "Mental health")


def test_an_acceptance_tells_the_referrer_without_the_case_reference(
    referral, coordinator, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        accept_new(referral, coordinator)
    referral.refresh_from_db()
    assert [m.to for m in mail.outbox] == [[partner.email]]
    assert_content_free(mail.outbox, referral.case.reference, referral.case.person.code)


def test_the_answer_to_a_question_tells_the_coordinators_again(
    referral, coordinator, partner, django_capture_on_commit_callbacks
):
    decide(referral, coordinator, Screening.Outcome.MORE_INFORMATION)
    with django_capture_on_commit_callbacks(execute=True):
        services.referral_answer(referral=referral, user=partner, answer="At the Atheneum")
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert_content_free(mail.outbox, "Atheneum")


def test_an_outbound_referral_tells_the_provider_and_its_answer_the_case_owner(
    social_worker, django_capture_on_commit_callbacks
):
    agency = AgencyFactory()
    provider = make_user(role=Role.PARTNER, agency=agency)
    make_user(role=Role.MAYOR_OFFICE, agency=agency)  # in the agency, but no provider
    case = make_case(owner=social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        outbound = services.outbound_send(
            case=case,
            user=social_worker,
            service=OutboundReferral.Service.FAMILY_SUPPORT,
            provider=agency,
            person_details="Quirijn, 17",
            request="Family talks",
            consent=OutboundReferral.Consent.GIVEN,
        )
    assert [m.to for m in mail.outbox] == [[provider.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.outbound_answer(outbound=outbound, user=provider, status="accepted")
    assert [m.to for m in mail.outbox[1:]] == [[social_worker.email]]
    assert_content_free(mail.outbox, case.reference, "Quirijn", "Family talks")


def test_the_e_mails_wait_for_the_commit(partner, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_referral(referrer=partner)
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_a_task_for_a_row_that_is_gone_sends_nothing(db):
    assert notifications.notify_screening_decided(999_999) == 0
    assert notifications.notify_outbound_sent(999_999) == 0
    assert notifications.notify_release_approaching(999_999) == 0
    assert mail.outbox == []
