"""Reads of case data. Every one takes the requesting user and filters through access.policy."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from access import policy
from accounts.selectors import user_name_matches
from accounts.types import Actor
from cases.models import (
    Action,
    Assessment,
    AssessmentRating,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChronologyEntry,
    Escalation,
    Indicator,
    Person,
    StatusChange,
)
from cases.people import PersonLabel, person_label
from core.i18n import in_any_language


@dataclass(frozen=True)
class CaseFilters:
    search: str = ""
    status: str = ""
    category: int | None = None
    risk_level: str = ""
    owner_name: str = ""
    agency_name: str = ""
    overdue: bool = False
    action_agency: int | None = None
    closure_reason: str = ""
    repeat: bool = False
    review_within: int | None = None
    # The homes' tiles: cases with an overdue action of this user, cases with an escalation
    # waiting for the user's decision, cases with entries the user may read written by someone
    # else within this many days.
    action_owner: int | None = None
    escalation_to_decide: bool = False
    new_within: int | None = None

    def searched(self) -> dict:
        """What the reader asked the list for, for the read audit: the term and the filters set."""
        chosen = {
            name: value
            for name, value in asdict(self).items()
            if name != "search" and value not in ("", None, False)
        }
        return {"search": self.search.strip(), "filters": chosen}


def active_indicators() -> QuerySet[Indicator]:
    """The assessment framework in use (reference data: the same for every user)."""
    return Indicator.objects.filter(is_active=True)


def visible_cases(*, user: Actor) -> QuerySet[Case]:
    return Case.objects.filter(policy.case_filter(user))


def _overdue_actions(today: date) -> QuerySet[Action]:
    return Action.objects.filter(case=OuterRef("pk"), status=Action.Status.OPEN, due_date__lt=today)


def case_list(*, user: Actor, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases a user may see, filtered and searched, ready to paginate."""
    filters = filters or CaseFilters()
    today = timezone.localdate()
    return (
        visible_cases(user=user)
        .filter(*_conditions(user, filters, today))
        .select_related("person", "lead_agency", "owner")
        .prefetch_related("categories")
        .annotate(has_overdue_actions=Exists(_overdue_actions(today)))
        .order_by("-opened_at", "-pk")
    )


def newest_cases(*, user: Actor, limit: int) -> QuerySet[Case]:
    """The user's `limit` newest visible cases with their person and overdue flag (a home's
    panel). The cases are chosen first and flagged after: flagged in the same step, PostgreSQL
    plans the flag for every visible case and hashes every overdue action in the city to flag
    ten rows (bench/README.md)."""
    newest = visible_cases(user=user).order_by("-opened_at", "-pk").values("pk")[:limit]
    return (
        Case.objects.filter(pk__in=newest)
        .select_related("person")
        .annotate(has_overdue_actions=Exists(_overdue_actions(timezone.localdate())))
        .order_by("-opened_at", "-pk")
    )


def _conditions(user: Actor, filters: CaseFilters, today: date) -> list[Q]:
    """The filters as conditions on a case (no joins, so they also serve in a COUNT's FILTER)."""
    conditions: list[Q] = []
    term = filters.search.strip()
    if term:
        conditions.append(_search(user, term))
    if filters.status:
        conditions.append(Q(status=filters.status))
    if filters.category:
        categories = Case.categories.through.objects.filter(
            case=OuterRef("pk"), concerncategory=filters.category
        )
        conditions.append(Q(Exists(categories)))
    if filters.risk_level:
        conditions.append(Q(risk_level=filters.risk_level))
    for word in filters.owner_name.split():
        conditions.append(user_name_matches(word, path="owner__"))
    for word in filters.agency_name.split():
        # Its name in any language (django-modeltranslation's columns), as the reader may
        # know it by another.
        conditions.append(in_any_language("lead_agency__name", word))
    if filters.overdue:
        conditions.append(Q(Exists(_overdue_actions(today))))
    if filters.action_agency:
        overdue = _overdue_actions(today).filter(owner_agency_id=filters.action_agency)
        conditions.append(Q(Exists(overdue)))
    if filters.closure_reason:
        conditions.append(Q(closure_reason=filters.closure_reason))
    if filters.repeat:
        conditions.append(Q(repeat_of__isnull=False))
    if filters.review_within is not None:
        conditions.append(
            Q(next_review_date__lte=today + timedelta(days=filters.review_within))
            & ~Q(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        )
    if filters.action_owner:
        overdue = _overdue_actions(today).filter(owner_id=filters.action_owner)
        conditions.append(Q(Exists(overdue)))
    if filters.escalation_to_decide:
        decide = _escalations_to_decide(user).filter(case=OuterRef("pk"))
        conditions.append(Q(Exists(decide)))
    if filters.new_within is not None:
        since = timezone.now() - timedelta(days=filters.new_within)
        new_entries = ChronologyEntry.objects.filter(
            policy.item_filter(user), case=OuterRef("pk"), created_at__gte=since
        ).exclude(author_id=user.pk)
        conditions.append(Q(Exists(new_entries)))
    return conditions


def _escalations_to_decide(user: Actor) -> QuerySet[Escalation]:
    """Open escalations the user may read and whose audience asks for the user's decision."""
    audiences = [a for a in Escalation.Audience.values if policy.decides_escalations_to(user, a)]
    return Escalation.objects.filter(
        policy.escalation_filter(user),
        audience__in=audiences,
        status__in=[Escalation.Status.RAISED, Escalation.Status.UNDER_REVIEW],
    )


def _search(user: Actor, term: str) -> Q:
    """Cases whose reference or person's code (and, for those who may read identities, names)
    contain the term or one of its words. Tested on the visible cases newest first until a
    page is full: the information officer, who sees every case, walks the newest cases and
    tests each, which costs the same in a city ten times the size (a union of every match
    through the trigram indexes grew with the matches: bench/README.md); the list's count
    stops at pagination.COUNT_CAP."""
    matches = Q(reference__icontains=term) | Q(person__code__icontains=term)
    if policy.may_read_identities(user):
        for word in term.split():
            matches |= Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)
    return matches


@dataclass(frozen=True)
class EntryFilters:
    """The chronology's filters on the case page (each empty: no filter)."""

    kind: str = ""
    level: int | None = None
    agency: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.kind or self.level is not None or self.agency)


@dataclass
class CaseDetail:
    case: Case
    show_identity: bool
    person_label: PersonLabel
    entry_filters: EntryFilters = field(default_factory=EntryFilters)
    # The agencies whose entries the reader sees on this case (the chronology's agency filter).
    entry_agencies: list[tuple[int, str]] = field(default_factory=list)
    entries: Sequence[ChronologyEntry] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    history: list[StatusChange] = field(default_factory=list)
    overdue_action_count: int = 0
    # The reference of the earlier case this one repeats, if the user may see it too (the door
    # brings it). The repeat itself (a case of the person closed in the last twelve months) is
    # part of this case; the earlier case's reference is not, and rule 1 hides it.
    repeat_of_reference: str | None = None


def case_detail(
    *, user: Actor, case: Case, entry_filters: EntryFilters | None = None
) -> CaseDetail:
    """Everything on a case page that this user may read, in a fixed number of queries; the
    chronology narrowed by entry_filters, among the entries the user may read."""
    entry_filters = entry_filters or EntryFilters()
    visible_items = policy.item_filter(user)
    visible_entries = case.entries.filter(visible_items)
    chosen = Q()
    if entry_filters.kind:
        chosen &= Q(kind=entry_filters.kind)
    if entry_filters.level is not None:
        chosen &= Q(level=entry_filters.level)
    if entry_filters.agency:
        chosen &= Q(agency_id=entry_filters.agency)
    entries = list(
        visible_entries.filter(chosen)
        .select_related("author", "agency")
        .prefetch_related("attachments")
        .annotate(corrected=Exists(ChronologyEntry.objects.filter(supersedes=OuterRef("pk"))))
        .order_by("-occurred_at", "-pk")
    )
    # The agency filter offers the agencies of every entry the user may read: when nothing is
    # filtered, those of the entries just read (no query of its own).
    if chosen:
        entry_agencies = list(
            visible_entries.order_by("agency__name")
            .values_list("agency_id", "agency__name")
            .distinct()
        )
    else:
        entry_agencies = sorted(
            {(entry.agency_id, entry.agency.name) for entry in entries if entry.agency_id},
            key=lambda agency: agency[1],
        )
    assessments = list(
        case.assessments.filter(visible_items)
        .select_related("author", "agency")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=AssessmentRating.objects.select_related("indicator").order_by(
                    "indicator__domain", "indicator__order"
                ),
            )
        )
    )
    today = timezone.localdate()
    actions = list(case.actions.select_related("owner", "owner_agency"))
    for action in actions:
        action.is_overdue = action.status == Action.Status.OPEN and action.due_date < today
    # The user sees this case, so the person is on a case they see: their clearance decides
    # (what person_identity_visible answers, without asking the database again).
    show_identity = policy.may_read_identities(user)
    return CaseDetail(
        case=case,
        show_identity=show_identity,
        person_label=person_label(case.person, identity=show_identity),
        entry_filters=entry_filters,
        entry_agencies=entry_agencies,
        entries=entries,
        assessments=assessments,
        actions=actions,
        escalations=list(case.escalations.select_related("raised_by", "decided_by")),
        history=list(case.status_changes.select_related("changed_by")),
        overdue_action_count=sum(1 for action in actions if action.is_overdue),
        repeat_of_reference=getattr(case, "visible_repeat_of", None),
    )


def person_identity_visible(*, user: Actor, person: Person) -> bool:
    """Names and date of birth only for those who may read L2 on one of the person's cases."""
    if not policy.may_read_identities(user):
        return False
    if policy.is_information_officer(user):
        return True
    return visible_cases(user=user).filter(person=person).exists()


def person_by_code(*, user: Actor, code: str) -> Person | None:
    """A person the user may already see through one of their cases, by pseudonymous code."""
    return (
        Person.objects.filter(code__iexact=code.strip())
        .filter(Exists(visible_cases(user=user).filter(person=OuterRef("pk"))))
        .first()
    )


def overdue_actions_for_owner(*, user: Actor, limit: int) -> QuerySet[Action]:
    """The user's `limit` most overdue actions, on cases they may still see (a home's panel)."""
    return _most_overdue(Q(owner=user), user=user, limit=limit).select_related(
        "case__person", "owner_agency"
    )


def overdue_actions_visible(*, user: Actor, limit: int) -> QuerySet[Action]:
    """The `limit` most overdue actions on the cases the user may see (the coordinator's
    panel)."""
    return _most_overdue(Q(), user=user, limit=limit).select_related(
        "case__person", "owner", "owner_agency"
    )


def _most_overdue(condition: Q, *, user: Actor, limit: int) -> QuerySet[Action]:
    """The first `limit` overdue actions (most overdue first) chosen before their case, person
    and owner are joined to them: joined in the same step, PostgreSQL joined every overdue
    action in sight (700 for a coordinator) to keep twenty (bench/README.md)."""
    chosen = (
        Action.objects.filter(
            condition,
            policy.case_filter(user, case_field="case_id"),
            status=Action.Status.OPEN,
            due_date__lt=timezone.localdate(),
        )
        .order_by("due_date", "pk")
        .values("pk")[:limit]
    )
    return Action.objects.filter(pk__in=chosen).order_by("due_date", "pk")


@dataclass
class CaseTeam:
    users: list = field(default_factory=list)
    agencies: list = field(default_factory=list)


def case_team(*, user: Actor, case: Case) -> CaseTeam:  # noqa: ARG001
    """The grants on a case the user already sees: its door (access_case) checked that, and
    like every selector this one still takes the user."""
    return CaseTeam(
        users=list(
            CaseUserObjectPermission.objects.filter(content_object=case)
            .select_related("user__profile__agency", "granted_by")
            .order_by("user__last_name")
        ),
        agencies=list(
            CaseGroupObjectPermission.objects.filter(content_object=case)
            .select_related("group__agency", "granted_by")
            .order_by("group__name")
        ),
    )


def case_team_members(*, case: Case) -> QuerySet:
    """The people who may see the case (for choosing an action's owner), information officers
    aside: granted by name, or members of a granted agency."""
    today = timezone.localdate()
    by_name = CaseUserObjectPermission.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        content_object=case,
        user=OuterRef("pk"),
    )
    by_agency = CaseGroupObjectPermission.objects.filter(
        content_object=case, group__user=OuterRef("pk")
    )
    return (
        get_user_model()
        .objects.filter(
            Exists(by_name) | Exists(by_agency),
            is_active=True,
            profile__role__in=policy.CASE_TEAM_ROLES,
        )
        .select_related("profile__agency")
        .order_by("last_name", "first_name")
    )


def open_escalations(*, user: Actor, audiences: list[str]) -> QuerySet[Escalation]:
    """Raised or under review, for these audiences, on cases the user may see."""
    return (
        Escalation.objects.filter(
            policy.escalation_filter(user),
            audience__in=audiences,
            status__in=[Escalation.Status.RAISED, Escalation.Status.UNDER_REVIEW],
        )
        .select_related("case__person")
        .order_by("raised_at")
    )
