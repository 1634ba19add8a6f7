"""A guest for one item (finding 3 of issue 14): only the case owner or the coordinator invites
one, and the guest's access ends the day after the meeting, never more than
GUEST_GRANT_MAX_DAYS from today."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from cases.models import CaseUserObjectPermission
from conferences import services
from conferences.models import Attendance, ConferenceSeries
from tests.factories import make_case, make_user


@pytest.fixture
def guest(db):
    return make_user(role=Role.SOCIAL_WORKER)


@pytest.fixture
def case(coordinator, social_worker, police_officer):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.team_add_user(
        case=case, user=police_officer, granted_by=social_worker, reason="conference"
    )
    return case


def chaired_by(chair, coordinator, members) -> ConferenceSeries:
    return services.series_create(
        user=coordinator,
        name=f"Chaired by {chair.username}",
        kind=ConferenceSeries.Kind.CASE_MEETING,
        chair=chair,
        core_members=members,
    )


def ad_hoc(series, coordinator, starts_at):
    return services.meeting_call_ad_hoc(series=series, user=coordinator, starts_at=starts_at)


def grant_of(case, user):
    return CaseUserObjectPermission.objects.filter(content_object=case, user=user).first()


def guest_rows(item, guest) -> tuple:
    return (
        list(CaseUserObjectPermission.objects.filter(user=guest).values()),
        list(Attendance.objects.filter(user=guest).values()),
        type(item).objects.filter(pk=item.pk).values_list("guest_id", flat=True).get(),
    )


def test_a_chair_who_neither_owns_the_case_nor_coordinates_cannot_invite_a_guest(
    coordinator, social_worker, police_officer, case, guest
):
    series = chaired_by(police_officer, coordinator, [social_worker])
    item = services.agenda_add_case(meeting=series.meetings.get(), user=police_officer, case=case)
    before = guest_rows(item, guest)
    with pytest.raises(PermissionDenied):
        services.agenda_invite_guest(item=item, user=police_officer, guest=guest)
    assert guest_rows(item, guest) == before
    assert grant_of(case, guest) is None


def test_the_agenda_page_refuses_a_guest_from_a_chair_who_may_not_invite(
    client, coordinator, social_worker, police_officer, case, guest
):
    series = chaired_by(police_officer, coordinator, [social_worker])
    meeting = series.meetings.get()
    services.declaration_sign(meeting=meeting, user=police_officer)
    item = services.agenda_add_case(meeting=meeting, user=police_officer, case=case)
    client.force_login(police_officer)
    page = client.get(reverse("conferences:agenda", args=[meeting.pk]))
    assert 'value="guest"' not in page.content.decode()
    response = client.post(
        reverse("conferences:agenda", args=[meeting.pk]),
        {"action": "guest", "item": item.pk, "guest": guest.pk},
    )
    assert response.status_code == 403
    assert grant_of(case, guest) is None
    item.refresh_from_db()
    assert item.guest is None


def test_the_case_owner_chairing_invites_a_guest(coordinator, social_worker, case, guest):
    series = chaired_by(social_worker, coordinator, [])
    item = services.agenda_add_case(meeting=series.meetings.get(), user=social_worker, case=case)
    services.agenda_invite_guest(item=item, user=social_worker, guest=guest)
    assert grant_of(case, guest) is not None
    assert Attendance.objects.get(meeting=item.meeting, user=guest).status == "guest"


def test_a_meeting_called_for_2099_grants_a_guest_at_most_seven_days(
    coordinator, series, case, guest
):
    far = timezone.now() + timedelta(days=365 * 73)  # an ad hoc meeting "in 2099"
    meeting = ad_hoc(series, coordinator, far)
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    services.agenda_invite_guest(item=item, user=coordinator, guest=guest)
    assert grant_of(case, guest).expires_on == timezone.localdate() + timedelta(days=7)


def test_the_longest_guest_grant_is_a_setting(settings, coordinator, series, case, guest):
    settings.GUEST_GRANT_MAX_DAYS = 2
    meeting = ad_hoc(series, coordinator, timezone.now() + timedelta(days=20))
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    services.agenda_invite_guest(item=item, user=coordinator, guest=guest)
    assert grant_of(case, guest).expires_on == timezone.localdate() + timedelta(days=2)


def test_a_guest_grant_ends_the_day_after_a_meeting_within_the_cap(
    coordinator, series, case, guest
):
    starts_at = timezone.now() + timedelta(days=2)
    meeting = ad_hoc(series, coordinator, starts_at)
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    services.agenda_invite_guest(item=item, user=coordinator, guest=guest)
    expected = timezone.localtime(starts_at).date() + timedelta(days=1)
    assert expected <= timezone.localdate() + timedelta(days=7)
    assert grant_of(case, guest).expires_on == expected


def test_inviting_a_team_member_as_guest_does_not_shorten_their_access(
    coordinator, series, case, guest
):
    case_services.team_add_user(case=case, user=guest, granted_by=coordinator, reason="team")
    item = services.agenda_add_case(meeting=series.meetings.get(), user=coordinator, case=case)
    services.agenda_invite_guest(item=item, user=coordinator, guest=guest)
    assert grant_of(case, guest).expires_on is None
    item.refresh_from_db()
    assert item.guest == guest


def test_the_coordinator_cannot_invite_a_guest_for_an_item_on_a_case_they_may_not_see(
    coordinator, series, guest
):
    hidden = make_case()
    item = series.meetings.get().items.create(case=hidden, order=10)
    with pytest.raises(PermissionDenied):
        services.agenda_invite_guest(item=item, user=coordinator, guest=guest)
    assert grant_of(hidden, guest) is None
