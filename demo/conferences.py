"""Demo conferences: a bi-weekly series with three past meetings (final minutes) and one
upcoming meeting with a proposed agenda. Idempotent."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from access import policy
from cases.models import Case
from conferences import services
from conferences.models import AgendaItem, ConferenceSeries, Meeting

SERIES_NAME = "Havenstad police-prevention case conference"
MAC_NAME = "Mayor's Advisory Council"

DISCUSSIONS = [
    "School reports fewer absences. Family engaged; father attends the parents' evening.",
    "Contact through the boxing club is going well; online activity still a concern.",
    "No new signals since the last meeting. Mentor meets him weekly.",
    "Partners agree the risk has reduced; keep the review date.",
]


def _redate(meeting: Meeting, starts_at) -> None:
    """Demo only: move a meeting to another date (a meeting just held into the past)."""
    shift = meeting.starts_at - starts_at
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=meeting.starts_at - shift,
        agenda_cutoff=meeting.agenda_cutoff - shift if meeting.agenda_cutoff else None,
        published_at=meeting.published_at - shift if meeting.published_at else None,
        opened_at=meeting.opened_at - shift if meeting.opened_at else None,
        finalised_at=starts_at + timedelta(hours=2) if meeting.finalised_at else None,
    )


def _hold(meeting: Meeting, chair, members, cases: list[Case], index: int) -> None:
    for user in [chair, *members]:
        services.declaration_sign(meeting=meeting, user=user)
    for case in cases:
        services.agenda_add_case(meeting=meeting, user=chair, case=case)
    services.agenda_add_general(meeting=meeting, user=chair, title="Information from partners")
    services.agenda_publish(meeting=meeting, user=chair)
    services.meeting_open(meeting=meeting, user=chair)
    for member in members:
        services.attendance_record(meeting=meeting, user=chair, attendee=member, status="present")
    services.attendance_record(meeting=meeting, user=chair, attendee=chair, status="present")
    review = timezone.localdate() + timedelta(days=28)
    for n, item in enumerate(meeting.items.select_related("case").order_by("order")):
        case = item.case
        decision = AgendaItem.Decision.CONTINUE
        if (
            case is not None
            and case.status == Case.Status.ON_AGENDA
            and (item.status_before == Case.Status.INFORMATION_GATHERING)
        ):
            decision = AgendaItem.Decision.ADOPT
        services.minute_record(
            item=item,
            user=chair,
            decision=decision,
            level=2,
            next_review_date=review,
            discussion=DISCUSSIONS[(index + n) % len(DISCUSSIONS)],
        )
    services.meeting_close(meeting=meeting, user=chair)
    services.minutes_finalise(meeting=meeting, user=chair)


@transaction.atomic
def seed(*, city) -> None:
    if ConferenceSeries.objects.filter(name=SERIES_NAME).exists():
        return
    chair = city.users["coordinator"]
    members = [city.users["social"], city.users["police"], city.users["info"]]
    series = services.series_create(
        user=chair,
        name=SERIES_NAME,
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=chair,
        core_members=members,
        cadence_days=14,
        weekday=1,
        start_time=time(9, 30),
        default_location="Town hall, meeting room 3",
    )
    services.series_create(
        user=chair,
        name=MAC_NAME,
        kind=ConferenceSeries.Kind.MAC,
        chair=chair,
        core_members=[city.users["mayor"], city.users["info"]],
        cadence_days=56,
        weekday=3,
        start_time=time(14, 0),
        default_location="Mayor's office",
    )
    movable = list(
        Case.objects.filter(
            policy.case_filter(chair),
            # Not the cases under review: the demo keeps cases in every status (DESIGN 9).
            status__in=[Case.Status.INFORMATION_GATHERING, Case.Status.ACTIVE_SUPPORT],
        ).order_by("reference")[:9]
    )
    first = services.next_start(series, timezone.now() - timedelta(days=49))
    for index in range(3):
        meeting = (
            series.meetings.filter(status=Meeting.Status.PLANNED).order_by("starts_at").first()
        )
        _hold(meeting, chair, members, movable[index * 3 : index * 3 + 3], index)
        meeting.refresh_from_db()
        _redate(meeting, first + timedelta(days=14 * index))
    upcoming = series.meetings.filter(status=Meeting.Status.PLANNED).order_by("starts_at").first()
    _redate(upcoming, services.next_start(series, timezone.now()))
    upcoming.refresh_from_db()
    services.declaration_sign(meeting=upcoming, user=chair)
    services.agenda_propose(meeting=upcoming, user=chair)
