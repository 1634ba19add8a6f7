"""A case whose processing is restricted (a subject's right, privacy.subject_rights) does not go
on an agenda: discussing it at a conference is processing it. The chair's "add a case" refuses
it and says why, the agenda's proposals leave it out, and nothing is added; once the restriction
is lifted, it goes on as any case."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Case
from conferences import selectors, services
from conferences.models import AgendaItem, BacklogItem
from privacy import subject_rights
from tests.factories import make_case, set_meeting_status

pytestmark = pytest.mark.clock

REFUSAL = "Processing of this case is restricted: it cannot go on an agenda"


@pytest.fixture
def case(social_worker, coordinator, meeting):
    """A case the chair sees (its lead agency is theirs), due for review before the meeting, so
    the agenda proposes it."""
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    review_day = timezone.localtime(meeting.starts_at).date() - timedelta(days=1)
    Case.objects.filter(pk=case.pk).update(next_review_date=review_day)
    services.declaration_sign(meeting=meeting, user=coordinator)
    return case


@pytest.fixture
def restricted(case, info_officer):
    return subject_rights.case_restrict(case=case, user=info_officer, reason="Art. 18 request")


def proposed_cases(coordinator, meeting):
    return {p.case for p in selectors.agenda_proposals(user=coordinator, meeting=meeting)}


def test_the_chair_cannot_add_a_restricted_case_until_it_is_lifted(
    meeting, coordinator, info_officer, case, restricted
):
    with pytest.raises(ValidationError, match=REFUSAL):
        services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    assert not meeting.items.exists()
    subject_rights.case_restriction_lift(case=case, user=info_officer, reason="Lifted")
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    assert item.case == case


def test_the_proposals_leave_a_restricted_case_out(
    meeting, coordinator, info_officer, social_worker, case
):
    case_services.escalation_raise(
        case=case,
        raised_by=social_worker,
        audience="coordinator",
        summary="The school asks for a decision",
        decision_requested="Decide on a school meeting",
    )
    assert case in proposed_cases(coordinator, meeting)
    subject_rights.case_restrict(case=case, user=info_officer, reason="Art. 18 request")
    assert case not in proposed_cases(coordinator, meeting)
    # Proposing the agenda adds nothing for it, and does not fail on it.
    services.agenda_propose(meeting=meeting, user=coordinator)
    assert not AgendaItem.objects.filter(case=case).exists()


def test_the_agenda_page_says_why_and_adds_nothing(client, meeting, coordinator, case, restricted):
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:agenda", args=[meeting.pk]),
        {"action": "add_case", "case-reference": case.reference},
    )
    assert REFUSAL in response.content.decode()
    assert not AgendaItem.objects.filter(case=case).exists()


def test_an_item_on_a_restricted_case_is_not_moved_to_the_next_meeting(
    meeting, coordinator, info_officer, case
):
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    set_meeting_status(meeting, "open")
    subject_rights.case_restrict(case=case, user=info_officer, reason="Art. 18 request")
    with pytest.raises(ValidationError, match=REFUSAL):
        services.item_move(item=item, user=coordinator, to="next_meeting")
    item.refresh_from_db()
    assert item.moved_to == ""
    assert AgendaItem.objects.filter(case=case).count() == 1
    # The series' backlog keeps it until the restriction is lifted (the proposals skip it).
    services.item_move(item=item, user=coordinator, to="backlog")
    assert BacklogItem.objects.filter(case=case, taken_at__isnull=True).exists()


def test_an_item_continued_is_not_carried_over_once_its_case_is_restricted(
    meeting, coordinator, info_officer, case
):
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    set_meeting_status(meeting, "open")
    services.minute_record(
        item=item, user=coordinator, decision="continue", level=2, discussion="Next time"
    )
    subject_rights.case_restrict(case=case, user=info_officer, reason="Art. 18 request")
    set_meeting_status(meeting, "closed")
    services.minutes_finalise(meeting=meeting, user=coordinator)
    assert list(AgendaItem.objects.filter(case=case)) == [item]


def test_the_chair_sees_why_an_item_is_not_discussed_and_moves_it_to_the_backlog(
    client, meeting, coordinator, info_officer, case
):
    """An item put on the agenda before the restriction: marked on the agenda and on the live
    screen, which says why no outcome is taken and offers the move instead."""
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    other = services.agenda_add_case(
        meeting=meeting, user=coordinator, case=make_case(lead_agency=coordinator.profile.agency)
    )
    set_meeting_status(meeting, "open")
    subject_rights.case_restrict(case=case, user=info_officer, reason="Art. 18 request")
    client.force_login(coordinator)
    agenda = client.get(reverse("conferences:meeting", args=[meeting.pk])).content.decode()
    assert agenda.count("processing restricted") == 1
    live = client.get(reverse("conferences:live_item", args=[meeting.pk, item.pk]))
    page = live.content.decode()
    assert 'id="case-restricted"' in page and "it is not discussed" in page
    assert reverse("conferences:live_move", args=[meeting.pk, item.pk]) in page
    assert 'name="decision"' not in page
    # The other item's screen says nothing of it.
    assert (
        'id="case-restricted"'
        not in client.get(
            reverse("conferences:live_item", args=[meeting.pk, other.pk])
        ).content.decode()
    )
    client.post(reverse("conferences:live_move", args=[meeting.pk, item.pk]), {"to": "backlog"})
    item.refresh_from_db()
    assert item.moved_to == "backlog"
    assert BacklogItem.objects.filter(case=case, taken_at__isnull=True).exists()
