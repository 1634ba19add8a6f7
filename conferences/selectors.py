"""Reads of conferences. Each takes the user and filters through access.policy. A single
series, meeting or agenda item is loaded through its door (access.doors)."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.utils import timezone

from access import policy
from accounts.models import Agency, Level
from accounts.types import Actor, User
from audit.reads import record_read
from cases.models import Action, AftercareReview, Assessment, Case, ChronologyEntry, Escalation
from cases.people import label_cases
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
    reason_detail_text,
)
from referrals.selectors import prison_releases_between


def series_list(*, user: Actor) -> QuerySet[ConferenceSeries]:
    return (
        ConferenceSeries.objects.filter(policy.series_filter(user))
        .select_related("chair")
        .order_by("name")
    )


def meetings_visible(*, user: Actor) -> QuerySet[Meeting]:
    return Meeting.objects.filter(policy.meeting_filter(user)).select_related("series")


def upcoming_meetings(*, user: Actor, status: str = "", q: str = "") -> QuerySet[Meeting]:
    """The meetings to come (or in the last 12 hours); only those in this status if given, and
    those whose series' name or place holds `q` if given."""
    meetings = (
        meetings_visible(user=user)
        .filter(starts_at__gte=timezone.now() - timedelta(hours=12))
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("starts_at")
    )
    if status:
        meetings = meetings.filter(status=status)
    return meetings_at(meetings, q)


def meetings_at(meetings: QuerySet[Meeting], q: str) -> QuerySet[Meeting]:
    """The meetings whose series' name or place holds `q` (all of them for none)."""
    if not q:
        return meetings
    return meetings.filter(Q(series__name__icontains=q) | Q(location__icontains=q))


def state_history(*, meeting: Meeting) -> QuerySet[MeetingStateChange]:
    """The meeting's steps (who, when, from which state to which, why), oldest first, for
    whoever may see the meeting (the caller loaded it through its door). One query."""
    return meeting.state_changes.select_related("changed_by").order_by("changed_at", "pk")


def has_signed(*, user: Actor, meeting: Meeting) -> bool:
    """Whether the user signed the meeting's confidentiality declaration (its current version).
    A meeting opened by this user through its door (access.doors.access_meeting) brings the
    answer with it, read in the same query: no query of its own then."""
    if getattr(meeting, "signed_when_opened_by", None) == user.pk and user.pk is not None:
        return bool(getattr(meeting, "signed_when_opened"))  # noqa: B009 (an annotation)
    return DeclarationSignature.objects.filter(
        meeting=meeting, user=user, version=settings.CONFIDENTIALITY_DECLARATION_VERSION
    ).exists()


def agenda(
    *, user: Actor, meeting: Meeting, what: str = "agenda", audit: bool = True
) -> list[AgendaItem]:
    """The items this user may see, once they have signed the declaration; else nothing.
    Each item says whether its minute may be read; amendments come filtered by level.
    audit=False: the caller records the read itself (a PDF copy, with its number)."""
    if not has_signed(user=user, meeting=meeting):
        return []
    if audit:
        record_read(user=user, obj=meeting, what=what)
    items = (
        meeting.items.filter(policy.agenda_item_filter(user))
        .select_related("case__person", "escalation", "guest", "carried_from__meeting")
        .annotate(case_restricted=policy.case_restricted_now("case_id"))
        .prefetch_related(
            Prefetch(
                "amendments",
                queryset=Amendment.objects.filter(policy.item_filter(user)).select_related(
                    "written_by"
                ),
            )
        )
        .order_by("order", "pk")
    )
    # An item on a case is one the user sees (agenda_item_filter): its person, as they may.
    rows: list[AgendaItem] = label_cases(items, user=user, case_of=_case_of)
    for item in rows:
        item.minute_visible = policy.may_read_minute(user, item)
    return rows


def _case_of(row: "AgendaItem | Proposal") -> Case | None:
    return row.case


def minutes(*, user: Actor, meeting: Meeting) -> list[AgendaItem]:
    return agenda(user=user, meeting=meeting, what="minutes")


def meeting_members(*, meeting: Meeting) -> list[User]:
    """Who is told of the meeting by e-mail (its agenda published, a reminder): its attendees
    and the series' core members, active and with an address, by name. The publication
    preview lists them; the notifications write to their addresses."""
    users = {a.user for a in meeting.attendances.select_related("user__profile__agency")}
    users |= set(meeting.series.core_members.select_related("profile__agency"))
    return sorted(
        (u for u in users if u.is_active and u.email),
        key=lambda u: (u.last_name.lower(), u.first_name.lower(), u.pk),
    )


def attendance(*, meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendances.select_related("user__profile__agency", "delegate_for").order_by(
            "user__last_name", "user__first_name"
        )
    )


def signatures(*, meeting: Meeting) -> list[DeclarationSignature]:
    return list(meeting.signatures.select_related("user").order_by("signed_at"))


@dataclass
class Quorum:
    core: int
    present: int

    @property
    def reached(self) -> bool:
        return self.core == 0 or self.present > self.core * settings.CONFERENCE_QUORUM

    @property
    def needed(self) -> int:
        """How many core members, present or through a delegate, make the quorum."""
        return int(self.core * settings.CONFERENCE_QUORUM) + 1 if self.core else 0


def quorum(*, meeting: Meeting) -> Quorum:
    core_ids = set(meeting.series.core_members.values_list("pk", flat=True))
    present = meeting.attendances.filter(
        Q(user_id__in=core_ids, status=Attendance.Status.PRESENT)
        | Q(delegate_for_id__in=core_ids, status=Attendance.Status.DELEGATE)
    ).count()
    return Quorum(core=len(core_ids), present=present)


# --- Minutes as a document (issue 17, part 7) ---------------------------------------------------


@dataclass
class MinutesDocument:
    """The minutes as one reader may read them: the same items, minutes and amendments as the
    minutes page (restricted items and above-level minutes hidden), the actions agreed at each
    item (item.agreed, a list), attendance, declarations and the chair's approval."""

    meeting: Meeting
    items: list[AgendaItem]
    attendance: list[Attendance]
    signatures: list[DeclarationSignature]
    approval: MinutesApproval | None
    # Amended (in what this reader reads) after the last approval.
    amended_since_approval: bool
    # The highest level of what the document shows: its protective marking.
    level: int


def minutes_document(*, user: Actor, meeting: Meeting, audit: bool = True) -> MinutesDocument:
    """A fixed number of queries whatever the number of items and actions. Nothing of the
    agenda before the reader signed the declaration (as the minutes page)."""
    items = agenda(user=user, meeting=meeting, what="minutes", audit=audit)
    prefetch_related_objects(
        items,
        Prefetch(
            "agreed_actions",
            queryset=AgreedAction.objects.select_related(
                "action__owner", "action__owner_agency"
            ).order_by("action__due_date", "pk"),
            to_attr="agreed",
        ),
    )
    approval = meeting.approvals.select_related("approved_by").first()
    return MinutesDocument(
        meeting=meeting,
        items=items,
        attendance=attendance(meeting=meeting),
        signatures=signatures(meeting=meeting),
        approval=approval,
        amended_since_approval=approval is not None
        and any(
            amendment.written_at > approval.approved_at
            for item in items
            for amendment in item.amendments.all()
        ),
        level=_level_shown(user, items),
    )


def _level_shown(user: Actor, items: list[AgendaItem]) -> int:
    """The highest level among what the items show the reader: a case's existence (L1), its
    person's name (L2, for who may read identities), a minute they may read, an amendment."""
    levels: list[int] = [Level.L1]
    identity = policy.may_read_identities(user)
    for item in items:
        if item.case_id:
            levels.append(Level.L2 if identity else Level.L1)
        if getattr(item, "minute_visible", False) and item.discussion:
            levels.append(item.minute_level)
        levels.extend(amendment.level for amendment in item.amendments.all())
    return max(levels)


def amended_since(*, user: Actor, meeting: Meeting, when: datetime) -> bool:
    """Whether an amendment the user may read was added to the meeting's minutes after
    `when` (for the approval service: an approval covers what the approver reads)."""
    return Amendment.objects.filter(
        policy.item_filter(user),
        item__in=meeting.items.filter(policy.agenda_item_filter(user)),
        written_at__gt=when,
    ).exists()


# --- Proposals -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    case: Case | None
    reason: str
    detail: str
    escalation: Escalation | None = None
    carried_from: AgendaItem | None = None

    def reason_label(self) -> str:
        return str(AgendaItem.Reason(self.reason).label)

    def detail_text(self) -> str:
        return reason_detail_text(self.reason, self.detail)


def agenda_proposals(*, user: Actor, meeting: Meeting) -> list[Proposal]:
    """What the application proposes for a meeting, each with its reason. Only cases the chair
    may see and whose processing is not restricted (services.agenda_add_case refuses those);
    nothing already on the agenda. A fixed number of queries."""
    day = timezone.localtime(meeting.starts_at).date()
    visible = (
        Case.objects.filter(policy.case_filter(user), policy.unrestricted_case_filter())
        .select_related("person")
        .exclude(Exists(AgendaItem.objects.filter(meeting=meeting, case=OuterRef("pk"))))
    )
    proposals: list[Proposal] = []
    is_mac = meeting.series.kind == ConferenceSeries.Kind.MAC
    audiences = (
        [Escalation.Audience.MAYOR, Escalation.Audience.MAC, Escalation.Audience.MAYOR_MEETING]
        if is_mac
        else [Escalation.Audience.COORDINATOR]
    )
    escalations = (
        Escalation.objects.filter(
            policy.escalation_filter(user),
            audience__in=audiences,
            status__in=[Escalation.Status.RAISED, Escalation.Status.UNDER_REVIEW],
        )
        .exclude(Exists(AgendaItem.objects.filter(meeting=meeting, escalation=OuterRef("pk"))))
        .select_related("case__person")
    )
    if not is_mac:  # proposed with its case, which must be open to processing
        escalations = escalations.filter(policy.unrestricted_case_filter("case_id"))
    seen: set[int | None] = set()
    for escalation in escalations:
        proposals.append(
            Proposal(
                case=None if is_mac else escalation.case,
                reason=AgendaItem.Reason.ESCALATION,
                detail=escalation.audience,
                escalation=escalation,
            )
        )
        seen.add(escalation.case_id)
    if is_mac:
        return proposals

    previous = (
        Meeting.objects.filter(series=meeting.series, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    if previous:
        # Only items the chair sees: a restricted item hidden from them is not proposed (it
        # would tell of it), and one proposed keeps its restriction (services.agenda_add_case).
        carried = previous.items.filter(
            Q(decision=AgendaItem.Decision.CONTINUE) | Q(decision=""),
            policy.agenda_item_filter(user),
            case__in=visible,
        ).select_related("case__person")
        for item in carried:
            proposals.append(
                Proposal(item.case, AgendaItem.Reason.CARRIED_OVER, "", carried_from=item)
            )
            seen.add(item.case_id)

    # Items the chair moved to the series' backlog (issue 17), as the chair may see them.
    backlog = BacklogItem.objects.filter(
        policy.backlog_filter(user),
        series=meeting.series,
        taken_at__isnull=True,
        case__in=visible,
    ).select_related("case__person", "moved_from")
    for entry in backlog:
        if entry.case_id not in seen and entry.case is not None:
            proposals.append(
                Proposal(
                    entry.case, AgendaItem.Reason.CARRIED_OVER, "", carried_from=entry.moved_from
                )
            )
            seen.add(entry.case_id)

    def add(
        cases: Iterable[Case], reason: str, detail: Callable[[Case], str] = lambda _case: ""
    ) -> None:
        for case in cases:
            if case.pk not in seen:
                seen.add(case.pk)
                proposals.append(Proposal(case, reason, detail(case)))

    never_discussed = ~Q(
        Exists(AgendaItem.objects.filter(case=OuterRef("pk")).exclude(decision=""))
    )
    add(
        visible.filter(
            never_discussed, status__in=[Case.Status.INFORMATION_GATHERING, Case.Status.ON_AGENDA]
        ),
        AgendaItem.Reason.NEW_CASE,
    )
    add(
        visible.filter(next_review_date__lte=day).exclude(
            status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE]
        ),
        AgendaItem.Reason.REVIEW_DUE,
        lambda c: str(c.next_review_date),
    )
    overdue = Action.objects.filter(
        case=OuterRef("pk"), status=Action.Status.OPEN, due_date__lt=timezone.localdate()
    )
    add(visible.filter(Exists(overdue)), AgendaItem.Reason.OVERDUE_ACTIONS)
    due = Action.objects.filter(case=OuterRef("pk"), status=Action.Status.OPEN, due_date__lte=day)
    add(visible.filter(Exists(due)), AgendaItem.Reason.OPEN_ACTIONS)
    reviews = AftercareReview.objects.filter(
        case__in=visible, done_at__isnull=True, due_date__lte=day
    ).select_related("case__person")
    for review in reviews:
        reason = (
            AgendaItem.Reason.AFTERCARE_6 if review.months == 6 else AgendaItem.Reason.AFTERCARE_12
        )
        # add() calls the lambda at once, before the loop moves on.
        add([review.case], reason, lambda _case: str(review.due_date))  # noqa: B023
    add(
        _prison_releases(meeting=meeting, visible=visible),
        AgendaItem.Reason.PRISON_RELEASE,
    )
    # Every proposed case is one the chair sees (case_filter above): its person, as they may.
    return label_cases(proposals, user=user, case_of=_case_of)


def _prison_releases(*, meeting: Meeting, visible: QuerySet[Case]) -> list[Case]:
    """Cases whose release from prison falls before the next meeting after this one: this
    is the last conference before the release."""
    start = timezone.localtime(meeting.starts_at).date()
    end = start + timedelta(days=meeting.series.cadence_days)
    case_ids = [r.case_id for r in prison_releases_between(start=start, end=end)]
    return list(visible.filter(pk__in=case_ids))


def meetings_needing_reminder(*, kind: str, now: datetime) -> QuerySet[Meeting]:
    """For the reminder jobs (not for a user): meetings whose reminder of `kind` is due."""
    meetings = Meeting.objects.exclude(
        status__in=[Meeting.Status.CANCELLED, Meeting.Status.FINAL]
    ).select_related("series")
    if kind == "cutoff":
        return meetings.filter(
            status=Meeting.Status.PLANNED,
            agenda_cutoff__gt=now,
            agenda_cutoff__lte=now + timedelta(days=1),
        )
    if kind == "tomorrow":
        tomorrow = timezone.localtime(now).date() + timedelta(days=1)
        return meetings.filter(starts_at__date=tomorrow)
    raise ValueError(kind)


def action_owners_due_before(*, meeting: Meeting) -> QuerySet[User]:
    """For the reminder job: owners of open actions on this meeting's cases due by then."""
    due = Action.objects.filter(
        owner=OuterRef("pk"),
        status=Action.Status.OPEN,
        due_date__lte=timezone.localtime(meeting.starts_at).date(),
        case__agenda_items__meeting=meeting,
    )
    return get_user_model().objects.filter(Exists(due), is_active=True)


# --- Live meeting (issue 17): the chair's screen, attendees' screens, briefing packs ----------


def live_agenda(*, user: Actor, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items of the meeting this user sees, in agenda order (moved ones included: the
    chair's list shows them as moved)."""
    return (
        meeting.items.filter(policy.agenda_item_filter(user))
        .select_related("case__person", "escalation")
        .order_by("order", "pk")
    )


def live_next_item(*, user: Actor, meeting: Meeting, after: AgendaItem) -> AgendaItem | None:
    """The next item after `after` that this user sees and that is still on the agenda."""
    return (
        live_agenda(user=user, meeting=meeting)
        .filter(moved_to="")
        .filter(Q(order__gt=after.order) | Q(order=after.order, pk__gt=after.pk))
        .first()
    )


def live_current_item(*, user: Actor, meeting: Meeting) -> AgendaItem | None:
    """The item on the table, if this user may see it (else None: a hidden item is not there,
    and the screen shows what it shows between items)."""
    if meeting.current_item_id is None:
        return None
    return (
        meeting.items.filter(policy.agenda_item_filter(user), pk=meeting.current_item_id)
        .select_related("case__person", "case__lead_agency", "case__owner", "escalation")
        .first()
    )


# How many of the entries added since the last discussion the screen lists (the rest counted).
LIVE_NEW_ENTRIES = 15


@dataclass
class ItemContext:
    """What the table needs about one agenda item, filtered for one reader: the chair's live
    screen, an attendee's screen and (issue 17, part 6) the briefing packs read this."""

    item: AgendaItem
    case: Case | None
    # The minute's text and level, only if the reader may read it (policy.may_read_minute).
    minute_visible: bool
    # The decision of the last conference that discussed the case, on an item the reader sees.
    last_item: AgendaItem | None = None
    since: datetime | None = None
    categories: list[str] = field(default_factory=list)
    open_actions: list[Action] = field(default_factory=list)
    overdue_count: int = 0
    new_entries: Sequence[ChronologyEntry] = field(default_factory=list)
    new_entry_count: int = 0
    new_assessments: list[Assessment] = field(default_factory=list)
    # Issue 17, part 5: each asked agency's answer, filtered for the reader
    # (agency_checks_for_item), shown by templates/conferences/live/_agency_checks.html.
    agency_checks: list = field(default_factory=list)

    @property
    def more_entries(self) -> int:
        return max(0, self.new_entry_count - len(self.new_entries))


def item_context(*, item: AgendaItem, reader: Actor) -> ItemContext:
    """Everything the live screen shows of an item the reader sees (the item came through
    access_agenda_item or live_current_item), in a fixed number of queries whatever the
    length of the case's chronology and support plan. The caller records the read."""
    minute_visible = policy.may_read_minute(reader, item)
    case = item.case
    if case is None:
        return ItemContext(item=item, case=None, minute_visible=minute_visible)
    label_cases([item], user=reader, case_of=_case_of)
    last_item = (
        AgendaItem.objects.filter(
            policy.agenda_item_filter(reader),
            case_id=case.pk,
            meeting__starts_at__lt=item.meeting.starts_at,
        )
        .exclude(decision="")
        .select_related("meeting")
        .order_by("-meeting__starts_at", "-pk")
        .first()
    )
    since = last_item.meeting.starts_at if last_item else None
    visible = policy.item_filter(reader)
    entries = case.entries.filter(visible)
    assessments = case.assessments.filter(visible)
    if since is not None:
        entries = entries.filter(created_at__gte=since)
        assessments = assessments.filter(created_at__gte=since)
    new_entries = list(
        entries.select_related("agency")
        .annotate(total=Window(Count("pk")))
        .order_by("-occurred_at", "-pk")[:LIVE_NEW_ENTRIES]
    )
    today = timezone.localdate()
    open_actions = list(
        case.actions.filter(status=Action.Status.OPEN).select_related("owner", "owner_agency")
    )
    for action in open_actions:
        action.is_overdue = action.due_date < today
    return ItemContext(
        item=item,
        case=case,
        minute_visible=minute_visible,
        last_item=last_item,
        since=since,
        categories=case.concerns(),
        open_actions=open_actions,
        overdue_count=sum(1 for action in open_actions if action.is_overdue),
        new_entries=new_entries,
        # Every row carries the count of all (a window over the query): no second query.
        new_entry_count=new_entries[0].total if new_entries else 0,
        new_assessments=list(assessments.select_related("agency").order_by("-version")),
        agency_checks=agency_checks_for_item(item, reader, seen=True),
    )


def live_item_shown(*, item: AgendaItem, reader: Actor) -> ItemContext:
    """item_context for an attendee's screen, the read recorded (once per change shown)."""
    record_read(user=reader, obj=item, what="live item")
    return item_context(item=item, reader=reader)


def briefing(*, user: Actor, meeting: Meeting, audit: bool = True) -> list[ItemContext]:
    """A reader's briefing: each item they see, with its context as they may read it. The
    read is recorded once, for the meeting (a PDF copy records its own read: audit=False)."""
    if not has_signed(user=user, meeting=meeting):
        return []
    if audit:
        record_read(user=user, obj=meeting, what="briefing")
    items = (
        live_agenda(user=user, meeting=meeting)
        .filter(moved_to="")
        .select_related("case__lead_agency", "case__owner", "meeting")
    )
    return [item_context(item=item, reader=user) for item in items]


def briefing_level(*, user: Actor, contexts: Sequence[ItemContext]) -> int:
    """The highest level a briefing shows its reader (for the protective marking of its PDF
    copy): a case's existence (L1), its person's name (L2, for who may read identities), and
    each entry, assessment and agency check answer it shows."""
    levels: list[int] = [Level.L1]
    identity = policy.may_read_identities(user)
    for ctx in contexts:
        if ctx.case is not None:
            levels.append(Level.L2 if identity else Level.L1)
        levels.extend(entry.level for entry in ctx.new_entries)
        levels.extend(assessment.level for assessment in ctx.new_assessments)
        levels.extend(row.check.level for row in ctx.agency_checks if row.readable and row.check)
    return max(levels)


# --- Attendance on one screen and recusals (issue 17, part 4) --------------------------------


def invitees(*, meeting: Meeting) -> list[Attendance]:
    """Everyone invited, each with their attendance: the meeting's attendance rows (the core
    members when the meeting was called, guests, others recorded), and a core member who
    joined the series since as an unsaved row "invited". By name; two queries."""
    rows = {row.user_id: row for row in attendance(meeting=meeting)}
    for member in meeting.series.core_members.select_related("profile__agency"):
        if member.pk not in rows:
            rows[member.pk] = Attendance(meeting=meeting, user=member)
    return sorted(
        rows.values(),
        key=lambda r: (r.user.last_name.lower(), r.user.first_name.lower(), r.user.pk),
    )


def recusals(
    *, user: Actor, meeting: Meeting, items: list[AgendaItem] | None = None
) -> list[Recusal]:
    """The recusals the minutes list for this reader: those on items they see (never on an
    item hidden from them, so never their own). `items`: the meeting's items as agenda()
    gave them to this same reader, when the page has them already (the policy's filter is
    then not run a second time)."""
    on_seen_items = (
        Q(item_id__in=[item.pk for item in items])
        if items is not None
        else policy.recusal_filter(user)
    )
    rows = (
        Recusal.objects.filter(on_seen_items, item__meeting=meeting)
        .select_related(
            "user__profile__agency",
            "recorded_by",
            "withdrawn_by",
            "item__case__person",
            "item__escalation",
        )
        .order_by("item__order", "item__pk", "declared_at", "pk")
    )
    return label_cases(rows, user=user, case_of=lambda row: row.item.case)


def recusal_on_meeting(*, user: Actor, meeting: Meeting, recusal_id: int) -> Recusal | None:
    """One recusal of the meeting, if it is on an item the user sees (as the minutes list
    them); None otherwise, whether it exists or not."""
    return (
        Recusal.objects.filter(policy.recusal_filter(user), item__meeting=meeting, pk=recusal_id)
        .select_related("item__meeting")
        .first()
    )


def recusal_items(*, user: Actor, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items a chair may record a recusal on: those on their agenda of the meeting."""
    return meeting.items.filter(policy.agenda_item_filter(user)).select_related(
        "case__person", "escalation"
    )


# --- Agency checks before the meeting (issue 17, part 5) -------------------------------------


def checking_agencies(*, series: ConferenceSeries | Subquery) -> QuerySet[Agency]:
    """The agencies asked to check before each meeting of the series: those of its core
    members who work on cases (access.policy.checking_agency_filter)."""
    return Agency.objects.filter(policy.checking_agency_filter(series)).distinct().order_by("name")


@dataclass
class AgencyCheckRow:
    """One agency's answer on one item as a reader sees it: whether it answered, and what
    only if the reader may read an item at the answer's level from that agency."""

    agency: Agency
    check: AgencyCheck | None
    readable: bool

    @property
    def answered(self) -> bool:
        return self.check is not None


def _check_rows(
    items: list[AgendaItem], agencies: list[Agency], reader: Actor
) -> dict[int, list[AgencyCheckRow]]:
    answers = {
        (check.item_id, check.agency_id): check
        for check in AgencyCheck.objects.filter(item__in=[i.pk for i in items]).select_related(
            "agency", "answered_by", "entry"
        )
    }
    rows: dict[int, list[AgencyCheckRow]] = {}
    for item in items:
        rows[item.pk] = []
        for agency in agencies:
            check = answers.get((item.pk, agency.pk))
            readable = check is not None and policy.may_read_item(
                reader, check.level, check.agency_id
            )
            rows[item.pk].append(AgencyCheckRow(agency, check, readable))
    return rows


def agency_checks_for_item(
    item: AgendaItem, reader: Actor, *, seen: bool = False
) -> list[AgencyCheckRow]:
    """Each asked agency's answer on a case item, filtered for the reader by the policy:
    nothing if the item is hidden from them, and an answer's content only as visible as its
    level. For the live screen and the item pages (templates/conferences/partials/
    agency_checks.html). Three queries; two with `seen`, for an item that came through the
    policy already (a door, or the live agenda's filter)."""
    if item.case_id is None or not (seen or policy.may_see_agenda_item(reader, item)):
        return []
    # The series by a subquery: the item's meeting need not be loaded.
    series = Subquery(Meeting.objects.filter(pk=item.meeting_id).values("series_id")[:1])
    agencies = list(checking_agencies(series=series))
    return _check_rows([item], agencies, reader)[item.pk]


@dataclass
class ItemChecks:
    item: AgendaItem
    rows: list[AgencyCheckRow]

    @property
    def unanswered(self) -> list[Agency]:
        return [row.agency for row in self.rows if not row.answered]


def agency_checks_for_meeting(*, user: Actor, meeting: Meeting) -> list[ItemChecks]:
    """For the chair: every case item on their agenda with each asked agency's answer (as
    agency_checks_for_item), so they see who has not answered. A fixed number of queries."""
    items = [
        item for item in agenda(user=user, meeting=meeting, what="agency checks") if item.case_id
    ]
    agencies = list(checking_agencies(series=meeting.series))
    rows = _check_rows(items, agencies, user)
    return [ItemChecks(item, rows[item.pk]) for item in items]


def agency_checks_unanswered(*, user: Actor, q: str = "") -> QuerySet[AgendaItem]:
    """The case items the user's agency is asked to check and has not answered yet, soonest
    meeting first: the user's list, and the count on their home. `q` finds them by the case's
    reference (never by the person's name, which the list shows only to those who may read
    it)."""
    answered = AgencyCheck.objects.filter(
        item_id=OuterRef("pk"), agency_id=policy.agency_id_of(user) or 0
    )
    items = AgendaItem.objects.filter(policy.agency_check_item_filter(user)).exclude(
        Exists(answered)
    )
    if q:
        items = items.filter(case__reference__icontains=q)
    return items.select_related("case__person", "meeting__series").order_by(
        "meeting__starts_at", "order", "pk"
    )


def agency_check_of(*, user: Actor, item: AgendaItem) -> AgencyCheck | None:
    """The user's agency's answer on the item, if any (the answer page shows it if they may
    read it, and the service refuses to replace it if not)."""
    agency_id = policy.agency_id_of(user)
    if agency_id is None:
        return None
    return AgencyCheck.objects.filter(item=item, agency_id=agency_id).first()
