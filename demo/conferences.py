"""Demo conferences: a bi-weekly series with three past meetings (final minutes) and one
upcoming meeting with a proposed agenda, published, the agencies' checks partly answered and
one recusal, so that the checks, the briefing and the live screen have something to show.
Idempotent."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from access import policy
from cases.models import Case
from conferences import services
from conferences.models import AgencyCheck, AgendaItem, ConferenceSeries, Meeting
from demo.agreements import PROTOCOL
from privacy.models import SharingAgreement

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
    # Both series share under the protocol every agency of the cell signed (issue 18).
    protocol = SharingAgreement.objects.get(title=PROTOCOL)
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
        agreement=protocol,
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
        agreement=protocol,
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
    _prepare(upcoming, chair, social=city.users["social"], police=city.users["police"])


# What each agency answers on the upcoming agenda's cases, in turn: (answer, reason or shared
# text). The police leave the last case unanswered, so the chair sees who has not answered.
SOCIAL_ANSWERS = [
    (AgencyCheck.Answer.SHARED, "Known to the social service: the family asked for help."),
    (AgencyCheck.Answer.NO_TRACE, ""),
    (AgencyCheck.Answer.NOT_RELEVANT, ""),
]
POLICE_ANSWERS = [
    (AgencyCheck.Answer.HELD, "Part of an ongoing investigation; the information officer decides."),
    (AgencyCheck.Answer.NO_TRACE, ""),
    (AgencyCheck.Answer.UNCLEAR, ""),
]


def _prepare(meeting: Meeting, chair, *, social, police) -> None:
    """The upcoming meeting's agenda published; the agencies answer their checks at their usual
    level; the police officer is recused from one item (a declared conflict of interest)."""
    # Publishing puts every case of the agenda "on the agenda": a case under review waits for
    # the meeting after, so that the city keeps a case in every status (DESIGN section 9).
    for item in meeting.items.filter(case__status=Case.Status.UNDER_REVIEW):
        services.agenda_remove(item=item, user=chair)
    if not meeting.items.exists():
        return
    services.agenda_publish(meeting=meeting, user=chair)
    items = list(meeting.items.filter(case__isnull=False).order_by("order"))
    for user, answers in ((social, SOCIAL_ANSWERS), (police, POLICE_ANSWERS)):
        services.declaration_sign(meeting=meeting, user=user)
        answerable = [item for item in items if policy.may_answer_agency_check(user, item)]
        if user == police:
            answerable = answerable[:-1]
        for item, (answer, text) in zip(answerable, answers, strict=False):
            services.agency_check_answer(
                item=item,
                user=user,
                answer=answer,
                level=policy.usual_level(user),
                reason=text if answer == AgencyCheck.Answer.HELD else "",
                entry_text=text if answer == AgencyCheck.Answer.SHARED else "",
            )
    if items:
        services.recusal_record(
            item=items[-1],
            user=chair,
            attendee=police,
            interest="Coaches the young person's football team.",
        )
