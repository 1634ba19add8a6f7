"""Issue 17, part 1-4 (what was left): the meeting's history on its page, the time for each
item set by the chair while the agenda is prepared, and a recusal withdrawn by the chair."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from access import policy
from cases import services as case_services
from conferences import selectors, services
from conferences.models import AgendaItem, Meeting, Recusal
from tests.factories import make_case, set_meeting_status


@pytest.fixture
def item(meeting, coordinator, social_worker, police_officer, signed):
    """A case item seen by the chair, the social worker and the police officer, all signed."""
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    signed(coordinator, social_worker, police_officer)
    return services.agenda_add_case(meeting=meeting, user=coordinator, case=case)


# --- The meeting's history ------------------------------------------------------------------


def test_the_meeting_page_shows_each_step_who_took_it_and_why(
    client, meeting, item, coordinator, social_worker
):
    services.agenda_publish(meeting=meeting, user=coordinator)
    services.meeting_open(meeting=meeting, user=coordinator)
    services.meeting_close(meeting=meeting, user=coordinator)
    services.meeting_reopen(meeting=meeting, user=coordinator, reason="A decision was missed.")
    history = list(selectors.state_history(meeting=meeting))
    assert [(c.from_status, c.to_status) for c in history] == [
        ("planned", "published"),
        ("published", "open"),
        ("open", "closed"),
        ("closed", "open"),
    ]
    client.force_login(social_worker)
    body = client.get(reverse("conferences:meeting", args=[meeting.pk])).content.decode()
    assert 'id="state-history"' in body
    assert "A decision was missed." in body
    assert body.count(coordinator.get_full_name()) >= 4


def test_the_reason_waits_for_the_declaration(client, meeting, coordinator, other_social_worker):
    meeting.series.core_members.add(other_social_worker)
    AgendaItem.objects.create(meeting=meeting, title="Trends")
    services.declaration_sign(meeting=meeting, user=coordinator)
    services.agenda_publish(meeting=meeting, user=coordinator)
    services.meeting_open(meeting=meeting, user=coordinator)
    services.meeting_close(meeting=meeting, user=coordinator)
    services.meeting_reopen(meeting=meeting, user=coordinator, reason="The Peeters item again.")
    client.force_login(other_social_worker)
    body = client.get(reverse("conferences:meeting", args=[meeting.pk])).content.decode()
    assert 'id="state-history"' in body
    assert "The Peeters item again." not in body


# --- The time for an item -------------------------------------------------------------------


def test_the_chair_sets_the_time_for_an_item_on_the_agenda_page(client, meeting, item, coordinator):
    client.force_login(coordinator)
    url = reverse("conferences:agenda", args=[meeting.pk])
    response = client.post(url, {"action": "budget", "item": item.pk, "minutes": 25})
    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=item.pk).time_budget_minutes == 25
    assert 'id="budget-' in client.get(url).content.decode()


@pytest.mark.parametrize("minutes", [0, 121])
def test_the_time_stays_within_bounds(meeting, item, coordinator, minutes):
    with pytest.raises(ValidationError):
        services.agenda_set_time_budget(item=item, user=coordinator, minutes=minutes)
    assert AgendaItem.objects.get(pk=item.pk).time_budget_minutes == 10


def test_only_the_chair_sets_the_time(meeting, item, social_worker, police_officer):
    for user in (social_worker, police_officer):
        with pytest.raises(PermissionDenied):
            services.agenda_set_time_budget(item=item, user=user, minutes=20)
    assert AgendaItem.objects.get(pk=item.pk).time_budget_minutes == 10


@pytest.mark.parametrize("status", [Meeting.Status.OPEN, Meeting.Status.CLOSED])
def test_the_time_is_set_before_the_meeting_opens(meeting, item, coordinator, status):
    set_meeting_status(meeting, status)
    with pytest.raises(ValidationError):
        services.agenda_set_time_budget(item=item, user=coordinator, minutes=20)
    assert AgendaItem.objects.get(pk=item.pk).time_budget_minutes == 10


def test_the_live_clock_runs_against_the_time_set(client, meeting, item, coordinator):
    services.agenda_set_time_budget(item=item, user=coordinator, minutes=17)
    services.agenda_publish(meeting=meeting, user=coordinator)
    services.meeting_open(meeting=meeting, user=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("conferences:live_item", args=[meeting.pk, item.pk]))
    assert 'data-budget-minutes="17"' in page.content.decode()


# --- Withdrawing a recusal ------------------------------------------------------------------


def test_a_withdrawn_recusal_shows_the_item_again_and_stays_in_the_minutes(
    client, meeting, item, coordinator, social_worker, police_officer
):
    recusal = services.recusal_record(
        item=item, user=coordinator, attendee=police_officer, interest="Cousin"
    )
    assert not policy.may_see_agenda_item(police_officer, item)
    client.force_login(coordinator)
    assert (
        f"withdraw-{recusal.pk}"
        in client.get(reverse("conferences:attendance", args=[meeting.pk])).content.decode()
    )
    response = client.post(
        reverse("conferences:recusal_withdraw", args=[meeting.pk]),
        {"recusal": recusal.pk, "reason": "Declared in error: a namesake."},
    )
    assert response.status_code == 302
    recusal.refresh_from_db()
    assert recusal.withdrawn_by == coordinator and recusal.withdrawn_at is not None
    assert policy.may_see_agenda_item(police_officer, item)
    client.force_login(social_worker)
    minutes = client.get(reverse("conferences:minutes", args=[meeting.pk])).content.decode()
    assert "Declared in error: a namesake." in minutes and "Cousin" in minutes
    copy = client.get(reverse("conferences:minutes_pdf", args=[meeting.pk])).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(copy)).pages).split())
    assert "Declared in error: a namesake." in text and "Withdrawn" in text
    # Recused again later: a new recusal, the withdrawn one kept.
    services.recusal_record(item=item, user=coordinator, attendee=police_officer)
    assert Recusal.objects.filter(item=item, user=police_officer).count() == 2
    assert not policy.may_see_agenda_item(police_officer, item)


def test_a_recusal_is_withdrawn_once_with_a_reason_by_the_chair_only(
    meeting, item, coordinator, social_worker, police_officer
):
    recusal = services.recusal_record(item=item, user=coordinator, attendee=police_officer)
    with pytest.raises(PermissionDenied):
        services.recusal_withdraw(recusal=recusal, user=social_worker, reason="No.")
    with pytest.raises(ValidationError):
        services.recusal_withdraw(recusal=recusal, user=coordinator, reason="  ")
    assert Recusal.objects.get(pk=recusal.pk).withdrawn_at is None
    services.recusal_withdraw(recusal=recusal, user=coordinator, reason="In error.")
    with pytest.raises(ValidationError):
        services.recusal_withdraw(recusal=recusal, user=coordinator, reason="Again.")


def test_no_withdrawal_once_the_minutes_are_final(meeting, item, coordinator, police_officer):
    recusal = services.recusal_record(item=item, user=coordinator, attendee=police_officer)
    set_meeting_status(meeting, Meeting.Status.FINAL)
    with pytest.raises(ValidationError):
        services.recusal_withdraw(recusal=recusal, user=coordinator, reason="Too late.")
    assert Recusal.objects.get(pk=recusal.pk).withdrawn_at is None


def test_a_recusal_on_another_meeting_is_not_found(
    client, meeting, item, coordinator, series, soon
):
    other = services.meeting_call_ad_hoc(
        series=series, user=coordinator, starts_at=soon, location=""
    )
    recusal = services.recusal_record(
        item=item, user=coordinator, attendee=item.case.owner, interest=""
    )
    services.declaration_sign(meeting=other, user=coordinator)
    client.force_login(coordinator)
    response = client.post(
        reverse("conferences:recusal_withdraw", args=[other.pk]),
        {"recusal": recusal.pk, "reason": "Through the wrong door."},
    )
    assert response.status_code == 404
    assert Recusal.objects.get(pk=recusal.pk).withdrawn_at is None
