"""Screening: every outcome with reasons and who decided, once; who may screen and decide; the
queue with the age of each referral and what is overdue."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, Role
from cases.models import Case, ChronologyEntry
from referrals import selectors
from referrals.models import Referral, Screening
from tests.factories import make_case, make_person, make_referral, make_user
from tests.referrals.conftest import accept_new, decide

pytestmark = pytest.mark.clock

OUT = Screening.Outcome


@pytest.mark.parametrize(
    "outcome, status",
    [
        (OUT.NO_FURTHER_ACTION, Referral.Status.NO_FURTHER_ACTION),
        (OUT.SIGNPOSTED, Referral.Status.SIGNPOSTED),
        (OUT.POLICE_ROUTE, Referral.Status.POLICE_ROUTE),
    ],
)
def test_a_closing_outcome_records_reasons_and_who_decided(referral, coordinator, outcome, status):
    screening = decide(referral, coordinator, outcome)
    referral.refresh_from_db()
    assert referral.status == status
    assert referral.decided_at is not None
    assert (screening.decided_by, screening.reasons) == (
        coordinator,
        "Discussed with the police and the information officer.",
    )
    assert referral.case is None


def test_signposting_says_to_which_service(referral, coordinator):
    with pytest.raises(ValidationError) as error:
        decide(referral, coordinator, OUT.SIGNPOSTED, signposted_to=" ")
    assert "signposted_to" in error.value.message_dict
    assert decide(referral, coordinator, OUT.SIGNPOSTED).signposted_to == "Mental health centre"


def test_every_outcome_needs_reasons(referral, coordinator):
    with pytest.raises(ValidationError) as error:
        decide(referral, coordinator, OUT.NO_FURTHER_ACTION, reasons="  ")
    assert error.value.message_dict == {"reasons": ["Give the reasons for the decision."]}
    assert not Screening.objects.exists()


def test_more_information_asks_the_referrer_and_waits_for_the_answer(referral, coordinator):
    with pytest.raises(ValidationError) as error:
        decide(referral, coordinator, OUT.MORE_INFORMATION, question="")
    assert "question" in error.value.message_dict
    decide(referral, coordinator, OUT.MORE_INFORMATION)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.INFORMATION_REQUESTED
    assert referral.decided_at is None
    with pytest.raises(ValidationError, match="waiting for the referrer"):
        decide(referral, coordinator, OUT.NO_FURTHER_ACTION)


def test_the_referrers_answer_sends_it_back_for_screening(client, referral, coordinator, partner):
    decide(referral, coordinator, OUT.MORE_INFORMATION)
    client.force_login(partner)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert "Which school does he go to?" in page
    client.post(reverse("referrals:answer", args=[referral.pk]), {"answer": "Atheneum Zuid"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.screenings.get().answer == "Atheneum Zuid"
    assert decide(referral, coordinator, OUT.NO_FURTHER_ACTION).outcome == OUT.NO_FURTHER_ACTION


def test_only_the_referrer_answers_and_only_when_asked(client, referral, coordinator, partner):
    client.force_login(partner)
    response = client.post(reverse("referrals:answer", args=[referral.pk]), {"answer": "x"})
    assert response.status_code == 302  # not asked: nothing recorded
    assert not Screening.objects.exists()
    decide(referral, coordinator, OUT.MORE_INFORMATION)
    client.force_login(make_user(role=Role.PARTNER, agency=partner.profile.agency))
    assert client.get(reverse("referrals:answer", args=[referral.pk])).status_code == 404


def test_accepting_opens_a_new_case_for_a_new_person_with_the_referral_in_it(referral, coordinator):
    screening = accept_new(referral, coordinator)
    referral.refresh_from_db()
    case = referral.case
    assert referral.status == Referral.Status.ACCEPTED
    assert screening.case == case
    assert (case.person.first_name, case.person.last_name) == (
        referral.first_name,
        referral.last_name,
    )
    assert case.person.date_of_birth == referral.date_of_birth
    assert case.legal_basis == Case.LegalBasis.CONSENT
    entry = case.entries.get()
    assert entry.level == Level.L2
    assert referral.concern in entry.text
    assert entry.kind == ChronologyEntry.Kind.NOTE


def test_accepting_opens_a_new_case_for_a_known_person_the_decider_sees(coordinator, partner):
    known = make_case(owner=coordinator, person=make_person(first_name="Robin", last_name="Smet"))
    referral = make_referral(referrer=partner, first_name="Robin", last_name="Smet")
    decide(
        referral,
        coordinator,
        OUT.ACCEPTED,
        acceptance=Screening.Acceptance.EXISTING_PERSON,
        person=known.person,
        owner=coordinator,
        lead_agency=coordinator.profile.agency,
    )
    referral.refresh_from_db()
    assert referral.person == known.person
    assert referral.case != known
    assert referral.case.person == known.person


def test_the_coordinator_cannot_link_a_person_known_only_in_a_case_they_cannot_see(
    coordinator, info_officer, partner
):
    hidden = make_case(person=make_person(first_name="Robin", last_name="Smet"))
    referral = make_referral(referrer=partner, first_name="Robin", last_name="Smet")
    link = {
        "acceptance": Screening.Acceptance.EXISTING_PERSON,
        "person": hidden.person,
        "owner": coordinator,
        "lead_agency": coordinator.profile.agency,
    }
    with pytest.raises(ValidationError) as error:
        decide(referral, coordinator, OUT.ACCEPTED, **link)
    assert "information officer" in error.value.message_dict["person"][0]
    decide(referral, info_officer, OUT.ACCEPTED, **link)  # who sees every case may link
    referral.refresh_from_db()
    assert referral.person == hidden.person


def test_accepting_can_link_to_an_open_case_the_decider_sees(coordinator, partner):
    case = make_case(owner=coordinator)
    referral = make_referral(referrer=partner)
    decide(
        referral,
        coordinator,
        OUT.ACCEPTED,
        acceptance=Screening.Acceptance.EXISTING_CASE,
        case=case,
    )
    referral.refresh_from_db()
    assert referral.case == case
    assert Case.objects.count() == 1
    assert referral.number in case.entries.get().text


def test_it_refuses_to_link_a_case_the_decider_cannot_see(coordinator, partner):
    referral = make_referral(referrer=partner)
    with pytest.raises(ValidationError) as error:
        decide(
            referral,
            coordinator,
            OUT.ACCEPTED,
            acceptance=Screening.Acceptance.EXISTING_CASE,
            case=make_case(),
        )
    assert "case" in error.value.message_dict


def test_accepting_a_new_case_needs_an_owner_and_a_lead_agency(referral, coordinator):
    with pytest.raises(ValidationError) as error:
        decide(referral, coordinator, OUT.ACCEPTED, acceptance=Screening.Acceptance.NEW_PERSON)
    assert {"owner", "lead_agency"} <= set(error.value.message_dict)
    assert not Case.objects.exists()


def test_an_accepted_referral_cannot_be_accepted_twice(referral, coordinator):
    accept_new(referral, coordinator)
    with pytest.raises(ValidationError, match="cannot be accepted twice"):
        accept_new(referral, coordinator)
    assert Case.objects.count() == 1
    assert referral.screenings.count() == 1


def test_a_screened_referral_cannot_be_screened_again(referral, coordinator):
    decide(referral, coordinator, OUT.NO_FURTHER_ACTION)
    with pytest.raises(ValidationError, match="already screened"):
        accept_new(referral, coordinator)


def test_a_double_click_on_accept_in_the_browser_opens_one_case(client, referral, coordinator):
    client.force_login(coordinator)
    data = {
        "outcome": OUT.ACCEPTED,
        "reasons": "Clear concern",
        "acceptance": Screening.Acceptance.NEW_PERSON,
        "owner": coordinator.pk,
        "lead_agency": coordinator.profile.agency_id,
        "risk_level": Case.RiskLevel.MODERATE,
    }
    first = client.post(reverse("referrals:screen", args=[referral.pk]), data)
    second = client.post(reverse("referrals:screen", args=[referral.pk]), data)
    assert first.status_code == 302
    assert "cannot be accepted twice" in second.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.parametrize("role", [Role.POLICE, Role.SOCIAL_WORKER, Role.PARTNER, Role.YOUTH_WORKER])
def test_only_the_coordinator_and_the_information_officer_decide(referral, role):
    with pytest.raises(PermissionDenied):
        decide(referral, make_user(role=role), OUT.NO_FURTHER_ACTION)


def test_the_police_read_referrals_being_screened_but_not_closed_ones(
    client, referral, coordinator, police_officer
):
    client.force_login(police_officer)
    assert client.get(referral.get_absolute_url()).status_code == 200
    assert client.get(reverse("referrals:screen", args=[referral.pk])).status_code == 403
    decide(referral, coordinator, OUT.NO_FURTHER_ACTION)
    assert client.get(referral.get_absolute_url()).status_code == 404


def test_the_police_keep_reading_a_referral_sent_down_the_police_route(
    client, referral, info_officer, police_officer
):
    decide(referral, info_officer, OUT.POLICE_ROUTE)
    client.force_login(police_officer)
    assert client.get(referral.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.YOUTH_WORKER, Role.MAYOR_OFFICE])
def test_others_do_not_see_a_referral_or_the_queue(client, referral, role):
    client.force_login(make_user(role=role))
    assert client.get(referral.get_absolute_url()).status_code == 404
    assert client.get(reverse("referrals:screening")).status_code == 404


def test_a_colleague_of_the_referrer_does_not_see_it(client, referral, partner):
    client.force_login(make_user(role=Role.PARTNER, agency=partner.profile.agency))
    assert client.get(referral.get_absolute_url()).status_code == 404


def test_a_full_read_is_in_the_audit_log(client, referral, coordinator):
    from auditlog.models import LogEntry

    client.force_login(coordinator)
    client.get(referral.get_absolute_url())
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(referral.pk))
    assert read.get().actor == coordinator


def test_the_decision_page_shows_outcome_reasons_and_who_decided(client, referral, coordinator):
    decide(referral, coordinator, OUT.SIGNPOSTED)
    client.force_login(coordinator)
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "Signposted to another service" in body
    assert "Discussed with the police and the information officer." in body
    assert coordinator.get_full_name() in body


# --- The queue ------------------------------------------------------------------------------


def _sent_days_ago(referral, days):
    Referral.objects.filter(pk=referral.pk).update(
        submitted_at=timezone.now() - timedelta(days=days)
    )


def test_the_queue_shows_the_age_of_each_referral_and_marks_the_overdue(
    client, settings, coordinator, partner
):
    settings.SCREENING_TARGET_DAYS = 5
    fresh = make_referral(referrer=partner, last_name="Fresh")
    old = make_referral(referrer=partner, last_name="Old")
    _sent_days_ago(old, 6)
    _sent_days_ago(fresh, 2)
    queue = list(selectors.screening_list(user=coordinator))
    assert [r.pk for r in queue] == [old.pk, fresh.pk]  # oldest first
    assert [(r.age_days, r.overdue) for r in queue] == [(6, True), (2, False)]
    client.force_login(coordinator)
    body = client.get(reverse("referrals:screening")).content.decode()
    assert "6 days" in body and "2 days" in body
    assert body.count('class="overdue"') == 1


def test_the_target_is_a_setting(settings, coordinator, partner):
    referral = make_referral(referrer=partner)
    _sent_days_ago(referral, 3)
    settings.SCREENING_TARGET_DAYS = 5
    assert selectors.screening_overdue_count(user=coordinator) == 0
    settings.SCREENING_TARGET_DAYS = 2
    assert selectors.screening_overdue_count(user=coordinator) == 1


def test_an_answered_question_is_not_overdue_while_with_the_referrer(
    settings, coordinator, partner
):
    settings.SCREENING_TARGET_DAYS = 1
    referral = make_referral(referrer=partner)
    _sent_days_ago(referral, 3)
    decide(referral, coordinator, OUT.MORE_INFORMATION)
    assert selectors.screening_overdue_count(user=coordinator) == 0


def test_the_queue_is_searchable_and_paginated(client, coordinator, partner):
    for n in range(27):
        make_referral(referrer=partner, last_name=f"Queue{n:02d}")
    make_referral(referrer=partner, first_name="Zora", last_name="Findme")
    client.force_login(coordinator)
    first = client.get(reverse("referrals:screening")).content.decode()
    assert "28 referrals" in first
    assert "Page 1 of 2" in first
    found = client.get(reverse("referrals:screening"), {"q": "findme"}).content.decode()
    assert "1 referral" in found and "Zora" in found


def test_decided_referrals_leave_the_queue_but_stay_findable(coordinator, partner):
    referral = make_referral(referrer=partner)
    decide(referral, coordinator, OUT.NO_FURTHER_ACTION)
    assert not selectors.screening_list(user=coordinator).exists()
    everything = selectors.screening_list(
        user=coordinator, filters=selectors.ScreeningFilters(status="all")
    )
    assert list(everything) == [referral]


def test_drafts_never_reach_the_queue(coordinator, partner):
    make_referral(referrer=partner, submit=False)
    all_ = selectors.ScreeningFilters(status="all")
    assert not selectors.screening_list(user=coordinator, filters=all_).exists()


def test_the_queue_has_a_fixed_number_of_queries(
    client, coordinator, partner, django_assert_max_num_queries
):
    client.force_login(coordinator)
    for n in range(3):
        make_referral(referrer=partner, last_name=f"Few{n}")
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("referrals:screening"))
    for n in range(20):
        make_referral(referrer=partner, last_name=f"Many{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:screening"))


def test_the_queues_index_covers_exactly_the_referrals_awaiting_screening():
    """PostgreSQL reads the queue's first page from this partial index only while its condition
    is the queue's own filter (referrals.selectors.AWAITING)."""
    [index] = [i for i in Referral._meta.indexes if i.name == "referral_awaiting_screening"]
    assert index.condition == Q(status__in=[str(status) for status in selectors.AWAITING])
