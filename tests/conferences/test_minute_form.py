"""The minute form (finding 1 of issue 14): nobody opens, overwrites or declassifies a minute
they may not read; the level offered never exceeds what the writer may write; the form, the
agenda and the minutes each record one read."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.models import Level, Role
from cases import services as case_services
from conferences import services
from conferences.models import AgendaItem, ConferenceSeries
from tests.factories import make_case, make_user, set_meeting_status

CANARY = "CANARY-L4-police-minute-4417"


@pytest.fixture
def police_series(coordinator, social_worker, police_officer):
    """A series the police chair (the coordinator chairs every series by role)."""
    return services.series_create(
        user=coordinator,
        name="Police-prevention case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=police_officer,
        core_members=[coordinator, social_worker],
    )


@pytest.fixture
def police_meeting(police_series, coordinator, social_worker, police_officer):
    meeting = police_series.meetings.get()
    for user in (coordinator, social_worker, police_officer):
        services.declaration_sign(meeting=meeting, user=user)
    return set_meeting_status(meeting, "open")


@pytest.fixture
def case(coordinator, social_worker, police_officer):
    """A case the coordinator's agency leads, with the police officer on its team."""
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    return case


@pytest.fixture
def police_minute(police_meeting, police_officer, case):
    item = services.agenda_add_case(meeting=police_meeting, user=police_officer, case=case)
    return services.minute_record(
        item=item, user=police_officer, decision="continue", level=Level.L4, discussion=CANARY
    )


def minute_row(item) -> dict:
    return AgendaItem.objects.filter(pk=item.pk).values().get()


def minute_url(item) -> str:
    return reverse("conferences:minute", args=[item.meeting_id, item.pk])


def reads() -> int:
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()


def test_the_coordinator_cannot_open_the_form_of_a_police_l4_minute(
    client, coordinator, police_minute
):
    client.force_login(coordinator)
    response = client.get(minute_url(police_minute))
    assert response.status_code == 403
    assert CANARY not in response.content.decode()


def test_the_meeting_page_offers_the_coordinator_no_minute_form_for_the_police_minute(
    client, coordinator, police_officer, police_minute
):
    # In session, the agenda links each item's outcome to the chair's live screen (issue 17).
    live_url = reverse("conferences:live_item", args=[police_minute.meeting_id, police_minute.pk])
    client.force_login(coordinator)
    body = client.get(reverse("conferences:meeting", args=[police_minute.meeting_id])).content
    assert live_url not in body.decode()
    client.force_login(police_officer)
    body = client.get(reverse("conferences:meeting", args=[police_minute.meeting_id])).content
    assert live_url in body.decode()


def test_the_coordinator_cannot_overwrite_a_police_l4_minute_through_the_form(
    client, coordinator, police_minute
):
    before = minute_row(police_minute)
    client.force_login(coordinator)
    response = client.post(
        minute_url(police_minute),
        {"discussion": "Declassified", "level": Level.L2, "decision": "continue"},
    )
    assert response.status_code == 403
    assert minute_row(police_minute) == before
    assert before["discussion"] == CANARY
    assert before["minute_level"] == Level.L4


def test_the_minute_service_refuses_to_replace_a_minute_the_writer_may_not_read(
    coordinator, police_officer, police_minute
):
    before = minute_row(police_minute)
    with pytest.raises(PermissionDenied):
        services.minute_record(
            item=police_minute,
            user=coordinator,
            decision="continue",
            level=Level.L2,
            discussion="Declassified",
        )
    after = minute_row(police_minute)
    assert after == before
    assert (after["discussion"], after["minute_level"], after["minute_agency_id"]) == (
        CANARY,
        Level.L4,
        police_officer.profile.agency_id,
    )


def test_police_of_another_zone_chairing_cannot_replace_the_l4_minute(
    coordinator, police_series, police_minute, case
):
    other_zone = make_user(role=Role.POLICE)
    case_services.team_add_user(
        case=case, user=other_zone, granted_by=case.owner, reason="other zone"
    )
    police_series.chair = other_zone
    police_series.save()
    before = minute_row(police_minute)
    with pytest.raises(PermissionDenied):
        services.minute_record(
            item=police_minute, user=other_zone, decision="continue", level=Level.L4, discussion="x"
        )
    assert minute_row(police_minute) == before


def test_the_police_chair_rewrites_their_own_l4_minute(client, police_officer, police_minute):
    client.force_login(police_officer)
    page = client.get(minute_url(police_minute))
    assert page.status_code == 200
    assert CANARY in page.content.decode()
    response = client.post(
        minute_url(police_minute),
        {"discussion": "Corrected", "level": Level.L4, "decision": "continue"},
    )
    assert response.status_code == 302
    police_minute.refresh_from_db()
    assert (police_minute.discussion, police_minute.minute_level) == ("Corrected", Level.L4)


def test_the_coordinator_still_minutes_an_item_whose_minute_they_may_read(
    client, coordinator, police_officer, police_meeting, case
):
    item = services.agenda_add_case(meeting=police_meeting, user=police_officer, case=case)
    services.minute_record(
        item=item, user=police_officer, decision="continue", level=Level.L2, discussion="Shared"
    )
    client.force_login(coordinator)
    assert "Shared" in client.get(minute_url(item)).content.decode()
    response = client.post(
        minute_url(item), {"discussion": "Shared, corrected", "level": 2, "decision": "continue"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.discussion, item.minuted_by) == ("Shared, corrected", coordinator)


def test_the_level_offered_never_exceeds_what_the_writer_may_write(
    client, coordinator, police_officer, police_meeting, case
):
    item = services.agenda_add_case(meeting=police_meeting, user=police_officer, case=case)
    client.force_login(coordinator)
    offered = client.get(minute_url(item)).context["form"].fields["level"].choices
    assert [value for value, _label in offered] == [Level.L1, Level.L2]
    client.force_login(police_officer)
    offered = client.get(minute_url(item)).context["form"].fields["level"].choices
    assert [value for value, _label in offered] == [Level.L1, Level.L2, Level.L3, Level.L4]


def test_the_level_form_refuses_a_level_above_the_writers_clearance(
    client, coordinator, police_officer, police_meeting, case
):
    item = services.agenda_add_case(meeting=police_meeting, user=police_officer, case=case)
    before = minute_row(item)
    client.force_login(coordinator)
    response = client.post(
        minute_url(item), {"discussion": "High", "level": Level.L4, "decision": "continue"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["level"]
    assert minute_row(item) == before


def test_the_minute_form_records_one_read_of_the_item(client, coordinator, meeting, case):
    services.declaration_sign(meeting=meeting, user=coordinator)
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    client.force_login(coordinator)
    before = reads()
    assert client.get(minute_url(item)).status_code == 200
    assert reads() == before + 1
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert (read.object_pk, read.actor, read.content_type.model) == (
        str(item.pk),
        coordinator,
        "agendaitem",
    )


@pytest.mark.parametrize("page", ["conferences:meeting", "conferences:minutes"])
def test_the_agenda_and_minutes_pages_record_exactly_one_read(
    client, coordinator, meeting, case, page
):
    services.declaration_sign(meeting=meeting, user=coordinator)
    services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    client.force_login(coordinator)
    before = reads()
    assert client.get(reverse(page, args=[meeting.pk])).status_code == 200
    assert reads() == before + 1
    read = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).latest("pk")
    assert (read.object_pk, read.content_type.model) == (str(meeting.pk), "meeting")
