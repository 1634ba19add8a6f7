"""Writes on conferences: atomic, audited by auditlog, notifications sent after commit."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import Agency, Level
from accounts.types import Actor, User
from cases import services as case_services
from cases.models import Case, ChronologyEntry, Escalation, GrantEvent, StatusChange
from conferences import selectors
from conferences.models import (
    AgencyCheck,
    AgendaItem,
    AgreedAction,
    Amendment,
    Attendance,
    BacklogItem,
    ConferenceSeries,
    DeclarationSignature,
    Meeting,
    MeetingStateChange,
    MinutesApproval,
    Recusal,
)
from conferences.notifications import notify_agenda_published
from core.notifications import send_content_free as _send
from privacy.models import SharingAgreement, SharingDecision

S = Case.Status
D = AgendaItem.Decision
# A case discussed at a conference is "on agenda" from the publication of the agenda.
PUT_ON_AGENDA_FROM: frozenset[str] = frozenset(
    {S.INFORMATION_GATHERING, S.ACTIVE_SUPPORT, S.UNDER_REVIEW, S.ESCALATED}
)


def _require(allowed: bool) -> None:
    """Every write asks the policy here, whoever calls it (a view, a task, a command, a shell)."""
    if not allowed:
        raise PermissionDenied


def _require_chair(user: Actor, series: ConferenceSeries) -> None:
    _require(policy.may_chair(user, series))


def _require_on_item(user: Actor, item: AgendaItem) -> None:
    """The chair, on an item they see: an item hidden from them (restricted above their
    clearance, or on a case they may not see) is refused as if it were not there."""
    _require(policy.may_edit_agenda_item(user, item))


def _require_editable(meeting: Meeting) -> None:
    if meeting.status in (Meeting.Status.FINAL, Meeting.Status.CANCELLED):
        raise ValidationError(_("These minutes are final: add an amendment instead."))


# --- Series and meetings ---------------------------------------------------------------------


def next_start(series: ConferenceSeries, after: datetime) -> datetime:
    """The first meeting slot of the series after `after`: on its weekday, at its time."""
    local = timezone.localtime(after)
    day = local.date() + timedelta(days=1)
    while day.weekday() != series.weekday:
        day += timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, series.start_time))


def _agency_ids_of(users: Iterable[User]) -> set[int]:
    return set(
        Agency.objects.filter(profiles__user__in=[u.pk for u in users]).values_list("pk", flat=True)
    )


def _agency_names(agency_ids: Iterable[int]) -> str:
    return ", ".join(sorted(str(a) for a in Agency.objects.filter(pk__in=list(agency_ids))))


def _agreement_refusal(
    agreement: SharingAgreement | None, agency_ids: Iterable[int], *, not_covering: str
) -> str | None:
    """The policy's answer (conference_agreement_refusal) in words, or None if it allows:
    `not_covering` is the message for an agreement that leaves agencies out, with
    %(agreement)s and %(agencies)s."""
    refusal = policy.conference_agreement_refusal(agreement=agreement, agency_ids=agency_ids)
    if refusal is None:
        return None
    reason, outside = refusal
    if reason == policy.NO_AGREEMENT or agreement is None:
        return _(
            "This series names no sharing agreement: the coordinator must name an agreement "
            "in force that covers every member's agency first."
        )
    if reason == policy.AGREEMENT_NOT_IN_FORCE:
        return _(
            "%(agreement)s is not in force today: nothing new can be shared under it. Name an "
            "agreement in force for the series."
        ) % {"agreement": agreement}
    return not_covering % {"agreement": agreement, "agencies": _agency_names(outside)}


def _members_not_covered() -> str:
    return _(
        "%(agreement)s does not cover %(agencies)s: choose an agreement that does, or other "
        "members."
    )


@transaction.atomic
def series_create(
    *,
    user: Actor,
    name: str,
    kind: str,
    chair: User,
    core_members: Iterable[User],
    cadence_days: int = 14,
    weekday: int = 1,
    start_time: time = time(9, 30),
    default_location: str = "",
    cutoff_days: int = 2,
    agreement: SharingAgreement | None = None,
) -> ConferenceSeries:
    """Under the sharing agreement named, or else the one in force that covers every member's
    agency (issue 18): refused if it is not in force or leaves a member's agency out."""
    if not policy.may_run_conferences(user):
        raise PermissionDenied
    if cadence_days < 1:
        raise ValidationError({"cadence_days": _("A series meets at least every day.")})
    members = set(core_members) | {chair}
    agency_ids = _agency_ids_of(members)
    if agreement is None:
        agreement = policy.disclosure_agreement(agency_ids=agency_ids)
        if agreement is None:
            raise ValidationError(
                {
                    "agreement": _(
                        "No sharing agreement in force covers every member (%(agencies)s): ask "
                        "for one to be signed, or choose other members."
                    )
                    % {"agencies": _agency_names(agency_ids)}
                }
            )
    refusal = _agreement_refusal(agreement, agency_ids, not_covering=_members_not_covered())
    if refusal:
        raise ValidationError({"agreement": refusal})
    series = ConferenceSeries.objects.create(
        name=name,
        kind=kind,
        chair=chair,
        cadence_days=cadence_days,
        weekday=weekday,
        start_time=start_time,
        default_location=default_location,
        cutoff_days=cutoff_days,
        agreement=agreement,
    )
    series.core_members.set(members)
    meeting_ensure_upcoming(series=series)
    return series


@transaction.atomic
def series_set_agreement(
    *, series: ConferenceSeries, user: Actor, agreement: SharingAgreement
) -> ConferenceSeries:
    """The chair (the coordinator chairs every series) names the agreement a series shares
    under (a series from before agreements were named has none, and publishes nothing until
    it has): one in force that covers every core member's agency."""
    _require_chair(user, series)
    locked = ConferenceSeries.objects.select_for_update().get(pk=series.pk)
    members = set(locked.core_members.all()) | {locked.chair}
    refusal = _agreement_refusal(
        agreement, _agency_ids_of(members), not_covering=_members_not_covered()
    )
    if refusal:
        raise ValidationError({"agreement": refusal})
    locked.agreement = agreement
    locked.save(update_fields=["agreement"])
    return locked


def _require_table_covered(meeting: Meeting) -> None:
    """Case information reaches the table when the agenda is published and is talked through
    when the meeting opens: both only under the series' agreement, in force that day and
    covering the agency of everyone at the table (core members, attendees and guests)."""
    series = meeting.series
    at_table = (
        Q(conference_series=series)
        | Q(pk=series.chair_id)
        | Q(attendances__meeting=meeting)
        | Q(guest_items__meeting=meeting)
    )
    agency_ids = set(
        Agency.objects.filter(
            profiles__user__in=User.objects.filter(at_table).values("pk")
        ).values_list("pk", flat=True)
    )
    refusal = _agreement_refusal(
        series.agreement,
        agency_ids,
        not_covering=_(
            "%(agreement)s does not cover %(agencies)s, whose people sit at this meeting: name "
            "an agreement for the series that covers them, or take them off the meeting."
        ),
    )
    if refusal:
        raise ValidationError(refusal)


def _new_meeting(series: ConferenceSeries, starts_at: datetime, *, ad_hoc: bool = False) -> Meeting:
    meeting = Meeting.objects.create(
        series=series,
        starts_at=starts_at,
        location=series.default_location,
        agenda_cutoff=starts_at - timedelta(days=series.cutoff_days),
        is_ad_hoc=ad_hoc,
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user=member) for member in series.core_members.all()]
    )
    return meeting


@transaction.atomic
def meeting_ensure_upcoming(
    *, series: ConferenceSeries, now: datetime | None = None
) -> Meeting | None:
    """Make sure the series has a meeting to come. Idempotent: returns None if it has one."""
    now = now or timezone.now()
    if not series.is_active:
        return None
    locked = ConferenceSeries.objects.select_for_update().get(pk=series.pk)
    upcoming = locked.meetings.filter(starts_at__gt=now, is_ad_hoc=False).exclude(
        status__in=[Meeting.Status.CANCELLED, Meeting.Status.FINAL]
    )
    if upcoming.exists():
        return None
    last = locked.meetings.filter(is_ad_hoc=False).aggregate(m=Max("starts_at"))["m"]
    after = max(now, last + timedelta(days=locked.cadence_days - 1)) if last else now
    return _new_meeting(locked, next_start(locked, after))


def meetings_ensure_upcoming() -> int:
    """For every active series (the periodic job)."""
    created = 0
    for series in ConferenceSeries.objects.filter(is_active=True):
        created += meeting_ensure_upcoming(series=series) is not None
    return created


@transaction.atomic
def meeting_call_ad_hoc(
    *, series: ConferenceSeries, user: Actor, starts_at: datetime, location: str = ""
) -> Meeting:
    _require_chair(user, series)
    if starts_at < timezone.now():
        raise ValidationError({"starts_at": _("An ad hoc meeting is called for the future.")})
    meeting = _new_meeting(series, starts_at, ad_hoc=True)
    if location:
        meeting.location = location
        meeting.save(update_fields=["location"])
    return meeting


# --- Agenda ----------------------------------------------------------------------------------


def _next_order(meeting: Meeting) -> int:
    return (meeting.items.aggregate(m=Max("order"))["m"] or 0) + 10


def _require_agenda_open(meeting: Meeting) -> None:
    _require_editable(meeting)
    if meeting.status == Meeting.Status.CLOSED:
        raise ValidationError(_("The meeting is closed: its agenda can no longer change."))
    if meeting.starts_at < timezone.now() - timedelta(hours=12) and meeting.status == "planned":
        raise ValidationError(_("This meeting is over; its agenda can no longer change."))


@transaction.atomic
def agenda_add_case(
    *,
    meeting: Meeting,
    user: Actor,
    case: Case,
    reason: str = AgendaItem.Reason.ADDED,
    detail: str = "",
    escalation: Escalation | None = None,
    carried_from: AgendaItem | None = None,
) -> AgendaItem:
    _require_chair(user, meeting.series)
    _require_agenda_open(meeting)
    if not Case.objects.filter(policy.case_filter(user), pk=case.pk).exists():
        raise ValidationError({"reference": _("No case with this reference that you can see.")})
    if policy.case_is_restricted(case):
        raise _restricted_case_refusal("reference")
    if escalation is not None:
        _require_escalation_visible(user, escalation)
    if carried_from is not None:
        _require(carried_from.case_id == case.pk and policy.may_see_agenda_item(user, carried_from))
    if carried_from is not None:
        # Taken off the series' backlog, if it waited there (issue 17).
        waiting = BacklogItem.objects.filter(
            series_id=meeting.series_id, case=case, taken_at__isnull=True
        )
        for entry in waiting:  # one at most; saved one by one, so the audit log sees it
            entry.taken_at = timezone.now()
            entry.save(update_fields=["taken_at"])
    try:
        with transaction.atomic():
            return AgendaItem.objects.create(
                meeting=meeting,
                case=case,
                reason=reason,
                reason_detail=detail,
                escalation=escalation,
                carried_from=carried_from,
                # A restricted item stays restricted when it is carried over.
                restricted_to_level=carried_from.restricted_to_level if carried_from else None,
                order=_next_order(meeting),
            )
    except IntegrityError as exc:
        raise ValidationError({"reference": _("This case is already on the agenda.")}) from exc


def _restricted_case_refusal(field: str | None = None) -> ValidationError:
    """Discussing a case at a conference is processing it: not while that is restricted (a
    subject's right, privacy.subject_rights)."""
    message = _(
        "Processing of this case is restricted: it cannot go on an agenda until the "
        "restriction is lifted."
    )
    return ValidationError({field: message} if field else message)


def _require_escalation_visible(user: Actor, escalation: Escalation) -> None:
    _require(Escalation.objects.filter(policy.escalation_filter(user), pk=escalation.pk).exists())


@transaction.atomic
def agenda_add_escalation(*, meeting: Meeting, user: Actor, escalation: Escalation) -> AgendaItem:
    """A MAC item: the escalation written for the mayor, without the case."""
    _require_chair(user, meeting.series)
    _require_agenda_open(meeting)
    _require_escalation_visible(user, escalation)
    return AgendaItem.objects.create(
        meeting=meeting,
        escalation=escalation,
        reason=AgendaItem.Reason.ESCALATION,
        reason_detail=escalation.audience,
        order=_next_order(meeting),
    )


@transaction.atomic
def agenda_add_general(*, meeting: Meeting, user: Actor, title: str) -> AgendaItem:
    _require_chair(user, meeting.series)
    _require_agenda_open(meeting)
    if not title.strip():
        raise ValidationError({"title": _("Give the item a title.")})
    return AgendaItem.objects.create(meeting=meeting, title=title, order=_next_order(meeting))


@transaction.atomic
def agenda_propose(*, meeting: Meeting, user: Actor) -> list[AgendaItem]:
    """Add every proposal the application makes to the agenda, with its reason."""
    _require_chair(user, meeting.series)
    _require_agenda_open(meeting)
    added = []
    for proposal in selectors.agenda_proposals(user=user, meeting=meeting):
        if proposal.case is not None:
            added.append(
                agenda_add_case(
                    meeting=meeting,
                    user=user,
                    case=proposal.case,
                    reason=proposal.reason,
                    detail=proposal.detail,
                    escalation=proposal.escalation,
                    carried_from=proposal.carried_from,
                )
            )
        elif proposal.escalation is not None:  # a MAC item: the escalation without its case
            added.append(
                agenda_add_escalation(meeting=meeting, user=user, escalation=proposal.escalation)
            )
    return added


@transaction.atomic
def agenda_remove(*, item: AgendaItem, user: Actor) -> None:
    _require_on_item(user, item)
    _require_agenda_open(item.meeting)
    if item.decision:
        raise ValidationError(_("This item has a decision: it stays in the minutes."))
    item.delete()


@transaction.atomic
def agenda_move(*, item: AgendaItem, user: Actor, up: bool) -> None:
    _require_on_item(user, item)
    _require_agenda_open(item.meeting)
    items = list(item.meeting.items.order_by("order", "pk"))
    index = items.index(item)
    other = index - 1 if up else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        if each.order != position * 10:
            each.order = position * 10
            each.save(update_fields=["order"])


@transaction.atomic
def agenda_restrict(*, item: AgendaItem, user: Actor, level: int | None) -> AgendaItem:
    _require_on_item(user, item)
    _require_agenda_open(item.meeting)
    if level is not None and level not in (Level.L2, Level.L3, Level.L4):
        raise ValidationError(
            {
                # Django's own message, in Django's own catalogues.
                "level": _("Select a valid choice. %(value)s is not one of the available choices.")
                % {"value": level}
            }
        )
    item.restricted_to_level = level
    item.save(update_fields=["restricted_to_level"])
    return item


# The longest an item may be given on the agenda: a conference hears 12-16 cases.
MAX_TIME_BUDGET_MINUTES = 120


@transaction.atomic
def agenda_set_time_budget(*, item: AgendaItem, user: Actor, minutes: int) -> AgendaItem:
    """How long the table gives an item, set by the chair while the agenda is prepared (in
    preparation or published, not once the meeting opened); the live screen's clock runs
    against it."""
    _require_on_item(user, item)
    _require_agenda_open(item.meeting)
    if item.meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.PUBLISHED):
        raise ValidationError(_("The time for an item is set while the agenda is prepared."))
    if not 1 <= minutes <= MAX_TIME_BUDGET_MINUTES:
        raise ValidationError(
            {
                "minutes": _("Give between 1 and %(most)d minutes.")
                % {"most": MAX_TIME_BUDGET_MINUTES}
            }
        )
    item.time_budget_minutes = minutes
    item.save(update_fields=["time_budget_minutes"])
    return item


@transaction.atomic
def agenda_invite_guest(*, item: AgendaItem, user: Actor, guest: User) -> AgendaItem:
    """A guest for one item joins the case team until the day after the meeting, and never
    longer than the policy allows. Only the case owner or the coordinator invites one."""
    meeting = item.meeting
    _require_chair(user, meeting.series)
    if item.case is None:
        raise ValidationError(_("Guests are invited for a case item."))
    _require(policy.may_invite_guest(user, item))
    _require_agenda_open(meeting)
    refusal = _agreement_refusal(
        meeting.series.agreement,
        _agency_ids_of([guest]),
        not_covering=_(
            "%(agreement)s, under which this series shares, does not cover %(agencies)s: "
            "invite someone from an agency it covers."
        ),
    )
    if refusal:
        raise ValidationError({"guest": refusal})
    ends_on = policy.guest_grant_ends_on(meeting)
    if ends_on < timezone.localdate():
        raise ValidationError(_("This meeting is over; its agenda can no longer change."))
    current = item.case.caseuserobjectpermission_set.filter(
        user=guest, permission__codename=policy.VIEW_CASE
    ).first()
    # A member of the team already reads the case for longer: the invitation leaves that be.
    if current is None or (current.expires_on is not None and current.expires_on < ends_on):
        case_services.team_add_user(
            case=item.case,
            user=guest,
            granted_by=user,
            event=GrantEvent.CONFERENCE_GUEST,
            params={"day": timezone.localtime(meeting.starts_at).date().isoformat()},
            expires_on=ends_on,
        )
    Attendance.objects.get_or_create(
        meeting=meeting, user=guest, defaults={"status": Attendance.Status.GUEST}
    )
    item.guest = guest
    item.save(update_fields=["guest"])
    return item


@transaction.atomic
def agenda_set_cutoff(*, meeting: Meeting, user: Actor, cutoff: datetime) -> Meeting:
    _require_chair(user, meeting.series)
    _require_agenda_open(meeting)
    if cutoff > meeting.starts_at:
        raise ValidationError({"cutoff": _("The cut-off must come before the meeting.")})
    meeting.agenda_cutoff = cutoff
    meeting.save(update_fields=["agenda_cutoff"])
    return meeting


@transaction.atomic
def agenda_publish(*, meeting: Meeting, user: Actor) -> Meeting:
    _require_chair(user, meeting.series)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.starts_at <= timezone.now():
        raise ValidationError(_("The meeting has started: its agenda can no longer be published."))
    if locked.status != Meeting.Status.PLANNED:
        raise ValidationError(_("This agenda is already published."))
    if not locked.items.exists():
        raise ValidationError(_("The agenda is empty."))
    _require_table_covered(locked)
    # A case the publisher may not see (put on by another chair) keeps its status: they may
    # not change it, and refusing would tell them it is there.
    visible = set(
        Case.objects.filter(policy.case_filter(user), agenda_items__meeting=locked).values_list(
            "pk", flat=True
        )
    )
    for item in locked.items.select_related("case").filter(case__isnull=False):
        if item.case is None:  # none on this query: for the type checker
            continue
        item.status_before = item.case.status
        item.save(update_fields=["status_before"])
        if item.case.status in PUT_ON_AGENDA_FROM and item.case_id in visible:
            case_services.case_change_status(
                case=item.case,
                user=user,
                to_status=S.ON_AGENDA,
                event=StatusChange.Event.PUT_ON_AGENDA,
                params={"day": timezone.localtime(locked.starts_at).date().isoformat()},
                expected_version=item.case.version,
            )
    locked.published_at = timezone.now()
    _move(locked, Meeting.Status.PUBLISHED, user)
    notify_agenda_published.delay_on_commit(locked.pk)
    return locked


@transaction.atomic
def meeting_open(*, meeting: Meeting, user: Actor) -> Meeting:
    """Agenda published -> in session: the chair's live screen records outcomes from now on,
    and the first item the chair sees is put on the table."""
    _require(policy.may_run_meeting(user, meeting))
    refusal = _("This meeting cannot be opened now.")
    locked = _lock_in_state(meeting, Meeting.Status.OPEN, refusal)
    if locked.status != Meeting.Status.PUBLISHED:  # a closed one is reopened, with a reason
        raise ValidationError(refusal)
    _require_table_covered(locked)
    locked.opened_at = locked.opened_at or timezone.now()
    first = selectors.live_agenda(user=user, meeting=locked).first()
    _put_on_table(locked, first)
    return _move(locked, Meeting.Status.OPEN, user)


# --- Attendance and confidentiality ----------------------------------------------------------


@transaction.atomic
def declaration_sign(*, meeting: Meeting, user: Actor) -> DeclarationSignature:
    _require(policy.may_see_meeting(user, meeting))
    signature, _created = DeclarationSignature.objects.get_or_create(
        meeting=meeting,
        user=user,
        defaults={"version": settings.CONFIDENTIALITY_DECLARATION_VERSION},
    )
    if signature.version != settings.CONFIDENTIALITY_DECLARATION_VERSION:
        signature.version = settings.CONFIDENTIALITY_DECLARATION_VERSION
        signature.save()
    return signature


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    user: Actor,
    attendee: User,
    status: str,
    information_sent: bool = False,
    delegate_for: User | None = None,
) -> Attendance:
    _require_chair(user, meeting.series)
    _require_editable(meeting)
    if status not in Attendance.Status.values:
        raise ValidationError({"status": _("Choose how they attend.")})
    if status == Attendance.Status.DELEGATE and delegate_for is None:
        raise ValidationError({"delegate_for": _("Say whom the delegate stands in for.")})
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        user=attendee,
        defaults={
            "status": status,
            "information_sent": information_sent and status == Attendance.Status.APOLOGIES,
            "delegate_for": delegate_for if status == Attendance.Status.DELEGATE else None,
        },
    )
    return row


# --- Minutes ---------------------------------------------------------------------------------


def _as_written(label: str | Promise) -> str:
    """A label as written in the code: stored in the history, translated when read."""
    with translation.override(None):
        return str(label)


def _case_status_for(item: AgendaItem, decision: str) -> str | None:
    case = item.case
    if case is None:
        return None
    if decision == D.ADOPT:
        return S.ACTIVE_SUPPORT
    if decision in (D.CLOSE, D.REFER_ON, D.NO_FURTHER_ACTION):
        return S.CLOSED
    if decision == D.ESCALATE:
        return S.ESCALATED
    if decision == D.CONTINUE and case.status == S.ON_AGENDA:
        before = item.status_before
        if (
            before
            and before != S.ON_AGENDA
            and before in case_services.ALLOWED_TRANSITIONS[S.ON_AGENDA]
        ):
            return before
        return S.INFORMATION_GATHERING if before == S.INFORMATION_GATHERING else None
    return None


@transaction.atomic
def minute_record(
    *,
    item: AgendaItem,
    user: Actor,
    discussion: str,
    decision: str,
    level: int = 2,
    next_review_date: date | None = None,
    closure_reason: str = "",
    actions: list[dict] | None = None,
    expected_version: int | None = None,
) -> AgendaItem:
    """Write the minute of an item; the decision moves the case and creates its actions.
    The writer replaces the minute the item has: only one they may read (finding 1 of #14).
    Outcomes only while the meeting is in session; once closed, only the text of a decided
    minute (minutes in draft). expected_version: the minute's version the writer started
    from; a newer one is refused (MinuteConflict), so nobody overwrites another's words."""
    # Read the minute being replaced under a lock, not as the caller last saw it (the item's
    # row only: finalising locks the meeting, then the series).
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__series")
        .get(pk=item.pk)
    )
    meeting = item.meeting
    if not policy.may_record_minute(user, item):
        _require(policy.may_replace_minute(user, item))
        raise ValidationError(case_services.RESTRICTED)
    _require_editable(meeting)
    _require_outcomes_open(meeting, item, decision=decision, actions=actions)
    if expected_version is not None and item.version != expected_version:
        raise MinuteConflict(current=item)
    if level not in policy.writable_levels(user):
        raise ValidationError({"level": _("You cannot write at this level.")})
    if decision not in D.values:
        raise ValidationError({"decision": _("Choose the decision.")})
    if item.decision and item.case_id and decision != item.decision:
        raise ValidationError(
            {
                "decision": _(
                    "The decision was already applied to the case. "
                    "Correct it with a new status change."
                )
            }
        )
    item.discussion = discussion
    item.minute_level = level
    item.minute_agency_id = policy.agency_id_of(user)
    item.minuted_by = user
    item.minuted_at = timezone.now()
    already_applied = bool(item.decision)
    item.decision = decision
    item.version += 1
    item.save()
    if item.case_id and not already_applied:
        target = _case_status_for(item, decision)
        case = Case.objects.get(pk=item.case_id)
        if target and target != case.status:
            if decision == D.REFER_ON:
                closure_reason = Case.ClosureReason.TRANSFERRED
            case_services.case_change_status(
                case=case,
                user=user,
                to_status=target,
                event=StatusChange.Event.CONFERENCE_DECISION,
                params={"decision": _as_written(D(decision).label)},
                expected_version=case.version,
                next_review_date=next_review_date,
                closure_reason=closure_reason,
            )
        for action in actions or []:
            agreed = case_services.action_add(case=case, created_by=user, **action)
            # The minutes list the actions agreed at the item (minutes_document).
            AgreedAction.objects.create(item=item, action=agreed)
    return item


@transaction.atomic
def minutes_finalise(*, meeting: Meeting, user: Actor) -> Meeting:
    """Items the chair may not see do not count, nor stop them: saying how many there are
    would tell of them. Left undecided, they are carried over (restricted as they were) to the
    next meeting, where a chair who sees them decides."""
    _require(policy.may_run_meeting(user, meeting))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_editable(locked)
    if locked.status != Meeting.Status.CLOSED:
        raise ValidationError(_("Close the meeting before you finalise its minutes."))
    undecided = locked.items.filter(
        policy.agenda_item_filter(user), decision="", moved_to=""
    ).count()
    if undecided:
        raise ValidationError(
            _(
                "%(n)d item(s) have no decision yet. Record one for every item (use "
                "“Continue” to carry an item over)."
            )
            % {"n": undecided}
        )
    locked.finalised_at = timezone.now()
    locked.finalised_by = user
    _move(locked, Meeting.Status.FINAL, user)
    # Items to continue are carried over to the next meeting of the series.
    next_meeting = meeting_ensure_upcoming(series=locked.series) or (
        locked.series.meetings.filter(starts_at__gt=locked.starts_at, is_ad_hoc=False)
        .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.FINAL])
        .order_by("starts_at")
        .first()
    )
    if next_meeting and next_meeting.status == Meeting.Status.PLANNED:
        # Not a case whose processing is now restricted (agenda_add_case): the agenda's
        # proposals offer it again once the restriction is lifted.
        to_carry = locked.items.filter(
            Q(decision=D.CONTINUE) | Q(decision=""),
            policy.unrestricted_case_filter("case_id"),
            case__isnull=False,
            moved_to="",
        ).exclude(case__in=next_meeting.items.filter(case__isnull=False).values("case"))
        for item in to_carry:
            AgendaItem.objects.create(
                meeting=next_meeting,
                case_id=item.case_id,
                reason=AgendaItem.Reason.CARRIED_OVER,
                carried_from=item,
                restricted_to_level=item.restricted_to_level,
                order=_next_order(next_meeting),
            )
    return locked


@transaction.atomic
def amendment_add(
    *, item: AgendaItem, user: Actor, text: str, reason: str, level: int = 2
) -> Amendment:
    if not policy.may_amend_item(user, item):
        _require_on_item(user, item)
        raise ValidationError(case_services.RESTRICTED)
    if item.meeting.status != Meeting.Status.FINAL:
        raise ValidationError(_("The minutes are not final yet: edit the item itself."))
    errors = {}
    if not text.strip():
        errors["text"] = _("Write the amendment.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the amendment.")
    if level not in policy.writable_levels(user):
        errors["level"] = _("You cannot write at this level.")
    if errors:
        raise ValidationError(errors)
    return Amendment.objects.create(
        item=item,
        text=text,
        reason=reason,
        level=level,
        agency_id=policy.writer_agency_id(user),
        written_by=user,
    )


# --- Minutes approval (issue 17, part 7) ---------------------------------------------------------


@transaction.atomic
def minutes_approve(*, meeting: Meeting, user: Actor) -> MinutesApproval:
    """The chair approves the final minutes as a true record (of what they may read of them:
    as finalising, items hidden from them neither count nor stop them). Minutes amended since
    the last approval are approved again; otherwise once is enough."""
    _require(policy.may_approve_minutes(user, meeting))
    locked = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    if locked.status != Meeting.Status.FINAL:
        raise ValidationError(_("Finalise the minutes before approving them."))
    if not selectors.has_signed(user=user, meeting=locked):
        raise ValidationError(_("Sign the confidentiality declaration first."))
    latest = locked.approvals.first()
    if latest is not None and not selectors.amended_since(
        user=user, meeting=locked, when=latest.approved_at
    ):
        raise ValidationError(_("These minutes are approved; they have not been amended since."))
    return MinutesApproval.objects.create(
        meeting=locked, approved_by=user, approved_at=timezone.now()
    )


# --- Live meeting (issue 17): states, the item on the table, outcomes, moves -----------------


class MinuteConflict(Exception):
    """Someone else saved this minute since the writer loaded it."""

    def __init__(self, current: AgendaItem) -> None:
        super().__init__("The minute was changed by someone else.")
        self.current = current


def _require_outcomes_open(
    meeting: Meeting, item: AgendaItem, *, decision: str, actions: list[dict] | None
) -> None:
    """Outcomes are recorded in session; a closed meeting's minutes are a draft whose text may
    still change, never its outcomes."""
    if meeting.status == Meeting.Status.OPEN:
        return
    if meeting.status == Meeting.Status.CLOSED:
        if item.decision and decision == item.decision and not actions:
            return
        raise ValidationError(
            _(
                "The meeting is closed: only the text of a decided minute can still change. "
                "Reopen the meeting to record outcomes."
            )
        )
    raise ValidationError(_("Outcomes are recorded while the meeting is in session."))


def _lock_in_state(meeting: Meeting, to_status: str, refusal: str) -> Meeting:
    """The meeting's row, locked, if its life allows `to_status` next; else the refusal."""
    locked = Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)
    if not locked.may_become(to_status):
        raise ValidationError(refusal)
    return locked


def _move(meeting: Meeting, to_status: str, user: Actor, reason: str = "") -> Meeting:
    """Save the meeting in its new state and keep the step as a history row."""
    from_status = meeting.status
    meeting.status = to_status
    meeting.save()
    MeetingStateChange.objects.create(
        meeting=meeting,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        changed_by=user,
    )
    return meeting


def _put_on_table(meeting: Meeting, item: AgendaItem | None) -> None:
    meeting.current_item = item
    meeting.current_item_since = timezone.now() if item is not None else None


@transaction.atomic
def meeting_close(*, meeting: Meeting, user: Actor) -> Meeting:
    """In session -> closed: no more outcomes; the minutes are a draft until finalised."""
    _require(policy.may_run_meeting(user, meeting))
    locked = _lock_in_state(
        meeting, Meeting.Status.CLOSED, _("Only a meeting in session can be closed.")
    )
    locked.closed_at = timezone.now()
    _put_on_table(locked, None)
    return _move(locked, Meeting.Status.CLOSED, user)


@transaction.atomic
def meeting_reopen(*, meeting: Meeting, user: Actor, reason: str) -> Meeting:
    """Closed -> in session again, with the chair's reason, kept in the meeting's history."""
    _require(policy.may_run_meeting(user, meeting))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the meeting.")})
    locked = _lock_in_state(
        meeting, Meeting.Status.OPEN, _("Only a closed meeting can be reopened.")
    )
    if locked.status != Meeting.Status.CLOSED:
        raise ValidationError(_("Only a closed meeting can be reopened."))
    locked.closed_at = None
    return _move(locked, Meeting.Status.OPEN, user, reason=reason.strip())


@transaction.atomic
def meeting_set_current_item(*, meeting: Meeting, user: Actor, item: AgendaItem) -> Meeting:
    """Put an item on the table: attendees' screens follow. Only an item the chair sees, of
    this meeting, still on it, while the meeting is in session."""
    _require(policy.may_run_meeting(user, meeting))
    _require(item.meeting_id == meeting.pk and policy.may_see_agenda_item(user, item))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status != Meeting.Status.OPEN:
        raise ValidationError(_("Outcomes are recorded while the meeting is in session."))
    if item.moved_to:
        raise ValidationError(_("This item was moved off the agenda."))
    if locked.current_item_id != item.pk:
        _put_on_table(locked, item)
        locked.save(update_fields=["current_item", "current_item_since"])
    return locked


@transaction.atomic
def live_outcome_record(
    *,
    item: AgendaItem,
    user: Actor,
    expected_version: int,
    discussion: str,
    decision: str,
    level: int,
    next_review_date: date | None = None,
    closure_reason: str = "",
    risk_level: str = "",
    actions: list[dict] | None = None,
) -> AgendaItem:
    """The outcome typed on the chair's live screen: the minute (information and decision,
    minute_record), the actions agreed, the risk re-scored (before and after kept on the
    item) and the next review date, written to the case through its services."""
    _require(policy.may_edit_agenda_item(user, item))
    if item.meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("Outcomes are recorded while the meeting is in session."))
    if risk_level and risk_level not in Case.RiskLevel.values:
        raise ValidationError({"risk_level": _("Choose a risk level from the list.")})
    item = minute_record(
        item=item,
        user=user,
        discussion=discussion,
        decision=decision,
        level=level,
        next_review_date=next_review_date,
        closure_reason=closure_reason,
        actions=actions,
        expected_version=expected_version,
    )
    if item.case_id is None:
        return item
    case = Case.objects.get(pk=item.case_id)
    changes: dict = {}
    if risk_level:
        item.risk_before = item.risk_before or case.risk_level
        item.risk_after = risk_level
        item.save(update_fields=["risk_before", "risk_after"])
        if risk_level != case.risk_level:
            changes["risk_level"] = risk_level
    if next_review_date and case.is_open and case.next_review_date != next_review_date:
        changes["next_review_date"] = next_review_date
    if changes:
        case_services.case_update(case=case, user=user, expected_version=case.version, **changes)
    return item


def _next_meeting_of(meeting: Meeting) -> Meeting | None:
    """The next meeting of the series whose agenda can still take an item; the series' next
    slot is called if it has none yet."""
    later = meeting.series.meetings.filter(starts_at__gt=meeting.starts_at, is_ad_hoc=False)
    target = (
        later.filter(status__in=[Meeting.Status.PLANNED, Meeting.Status.PUBLISHED])
        .order_by("starts_at")
        .first()
    )
    if target is None and not later.exists():
        after = meeting.starts_at + timedelta(days=meeting.series.cadence_days - 1)
        target = _new_meeting(meeting.series, next_start(meeting.series, after))
    return target


@transaction.atomic
def item_move(*, item: AgendaItem, user: Actor, to: str) -> AgendaItem | BacklogItem:
    """The chair moves an undecided item off this meeting: to the next meeting's agenda, or to
    the series' backlog. Its restriction goes with it; the item stays, marked as moved."""
    _require(policy.may_edit_agenda_item(user, item))
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    meeting = Meeting.objects.select_related("series").get(pk=item.meeting_id)
    if meeting.status != Meeting.Status.OPEN:
        raise ValidationError(_("Outcomes are recorded while the meeting is in session."))
    if to not in AgendaItem.MovedTo.values:
        raise ValidationError({"to": _("Choose where the item goes.")})
    if item.decision or item.moved_to:
        raise ValidationError(_("This item has a decision: it stays in the minutes."))
    moved: AgendaItem | BacklogItem
    if to == AgendaItem.MovedTo.NEXT_MEETING:
        if item.case is not None and policy.case_is_restricted(item.case):
            raise _restricted_case_refusal()
        target = _next_meeting_of(meeting)
        if target is None:
            raise ValidationError(_("The series has no next meeting to move the item to."))
        already = item.case_id and target.items.filter(case_id=item.case_id).first()
        moved = already or AgendaItem.objects.create(
            meeting=target,
            case_id=item.case_id,
            escalation_id=item.escalation_id,
            title=item.title,
            reason=AgendaItem.Reason.CARRIED_OVER,
            carried_from=item,
            restricted_to_level=item.restricted_to_level,
            order=_next_order(target),
        )
    else:
        moved = BacklogItem.objects.create(
            series=meeting.series,
            case_id=item.case_id,
            escalation_id=item.escalation_id,
            title=item.title,
            restricted_to_level=item.restricted_to_level,
            moved_from=item,
            moved_by=user,
        )
    item.moved_to = to
    item.version += 1
    item.save(update_fields=["moved_to", "version"])
    if meeting.current_item_id == item.pk:
        following = selectors.live_next_item(user=user, meeting=meeting, after=item)
        _put_on_table(meeting, following)
        meeting.save(update_fields=["current_item", "current_item_since"])
    return moved


# --- Reminders -------------------------------------------------------------------------------


def _mark_sent(meeting: Meeting, kind: str) -> bool:
    """Record that a reminder went out; False if it already had (so each goes out once)."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if kind in locked.reminders_sent:
            return False
        locked.reminders_sent = [*locked.reminders_sent, kind]
        locked.save(update_fields=["reminders_sent"])
        return True


def reminders_send(*, now: datetime) -> int:
    """Content-free reminders; safe to run as often as wanted."""
    sent = 0
    for meeting in selectors.meetings_needing_reminder(kind="cutoff", now=now):
        if _mark_sent(meeting, "cutoff"):
            sent += _send(
                {meeting.series.chair.email},
                gettext_lazy("Agenda cut-off approaching"),
                gettext_lazy("The agenda cut-off of a conference you chair is within a day."),
            )
    for meeting in selectors.meetings_needing_reminder(kind="tomorrow", now=now):
        if _mark_sent(meeting, "tomorrow"):
            sent += _send(
                {u.email for u in selectors.meeting_members(meeting=meeting)},
                gettext_lazy("Conference tomorrow"),
                gettext_lazy("A conference you attend meets tomorrow. Sign in for the agenda."),
            )
        if _mark_sent(meeting, "actions"):
            owners = selectors.action_owners_due_before(meeting=meeting)
            sent += _send(
                {o.email for o in owners},
                gettext_lazy("Actions due before the conference"),
                gettext_lazy(
                    "You have open actions due before the next conference. Sign in to see them."
                ),
            )
    return sent


# --- Attendance on one screen and recusals (issue 17, part 4) --------------------------------


def _attendance_errors(meeting: Meeting, row: dict) -> dict[str, str]:
    status = row.get("status")
    errors = {}
    if status not in Attendance.Status.values:
        errors["status"] = _("Choose how they attend.")
    elif status == Attendance.Status.DELEGATE:
        stands_in_for = row.get("delegate_for")
        if stands_in_for is None:
            errors["delegate_for"] = _("Say whom the delegate stands in for.")
        elif (
            stands_in_for == row["attendee"]
            or not meeting.series.core_members.filter(pk=stands_in_for.pk).exists()
        ):
            errors["delegate_for"] = _("A delegate stands in for another core member.")
    return errors


@transaction.atomic
def attendance_record_all(*, meeting: Meeting, user: Actor, rows: list[dict]) -> int:
    """Record everyone's attendance in one go (each row: attendee, status, information_sent,
    delegate_for). Only those invited (selectors.invitees); all or nothing: a row in error
    stops them all, as ValidationError({"<row index>-<field>": message}). Rows that change
    nothing are not written. Returns how many were."""
    _require_chair(user, meeting.series)
    _require_editable(meeting)
    invited = {row.user_id: row for row in selectors.invitees(meeting=meeting)}
    errors = {}
    for index, row in enumerate(rows):
        row_errors = _attendance_errors(meeting, row)
        if row["attendee"].pk not in invited:
            row_errors["attendee"] = _("Only those invited are recorded here.")
        errors.update({f"{index}-{field}": message for field, message in row_errors.items()})
    if errors:
        raise ValidationError(errors)
    written = 0
    for row in rows:
        status = row["status"]
        information_sent = (
            bool(row.get("information_sent")) and status == Attendance.Status.APOLOGIES
        )
        delegate_for = row.get("delegate_for") if status == Attendance.Status.DELEGATE else None
        current = invited[row["attendee"].pk]
        unchanged = (
            current.status == status
            and current.information_sent == information_sent
            and current.delegate_for_id == (delegate_for.pk if delegate_for else None)
        )
        if unchanged:
            continue
        current.status = status
        current.information_sent = information_sent
        current.delegate_for = delegate_for
        current.save()
        written += 1
    return written


def _invited_ids(meeting: Meeting) -> set[int]:
    return {row.user_id for row in selectors.invitees(meeting=meeting)}


@transaction.atomic
def recusal_record(*, item: AgendaItem, user: Actor, attendee: User, interest: str = "") -> Recusal:
    """A declared conflict of interest: the attendee is recused from the item, which is hidden
    from them from now on (access.policy.agenda_item_filter) and listed in the minutes."""
    _require(policy.may_record_recusal(user, item))
    _require_editable(item.meeting)
    if attendee.pk not in _invited_ids(item.meeting) and item.guest_id != attendee.pk:
        raise ValidationError({"attendee": _("Only someone invited to the meeting is recused.")})
    if Recusal.objects.filter(item=item, user=attendee, withdrawn_at__isnull=True).exists():
        raise ValidationError({"attendee": _("They are already recused from this item.")})
    return Recusal.objects.create(
        item=item,
        user=attendee,
        interest=interest.strip(),
        declared_at=timezone.now(),
        recorded_by=user,
    )


@transaction.atomic
def recusal_withdraw(*, recusal: Recusal, user: Actor, reason: str) -> Recusal:
    """The chair withdraws a recusal (declared in error, or the interest has gone), saying why:
    the item shows to the attendee again. The recusal stays on record and the minutes list it
    as withdrawn, with who withdrew it, when and why. Not once the minutes are final."""
    locked = (
        Recusal.objects.select_for_update()
        .select_related("item__meeting__series")
        .get(pk=recusal.pk)
    )
    _require(policy.may_record_recusal(user, locked.item))
    _require_editable(locked.item.meeting)
    if locked.withdrawn_at is not None:
        raise ValidationError(_("This recusal was already withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the recusal is withdrawn.")})
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = user
    locked.withdrawal_reason = reason.strip()
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return locked


# --- Agency checks before the meeting (issue 17, part 5) -------------------------------------

A = AgencyCheck.Answer


@transaction.atomic
def agency_check_answer(
    *,
    item: AgendaItem,
    user: Actor,
    answer: str,
    level: int,
    reason: str = "",
    entry_text: str = "",
) -> AgencyCheck:
    """The user's agency's answer on a case of a published agenda. "Relevant, shared" writes
    what is shared as a chronology entry at the answer's level (through the cases service,
    which asks the policy again); "held but not shared" needs a reason. An earlier answer of
    the agency is replaced only by someone who may read it."""
    _require(policy.may_answer_agency_check(user, item))
    meeting = Meeting.objects.select_related("series").get(pk=item.meeting_id)
    if meeting.status not in policy.AGENCY_CHECK_STATUSES:
        raise ValidationError(
            _("Agency checks are answered from the publication of the agenda to the meeting.")
        )
    agency_id = policy.writer_agency_id(user)
    errors = {}
    if answer not in A.values:
        errors["answer"] = _("Choose your agency's answer.")
    if level not in policy.writable_levels(user):
        errors["level"] = _("You cannot write at this level.")
    if answer == A.HELD and not reason.strip():
        errors["reason"] = _("Say why what your agency holds is not shared.")
    if answer == A.SHARED and not entry_text.strip():
        errors["entry_text"] = _("Write what your agency shares.")
    if errors:
        raise ValidationError(errors)
    current = AgencyCheck.objects.select_for_update().filter(item=item, agency_id=agency_id).first()
    if current is not None and not policy.may_replace_agency_check(user, current):
        raise ValidationError(
            _("Your agency answered at a level you may not read: ask a colleague who may.")
        )
    entry = None
    if answer == A.SHARED and item.case is not None:
        entry = case_services.entry_add(
            case=item.case,
            author=user,
            kind=ChronologyEntry.Kind.NOTE,
            occurred_at=timezone.now(),
            level=level,
            text=entry_text.strip(),
        )
    values = {
        "answer": answer,
        "level": level,
        "reason": reason.strip() if answer == A.HELD else "",
        "entry": entry or (current.entry if current and answer == A.SHARED else None),
        "answered_by": user,
        "answered_at": timezone.now(),
    }
    if current is None:
        current = AgencyCheck.objects.create(item=item, agency_id=agency_id, **values)
    else:
        for name, value in values.items():
            setattr(current, name, value)
        current.save()
    if answer in (A.HELD, A.SHARED) and item.case_id is not None:
        # "Relevant, shared" is a decision to share with the conference, under the series'
        # agreement; "held but not shared" one not to share. Either is logged on the case, at
        # the answer's level and from its agency (privacy.models.SharingDecision); what was
        # shared stays in its chronology entry, not copied here.
        SharingDecision.objects.create(
            case_id=item.case_id,
            kind=SharingDecision.Kind.HELD if answer == A.HELD else SharingDecision.Kind.SHARED,
            # The conference it is shared with: the series' name and the meeting's day.
            recipient=(
                f"{meeting.series.name}, {timezone.localdate(meeting.starts_at).isoformat()}"
                if answer == A.SHARED
                else ""
            ),
            agreement_id=meeting.series.agreement_id if answer == A.SHARED else None,
            reason=current.reason,
            level=level,
            agency_id=agency_id,
            agency_check=current,
            decided_by=user,
        )
    return current
