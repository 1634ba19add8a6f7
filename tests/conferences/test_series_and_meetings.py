from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conferences import services
from conferences.models import Attendance, ConferenceSeries, Meeting

pytestmark = pytest.mark.clock


def test_a_new_series_has_its_first_meeting_with_the_members_invited(series, social_worker):
    meeting = series.meetings.get()
    assert meeting.starts_at > timezone.now()
    assert timezone.localtime(meeting.starts_at).weekday() == series.weekday
    assert meeting.agenda_cutoff == meeting.starts_at - timedelta(days=series.cutoff_days)
    invited = set(meeting.attendances.values_list("user", flat=True))
    assert invited == set(series.core_members.values_list("pk", flat=True))
    assert social_worker.pk in invited


def test_the_periodic_job_keeps_one_upcoming_meeting_per_series(series, meeting):
    call_command("ensure_upcoming_meetings", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert series.meetings.count() == 1
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=1))
    assert services.meetings_ensure_upcoming() == 1
    upcoming = series.meetings.filter(starts_at__gt=timezone.now()).get()
    assert upcoming.starts_at - meeting.starts_at >= timedelta(days=series.cadence_days - 7)
    assert services.meetings_ensure_upcoming() == 0


def test_only_the_coordinator_creates_a_series(social_worker):
    with pytest.raises(PermissionDenied):
        services.series_create(
            user=social_worker, name="x", kind="ad_hoc", chair=social_worker, core_members=[]
        )


def test_an_ad_hoc_meeting_can_be_called_but_not_in_the_past(series, coordinator):
    meeting = services.meeting_call_ad_hoc(
        series=series, user=coordinator, starts_at=timezone.now() + timedelta(hours=3)
    )
    assert meeting.is_ad_hoc
    with pytest.raises(ValidationError):
        services.meeting_call_ad_hoc(
            series=series, user=coordinator, starts_at=timezone.now() - timedelta(hours=1)
        )


def test_an_agenda_cannot_be_published_after_its_meeting(meeting, coordinator):
    services.agenda_add_general(meeting=meeting, user=coordinator, title="AOB")
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    meeting.refresh_from_db()
    with pytest.raises(ValidationError, match="has started"):
        services.agenda_publish(meeting=meeting, user=coordinator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_an_empty_agenda_is_not_published(meeting, coordinator):
    with pytest.raises(ValidationError, match="empty"):
        services.agenda_publish(meeting=meeting, user=coordinator)


def test_attendance_records_delegates_apologies_and_the_quorum(
    client, meeting, coordinator, social_worker, police_officer
):
    services.attendance_record(
        meeting=meeting, user=coordinator, attendee=coordinator, status="present"
    )
    with pytest.raises(ValidationError):
        services.attendance_record(
            meeting=meeting, user=coordinator, attendee=police_officer, status="delegate"
        )
    services.attendance_record(
        meeting=meeting,
        user=coordinator,
        attendee=social_worker,
        status="apologies",
        information_sent=True,
    )
    client.force_login(coordinator)
    page = client.get(reverse("conferences:attendance", args=[meeting.pk]))
    assert (page.context["quorum"].present, page.context["quorum"].core) == (1, 3)
    assert not page.context["quorum"].reached
    row = Attendance.objects.get(meeting=meeting, user=social_worker)
    assert (row.status, row.information_sent) == ("apologies", True)
    services.attendance_record(
        meeting=meeting, user=coordinator, attendee=police_officer, status="present"
    )
    assert (
        client.get(reverse("conferences:attendance", args=[meeting.pk])).context["quorum"].reached
    )


def test_a_member_who_is_not_chair_cannot_change_the_agenda(client, meeting, social_worker):
    services.declaration_sign(meeting=meeting, user=social_worker)
    client.force_login(social_worker)
    response = client.post(
        reverse("conferences:agenda", args=[meeting.pk]),
        {"action": "add_general", "general-title": "mine"},
    )
    assert response.status_code == 403
    assert not meeting.items.exists()


def test_the_mac_agenda_carries_escalations_not_cases(
    client, coordinator, mayor_office, social_worker
):
    from cases import services as case_services
    from tests.factories import make_case

    mac = services.series_create(
        user=coordinator,
        name="MAC",
        kind=ConferenceSeries.Kind.MAC,
        chair=coordinator,
        core_members=[mayor_office],
    )
    meeting = mac.meetings.get()
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case_services.escalation_raise(
        case=case,
        raised_by=social_worker,
        audience="mayor",
        summary="A closure order is considered",
        decision_requested="Approve the administrative measure",
    )
    services.declaration_sign(meeting=meeting, user=coordinator)
    services.agenda_propose(meeting=meeting, user=coordinator)
    item = meeting.items.get()
    assert item.case is None and item.escalation is not None
    services.declaration_sign(meeting=meeting, user=mayor_office)
    client.force_login(mayor_office)
    body = client.get(reverse("conferences:meeting", args=[meeting.pk])).content.decode()
    assert "A closure order is considered" in body
    assert case.reference not in body
