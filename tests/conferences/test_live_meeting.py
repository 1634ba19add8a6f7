"""The live meeting (issue 17): the meeting's states and their steps, the chair's live screen,
attendees following the item on the table, and two writers of one minute."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level, Role
from cases import services as case_services
from cases.models import Action, Case
from conferences import services
from conferences.models import AgendaItem, BacklogItem, Meeting, MeetingStateChange
from tests.factories import make_case, make_user, set_meeting_status

S = Meeting.Status


@pytest.fixture
def case(coordinator, social_worker, police_officer):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    return case


@pytest.fixture
def items(meeting, coordinator, social_worker, police_officer, case):
    """Two items the coordinator sees, and between them one restricted to the police."""
    first = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    police_case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=police_case, user=police_officer, granted_by=social_worker, reason="police"
    )
    restricted = services.agenda_add_case(meeting=meeting, user=coordinator, case=police_case)
    services.agenda_restrict(item=restricted, user=coordinator, level=Level.L4)
    second = services.agenda_add_general(meeting=meeting, user=coordinator, title="AOB")
    return {"first": first, "restricted": restricted, "second": second}


def state(meeting) -> str:
    return Meeting.objects.get(pk=meeting.pk).status


# --- The steps of the meeting's life -----------------------------------------------------------

STEPS = {
    "open": (S.PUBLISHED, S.OPEN, lambda m, u: services.meeting_open(meeting=m, user=u)),
    "close": (S.OPEN, S.CLOSED, lambda m, u: services.meeting_close(meeting=m, user=u)),
    "reopen": (
        S.CLOSED,
        S.OPEN,
        lambda m, u: services.meeting_reopen(meeting=m, user=u, reason="A case was missed"),
    ),
    "finalise": (S.CLOSED, S.FINAL, lambda m, u: services.minutes_finalise(meeting=m, user=u)),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_the_chair_takes_each_step_only_from_its_state(meeting, coordinator, items, step):
    start, end, take = STEPS[step]
    AgendaItem.objects.filter(meeting=meeting).update(decision="continue")
    for other in S.values:
        if other == start:
            continue
        set_meeting_status(meeting, other)
        with pytest.raises(ValidationError):
            take(meeting, coordinator)
        assert state(meeting) == other
    set_meeting_status(meeting, start)
    take(meeting, coordinator)
    assert state(meeting) == end
    change = MeetingStateChange.objects.filter(meeting=meeting).first()
    assert (change.from_status, change.to_status, change.changed_by) == (start, end, coordinator)


@pytest.mark.parametrize("step", sorted(STEPS))
def test_nobody_but_the_chair_takes_a_step(
    meeting, items, social_worker, police_officer, info_officer, youth_worker, step
):
    start, _end, take = STEPS[step]
    set_meeting_status(meeting, start)
    outsider = make_user(role=Role.SOCIAL_WORKER)
    for user in (social_worker, police_officer, info_officer, youth_worker, outsider):
        with pytest.raises(PermissionDenied):
            take(meeting, user)
        assert state(meeting) == start
    assert not MeetingStateChange.objects.filter(meeting=meeting).exists()


def test_reopening_needs_a_reason_and_is_kept_in_the_history(meeting, coordinator, items):
    set_meeting_status(meeting, S.CLOSED)
    with pytest.raises(ValidationError):
        services.meeting_reopen(meeting=meeting, user=coordinator, reason="  ")
    assert state(meeting) == S.CLOSED
    services.meeting_reopen(meeting=meeting, user=coordinator, reason="The police case")
    change = MeetingStateChange.objects.get(meeting=meeting)
    assert (change.from_status, change.to_status, change.reason) == (
        S.CLOSED,
        S.OPEN,
        "The police case",
    )


def test_opening_puts_the_chairs_first_item_on_the_table(meeting, coordinator, items):
    services.agenda_publish(meeting=meeting, user=coordinator)
    services.meeting_open(meeting=meeting, user=coordinator)
    meeting.refresh_from_db()
    assert meeting.current_item == items["first"]
    assert meeting.current_item_since is not None


@pytest.mark.parametrize("status", [S.PLANNED, S.PUBLISHED, S.FINAL])
def test_outcomes_are_recorded_only_in_session(meeting, coordinator, items, status):
    set_meeting_status(meeting, status)
    item = items["first"]
    with pytest.raises(ValidationError):
        services.minute_record(item=item, user=coordinator, discussion="x", decision="continue")
    item.refresh_from_db()
    assert item.decision == "" and item.version == 1


def test_a_closed_meetings_minute_text_may_change_but_not_its_outcome(meeting, coordinator, items):
    item = items["first"]
    set_meeting_status(meeting, S.OPEN)
    services.minute_record(item=item, user=coordinator, discussion="Draft", decision="continue")
    set_meeting_status(meeting, S.CLOSED)
    services.minute_record(item=item, user=coordinator, discussion="Clean", decision="continue")
    with pytest.raises(ValidationError):
        services.minute_record(
            item=items["second"], user=coordinator, discussion="x", decision="continue"
        )
    item.refresh_from_db()
    assert item.discussion == "Clean"


def test_the_buttons_show_only_where_they_work(client, meeting, coordinator, items):
    services.declaration_sign(meeting=meeting, user=coordinator)
    client.force_login(coordinator)
    buttons = {
        "open": 'name="to" value="open"',
        "close": 'name="to" value="close"',
        "finalise": reverse("conferences:finalise", args=[meeting.pk]),
        "reopen": reverse("conferences:reopen", args=[meeting.pk]),
    }
    expected = {
        S.PLANNED: set(),
        S.PUBLISHED: {"open"},
        S.OPEN: {"close"},
        S.CLOSED: {"finalise", "reopen"},
        S.FINAL: set(),
    }
    for status, shown in expected.items():
        set_meeting_status(meeting, status)
        body = client.get(reverse("conferences:meeting", args=[meeting.pk])).content.decode()
        assert {name for name, mark in buttons.items() if mark in body} == shown, status


# --- The chair's live screen -------------------------------------------------------------------


def live_url(item) -> str:
    return reverse("conferences:live_item", args=[item.meeting_id, item.pk])


def outcome(item, **extra) -> dict:
    form = {
        "version": item.version,
        "rows": 1,
        "decision": "continue",
        "discussion": "He found an apprenticeship.",
        "level": Level.L2,
        "risk_level": "",
        "next_review_date": "",
        "closure_reason": "",
    }
    form.update(extra)
    return form


def test_save_and_next_records_the_outcome_and_moves_the_table_past_hidden_items(
    client, meeting, coordinator, social_worker, items, case
):
    services.declaration_sign(meeting=meeting, user=coordinator)
    set_meeting_status(meeting, S.OPEN)
    client.force_login(coordinator)
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    review = (timezone.localdate() + timedelta(days=28)).isoformat()
    response = client.post(
        live_url(items["first"]),
        outcome(
            items["first"],
            action="next",
            risk_level="high",
            next_review_date=review,
            action_1_description="Find a mentor",
            action_1_owner=social_worker.pk,
            action_1_due_date=due,
            action_1_consent="given",
        ),
    )
    assert response.status_code == 302
    # The restricted item, hidden from the coordinator, is skipped.
    assert response["Location"] == live_url(items["second"])
    meeting.refresh_from_db()
    assert meeting.current_item == items["second"]
    item = AgendaItem.objects.get(pk=items["first"].pk)
    assert (item.decision, item.risk_before, item.risk_after) == ("continue", "moderate", "high")
    case.refresh_from_db()
    assert case.risk_level == Case.RiskLevel.HIGH
    assert str(case.next_review_date) == review
    action = Action.objects.get(case=case)
    assert (action.owner, action.consent) == (social_worker, "given")


def test_add_another_action_keeps_what_was_typed_and_saves_nothing(
    client, meeting, coordinator, items
):
    services.declaration_sign(meeting=meeting, user=coordinator)
    set_meeting_status(meeting, S.OPEN)
    client.force_login(coordinator)
    response = client.post(
        live_url(items["first"]),
        outcome(items["first"], add_action="1", action_1_description="Call the school"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Call the school" in body and 'name="action_2_description"' in body
    assert AgendaItem.objects.get(pk=items["first"].pk).decision == ""


def test_two_writers_of_one_minute_never_overwrite_each_other(client, meeting, coordinator, items):
    services.declaration_sign(meeting=meeting, user=coordinator)
    set_meeting_status(meeting, S.OPEN)
    item = items["first"]
    stale = item.version
    services.minute_record(
        item=item,
        user=coordinator,
        discussion="First writer",
        decision="continue",
        expected_version=stale,
    )
    with pytest.raises(services.MinuteConflict):
        services.minute_record(
            item=item,
            user=coordinator,
            discussion="Second writer",
            decision="continue",
            expected_version=stale,
        )
    client.force_login(coordinator)
    response = client.post(
        live_url(item), outcome(item, version=stale, discussion="Second writer, on screen")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this minute" in body
    assert "First writer" in body  # theirs, shown
    assert "Second writer, on screen" in body  # ours, kept in the form
    item.refresh_from_db()
    assert item.discussion == "First writer"


def test_the_chair_moves_an_item_to_the_backlog_or_the_next_meeting(
    meeting, coordinator, social_worker, items
):
    set_meeting_status(meeting, S.OPEN)
    services.item_move(item=items["first"], user=coordinator, to="backlog")
    backlog = BacklogItem.objects.get()
    assert (backlog.case_id, backlog.moved_from_id) == (
        items["first"].case_id,
        items["first"].pk,
    )
    following = services.item_move(item=items["second"], user=coordinator, to="next_meeting")
    assert following.meeting.starts_at > meeting.starts_at
    assert following.carried_from_id == items["second"].pk
    with pytest.raises(PermissionDenied):
        services.item_move(item=items["restricted"], user=coordinator, to="backlog")
    with pytest.raises(PermissionDenied):
        services.item_move(item=items["restricted"], user=social_worker, to="backlog")
    assert AgendaItem.objects.get(pk=items["restricted"].pk).moved_to == ""


def test_the_live_item_page_takes_a_fixed_number_of_queries(
    client, meeting, coordinator, social_worker, case
):
    services.declaration_sign(meeting=meeting, user=coordinator)
    small_case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    small = services.agenda_add_case(meeting=meeting, user=coordinator, case=small_case)
    big = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    set_meeting_status(meeting, S.OPEN)
    now = timezone.now() - timedelta(hours=1)
    due = timezone.localdate() + timedelta(days=3)

    def fill(target, entries, actions):
        for n in range(entries):
            case_services.entry_add(
                case=target,
                author=social_worker,
                kind="note",
                occurred_at=now,
                level=Level.L2,
                text=f"Entry {n}",
            )
        for n in range(actions):
            case_services.action_add(
                case=target,
                created_by=social_worker,
                description=f"Action {n}",
                owner=social_worker,
                due_date=due,
            )

    fill(small_case, 2, 1)
    fill(case, 200, 30)
    client.force_login(coordinator)
    counts = []
    for item in (small, big):
        client.get(live_url(item))  # warm the caches (sessions, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(live_url(item)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Attendees follow the chair ----------------------------------------------------------------


def now_url(meeting) -> str:
    return reverse("conferences:live_now", args=[meeting.pk])


def test_an_attendee_sees_the_item_on_the_table_but_never_a_restricted_one(
    client, meeting, coordinator, social_worker, police_officer, items, case, signed
):
    signed(social_worker, police_officer)
    set_meeting_status(meeting, S.OPEN)
    Meeting.objects.filter(pk=meeting.pk).update(current_item=items["first"])
    client.force_login(social_worker)
    body = client.get(reverse("conferences:live", args=[meeting.pk])).content.decode()
    assert case.reference in body and 'hx-trigger="every 2s"' in body
    restricted_ref = items["restricted"].case.reference
    Meeting.objects.filter(pk=meeting.pk).update(current_item=items["restricted"])
    body = client.get(now_url(meeting)).content.decode()
    assert restricted_ref not in body and 'id="live-waiting"' in body
    # The police officer, cleared for it, sees it.
    client.force_login(police_officer)
    assert restricted_ref in client.get(now_url(meeting)).content.decode()


def test_an_unchanged_item_answers_204_and_a_new_one_its_content(
    client, meeting, social_worker, items, signed
):
    signed(social_worker)
    set_meeting_status(meeting, S.OPEN)
    Meeting.objects.filter(pk=meeting.pk).update(current_item=items["first"])
    client.force_login(social_worker)
    first = client.get(now_url(meeting))
    token = first.context["token"]
    assert client.get(now_url(meeting), {"seen": token}).status_code == 204
    Meeting.objects.filter(pk=meeting.pk).update(current_item=items["second"])
    assert client.get(now_url(meeting), {"seen": token}).status_code == 200


def test_polling_stops_when_the_meeting_closes(client, meeting, social_worker, items, signed):
    signed(social_worker)
    set_meeting_status(meeting, S.CLOSED)
    client.force_login(social_worker)
    response = client.get(now_url(meeting))
    assert response.status_code == 286
    assert "hx-trigger" not in response.content.decode()


def test_an_attendee_who_has_not_signed_sees_nothing(client, meeting, social_worker, items):
    set_meeting_status(meeting, S.OPEN)
    Meeting.objects.filter(pk=meeting.pk).update(current_item=items["first"])
    client.force_login(social_worker)
    response = client.get(now_url(meeting))
    assert response.status_code == 204


def test_the_minute_form_also_refuses_a_stale_version_and_keeps_the_input(
    client, meeting, coordinator, items
):
    services.declaration_sign(meeting=meeting, user=coordinator)
    set_meeting_status(meeting, S.OPEN)
    item = items["first"]
    services.minute_record(
        item=item, user=coordinator, discussion="First writer", decision="continue"
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:minute", args=[meeting.pk, item.pk]),
        {"version": 1, "discussion": "Stale writer", "level": 2, "decision": "continue"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this minute" in body
    assert "First writer" in body and "Stale writer" in body
    item.refresh_from_db()
    assert item.discussion == "First writer"


def test_an_item_on_the_backlog_is_proposed_for_a_later_meeting_and_taken_off_it(
    meeting, coordinator, items
):
    from conferences import selectors

    set_meeting_status(meeting, S.OPEN)
    services.item_move(item=items["first"], user=coordinator, to="backlog")
    later = services.meeting_call_ad_hoc(
        series=meeting.series, user=coordinator, starts_at=meeting.starts_at + timedelta(days=7)
    )
    proposals = selectors.agenda_proposals(user=coordinator, meeting=later)
    backlog = [p for p in proposals if p.carried_from == items["first"]]
    assert [p.case for p in backlog] == [items["first"].case]
    services.agenda_propose(meeting=later, user=coordinator)
    assert BacklogItem.objects.get().taken_at is not None
    added = later.items.get(case=items["first"].case)
    assert added.reason == AgendaItem.Reason.CARRIED_OVER
