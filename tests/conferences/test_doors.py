"""The conference doors (access.doors): 404 when the user may not see the object, 403 when they
see it but may not do what the flag asks, and the read recorded as each door says."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.http import Http404

from access.doors import (
    access_agenda_item,
    access_agenda_item_on_agenda,
    access_meeting,
    access_series,
)
from accounts.models import Level, Role
from cases import services as case_services
from conferences import selectors, services
from tests.factories import make_case, make_user, set_meeting_status


def reads() -> int:
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()


@pytest.fixture
def outsider(db):
    return make_user(role=Role.SOCIAL_WORKER)


@pytest.fixture
def item(meeting, coordinator, social_worker, police_officer):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    return services.agenda_add_case(meeting=meeting, user=coordinator, case=case)


def test_a_series_is_not_there_for_someone_outside_it(series, outsider):
    with pytest.raises(Http404):
        access_series(outsider, series.pk)


def test_a_member_sees_a_series_but_may_not_call_its_meetings(series, social_worker):
    assert access_series(social_worker, series.pk) == series
    with pytest.raises(PermissionDenied):
        access_series(social_worker, series.pk, for_chair=True)


def test_a_meeting_is_not_there_for_someone_outside_its_series(meeting, outsider, admin_user):
    for user in (outsider, admin_user):
        with pytest.raises(Http404):
            access_meeting(user, meeting.pk)


def test_a_member_sees_a_meeting_but_may_not_chair_it(meeting, social_worker, coordinator):
    assert access_meeting(social_worker, meeting.pk) == meeting
    with pytest.raises(PermissionDenied):
        access_meeting(social_worker, meeting.pk, for_chair=True)
    assert access_meeting(coordinator, meeting.pk, for_chair=True) == meeting


def test_the_meeting_door_records_a_read_only_when_asked(meeting, social_worker):
    before = reads()
    access_meeting(social_worker, meeting.pk)
    assert reads() == before
    access_meeting(social_worker, meeting.pk, audit=True)
    assert reads() == before + 1


def test_an_item_restricted_above_the_users_clearance_is_not_there(
    meeting, item, coordinator, social_worker, police_officer
):
    services.agenda_restrict(item=item, user=coordinator, level=Level.L4)
    for user in (coordinator, social_worker):
        with pytest.raises(Http404):
            access_agenda_item(user, meeting, item.pk)
    assert access_agenda_item(police_officer, meeting, item.pk) == item


def test_an_item_of_another_meeting_is_not_there(series, item, coordinator):
    other = services.meeting_call_ad_hoc(
        series=series, user=coordinator, starts_at=item.meeting.starts_at
    )
    with pytest.raises(Http404):
        access_agenda_item(coordinator, other, item.pk)


def test_the_item_door_records_one_read_unless_told_not_to(meeting, item, coordinator):
    before = reads()
    access_agenda_item(coordinator, meeting, item.pk)
    assert reads() == before + 1
    access_agenda_item(coordinator, meeting, item.pk, audit=False)
    assert reads() == before + 1


def test_the_item_door_refuses_a_minute_the_user_may_not_read(
    meeting, item, coordinator, police_officer
):
    meeting.series.chair = police_officer
    meeting.series.save()
    set_meeting_status(meeting, "open")
    services.minute_record(
        item=item, user=police_officer, decision="continue", level=Level.L4, discussion="L4"
    )
    before = reads()
    with pytest.raises(PermissionDenied):
        access_agenda_item(coordinator, meeting, item.pk, for_minute=True)
    assert reads() == before
    assert access_agenda_item(police_officer, meeting, item.pk, for_minute=True) == item


def test_a_member_who_does_not_chair_may_not_write_a_minute(meeting, item, social_worker):
    with pytest.raises(PermissionDenied):
        access_agenda_item(social_worker, meeting, item.pk, for_minute=True)


def test_the_meeting_door_brings_its_openers_signature_and_only_theirs(
    meeting, coordinator, social_worker, django_assert_num_queries
):
    services.declaration_sign(meeting=meeting, user=coordinator)
    opened = access_meeting(coordinator, meeting.pk)
    with django_assert_num_queries(0):
        assert selectors.has_signed(user=coordinator, meeting=opened)
    # Another user's signature is asked of the database, not taken from the opener's.
    with django_assert_num_queries(1):
        assert not selectors.has_signed(user=social_worker, meeting=opened)
    assert not selectors.has_signed(
        user=social_worker, meeting=access_meeting(social_worker, meeting.pk)
    )
    services.declaration_sign(meeting=meeting, user=social_worker)
    with django_assert_num_queries(1):
        assert selectors.has_signed(user=social_worker, meeting=opened)


def test_the_item_door_with_the_agenda_hides_what_the_item_door_hides(
    meeting, item, coordinator, social_worker, police_officer
):
    services.agenda_restrict(item=item, user=coordinator, level=Level.L4)
    other = services.agenda_add_case(
        meeting=meeting,
        user=coordinator,
        case=make_case(owner=social_worker, lead_agency=coordinator.profile.agency),
    )
    for user in (coordinator, social_worker):
        with pytest.raises(Http404):
            access_agenda_item_on_agenda(user, meeting, item.pk)
    found, agenda = access_agenda_item_on_agenda(coordinator, meeting, other.pk)
    assert found == other
    assert item not in agenda
    assert other in agenda
    found, agenda = access_agenda_item_on_agenda(police_officer, meeting, item.pk)
    assert found == item
    assert item in agenda
    for missing in (0, -1, 2**63, other.pk + 1000):
        with pytest.raises(Http404):
            access_agenda_item_on_agenda(coordinator, meeting, missing)


def test_the_item_door_with_the_agenda_refuses_and_records_as_the_item_door(
    meeting, item, coordinator, social_worker
):
    before = reads()
    with pytest.raises(PermissionDenied):
        access_agenda_item_on_agenda(social_worker, meeting, item.pk, for_minute=True)
    assert reads() == before
    access_agenda_item_on_agenda(coordinator, meeting, item.pk)
    assert reads() == before + 1
