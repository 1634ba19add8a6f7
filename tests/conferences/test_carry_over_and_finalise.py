"""Carrying items over and finalising (finding 6 of issue 14): a restricted item keeps its
restriction at the next meeting, and finalising counts only the items the chair may see."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Level
from cases import services as case_services
from conferences import services
from conferences.models import AgendaItem, ConferenceSeries, Meeting
from tests.factories import make_case, set_meeting_status

pytestmark = pytest.mark.clock


@pytest.fixture
def police_series(coordinator, social_worker, police_officer):
    return services.series_create(
        user=coordinator,
        name="Police-prevention case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=police_officer,
        core_members=[coordinator, social_worker],
    )


@pytest.fixture
def police_meeting(police_series):
    return set_meeting_status(police_series.meetings.get(), "open")


def police_case(coordinator, social_worker, police_officer):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    return case


@pytest.fixture
def restricted(police_meeting, coordinator, social_worker, police_officer):
    """A police-only item the police chair continues."""
    case = police_case(coordinator, social_worker, police_officer)
    item = services.agenda_add_case(meeting=police_meeting, user=police_officer, case=case)
    services.agenda_restrict(item=item, user=police_officer, level=Level.L4)
    return item


def next_meeting(meeting) -> Meeting:
    return meeting.series.meetings.filter(starts_at__gt=meeting.starts_at).get()


def test_a_restricted_item_carried_over_keeps_its_restriction(
    police_meeting, police_officer, restricted
):
    services.minute_record(
        item=restricted, user=police_officer, decision="continue", level=4, discussion="x"
    )
    set_meeting_status(police_meeting, "closed")
    services.minutes_finalise(meeting=police_meeting, user=police_officer)
    carried = next_meeting(police_meeting).items.get(case=restricted.case)
    assert carried.carried_from == restricted
    assert carried.restricted_to_level == Level.L4


def test_a_restricted_item_proposed_as_carried_over_keeps_its_restriction(
    police_meeting, police_officer, restricted
):
    services.minute_record(
        item=restricted, user=police_officer, decision="continue", level=4, discussion="x"
    )
    set_meeting_status(police_meeting, "closed")
    services.minutes_finalise(meeting=police_meeting, user=police_officer)
    following = next_meeting(police_meeting)
    services.agenda_remove(item=following.items.get(), user=police_officer)
    services.agenda_propose(meeting=following, user=police_officer)
    proposed = following.items.get(case=restricted.case)
    assert proposed.reason == AgendaItem.Reason.CARRIED_OVER
    assert proposed.restricted_to_level == Level.L4


def test_a_chair_is_not_proposed_a_carried_over_item_they_may_not_see(
    police_meeting, coordinator, police_officer, restricted
):
    services.minute_record(
        item=restricted, user=police_officer, decision="continue", level=4, discussion="x"
    )
    set_meeting_status(police_meeting, "closed")
    services.minutes_finalise(meeting=police_meeting, user=police_officer)
    following = next_meeting(police_meeting)
    services.agenda_remove(item=following.items.get(), user=police_officer)
    from conferences import selectors

    proposals = selectors.agenda_proposals(user=coordinator, meeting=following)
    assert all(p.carried_from is None for p in proposals)


def test_the_finalise_message_does_not_count_items_the_chair_may_not_see(
    client, police_meeting, coordinator, social_worker, police_officer, restricted
):
    second = services.agenda_add_case(
        meeting=police_meeting,
        user=police_officer,
        case=police_case(coordinator, social_worker, police_officer),
    )
    services.agenda_restrict(item=second, user=police_officer, level=Level.L4)
    services.agenda_add_general(meeting=police_meeting, user=police_officer, title="AOB")
    set_meeting_status(police_meeting, "closed")
    with pytest.raises(ValidationError) as refusal:
        services.minutes_finalise(meeting=police_meeting, user=coordinator)
    assert refusal.value.messages[0].startswith("1 item(s) have no decision yet.")
    services.declaration_sign(meeting=police_meeting, user=coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("conferences:finalise", args=[police_meeting.pk]), follow=True)
    body = response.content.decode()
    assert "1 item(s) have no decision yet." in body
    assert "3 item(s)" not in body
    police_meeting.refresh_from_db()
    assert police_meeting.status == Meeting.Status.CLOSED


def test_the_police_chair_is_told_every_undecided_item_they_see(
    police_meeting, police_officer, restricted
):
    services.agenda_add_general(meeting=police_meeting, user=police_officer, title="AOB")
    set_meeting_status(police_meeting, "closed")
    with pytest.raises(ValidationError, match="2 item"):
        services.minutes_finalise(meeting=police_meeting, user=police_officer)


def test_items_hidden_from_the_chair_do_not_stop_finalising_and_are_carried_over(
    police_meeting, coordinator, restricted
):
    """Refusing would tell the chair that items they may not see exist; the undecided items
    go on, restricted, to the next meeting, where a chair who sees them decides."""
    set_meeting_status(police_meeting, "closed")
    services.minutes_finalise(meeting=police_meeting, user=coordinator)
    police_meeting.refresh_from_db()
    assert police_meeting.status == Meeting.Status.FINAL
    restricted.refresh_from_db()
    assert restricted.decision == ""
    carried = next_meeting(police_meeting).items.get(case=restricted.case)
    assert (carried.carried_from, carried.restricted_to_level) == (restricted, Level.L4)
