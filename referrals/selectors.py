"""Reads of referrals. Each one that shows protected data takes the user and applies the policy."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Q, QuerySet, Value, When
from django.db.models import Case as Conditional
from django.http import Http404
from django.utils import timezone

from access import policy
from accounts.models import Agency, Role
from accounts.types import Actor, User
from audit.reads import record_read
from cases import selectors as case_selectors
from cases.models import Case, Person
from referrals import matching
from referrals.models import OutboundReferral, PrisonRelease, Referral, Screening

# --- The referrer's own referrals ------------------------------------------------------------


def referrals_of(*, user: Actor, search: str = "", status: str = "") -> QuerySet[Referral]:
    """The user's own referrals, open ones first (drafts, questions to answer, being screened),
    then the decided ones, newest first within each; searchable by number or name, and
    filtered by status if one is given."""
    status_order = Conditional(
        When(status=Referral.Status.DRAFT, then=Value(0)),
        When(status=Referral.Status.INFORMATION_REQUESTED, then=Value(1)),
        When(status=Referral.Status.SUBMITTED, then=Value(2)),
        default=Value(3),
    )
    referrals = Referral.objects.filter(policy.referral_referrer_filter(user)).order_by(
        status_order, "-submitted_at", "-created_at", "-pk"
    )
    if status:
        referrals = referrals.filter(status=status)
    return _search(referrals, search)


def _search(referrals: QuerySet[Referral], search: str) -> QuerySet[Referral]:
    term = search.strip()
    if not term:
        return referrals
    matches = Q()
    number = term.upper().removeprefix("R-").lstrip("0")
    if number.isdigit():
        matches |= Q(pk=int(number))
    for word in term.split():
        matches |= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return referrals.filter(matches)


@dataclass
class ReferrerView:
    """What the referrer is told: the status and the outcome in plain words, nothing else."""

    referral: Referral
    question: str = ""
    answer: str = ""
    signposted_to: str = ""
    note: str = ""
    decided_at: object = None


def referrer_view(*, user: Actor, referral: Referral) -> ReferrerView:
    if not Referral.objects.filter(policy.referral_referrer_filter(user), pk=referral.pk).exists():
        raise Http404
    latest = referral.screenings.order_by("-decided_at", "-pk").first()
    if latest is None:
        return ReferrerView(referral=referral)
    return ReferrerView(
        referral=referral,
        question=latest.question if latest.outcome == Screening.Outcome.MORE_INFORMATION else "",
        answer=latest.answer,
        signposted_to=latest.signposted_to,
        note=latest.note_to_referrer,
        decided_at=latest.decided_at,
    )


# --- A referral -----------------------------------------------------------------------------
# The door to a referral is access.doors.access_referral.


def referral_by_token(*, user: Actor, token: UUID) -> Referral | None:
    return Referral.objects.filter(policy.referral_referrer_filter(user), form_token=token).first()


def screenings_of(*, user: Actor, referral: Referral) -> list[Screening]:
    """The screening history, for those who read the referral in full (through its door)."""
    if not policy.may_screen_referrals(user):
        return []
    return list(referral.screenings.select_related("decided_by__profile__agency", "case"))


# --- Screening -------------------------------------------------------------------------------


def screening_cutoff() -> object:
    return timezone.now() - timedelta(days=settings.SCREENING_TARGET_DAYS)


@dataclass(frozen=True)
class ScreeningFilters:
    search: str = ""
    status: str = ""
    overdue: bool = False


AWAITING = (Referral.Status.SUBMITTED, Referral.Status.INFORMATION_REQUESTED)


def _overdue() -> Q:
    return Q(status=Referral.Status.SUBMITTED, submitted_at__lt=screening_cutoff())


def screening_list(*, user: Actor, filters: ScreeningFilters | None = None) -> QuerySet[Referral]:
    """The referrals the user may screen; by default those still being screened, oldest first.
    Each is marked `overdue` when it has waited longer than SCREENING_TARGET_DAYS."""
    filters = filters or ScreeningFilters()
    referrals = (
        Referral.objects.filter(policy.referral_screening_filter(user))
        .select_related("referrer_agency")
        .annotate(
            overdue=Conditional(
                When(_overdue(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if filters.status == "all":
        referrals = referrals.order_by("-submitted_at", "-pk")
    elif filters.status:
        referrals = referrals.filter(status=filters.status).order_by("-submitted_at", "-pk")
    else:
        referrals = referrals.filter(status__in=AWAITING).order_by("submitted_at", "pk")
    if filters.overdue:
        referrals = referrals.filter(overdue=True)
    return _search(referrals, filters.search)


def screening_overdue_count(*, user: Actor) -> int:
    return screening_list(user=user, filters=ScreeningFilters(overdue=True)).count()


# --- Deconfliction ---------------------------------------------------------------------------


def _candidate_filter(
    *, first_name: str, last_name: str, date_of_birth: date | None, prefix: str = ""
) -> Q:
    """Narrow in SQL: same date of birth, or a last name starting with the same letter (either
    name's, accents ignored) and a date of birth that could be the same."""
    born = f"{prefix}date_of_birth"
    narrowed = Q(pk__in=[])
    if date_of_birth:
        narrowed |= Q(**{born: date_of_birth})
    letters = {matching.initial(last_name), matching.initial(first_name)} - {""}
    by_letter = Q(pk__in=[])
    for letter in letters:
        for variant in matching.letter_variants(letter):
            by_letter |= Q(**{f"{prefix}last_name__startswith": variant})
    if date_of_birth:
        by_letter &= (
            Q(**{f"{born}__isnull": True})
            | Q(**{f"{born}__year": date_of_birth.year})
            | Q(**{f"{born}__month": date_of_birth.month, f"{born}__day": date_of_birth.day})
        )
    return narrowed | by_letter


def _matches(
    rows: Iterable[tuple[int, str, str, date | None]],
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
) -> dict[int, matching.Score]:
    found = {}
    for pk, first, last, born in rows:
        result = matching.score(first_name, last_name, date_of_birth, first, last, born)
        if result is not None:
            found[pk] = result
    return found


def person_matches(
    *, first_name: str, last_name: str, date_of_birth: date | None
) -> dict[int, matching.Score]:
    """Every known person who may be the one described, by id. Not for display: the deconfliction
    selector below decides what the user is shown."""
    if not (first_name.strip() or last_name.strip()):
        return {}
    rows = Person.objects.filter(
        _candidate_filter(first_name=first_name, last_name=last_name, date_of_birth=date_of_birth)
    ).values_list("pk", "first_name", "last_name", "date_of_birth")
    return _matches(rows, first_name, last_name, date_of_birth)


def referral_matches(*, referral: Referral) -> dict[int, matching.Score]:
    """Earlier (sent) referrals that may be about the same person, by id. Not for display."""
    if not (referral.first_name.strip() or referral.last_name.strip()):
        return {}
    rows = (
        Referral.objects.exclude(status=Referral.Status.DRAFT)
        .exclude(pk=referral.pk)
        .filter(
            _candidate_filter(
                first_name=referral.first_name,
                last_name=referral.last_name,
                date_of_birth=referral.date_of_birth,
            )
        )
        .values_list("pk", "first_name", "last_name", "date_of_birth")
    )
    return _matches(rows, referral.first_name, referral.last_name, referral.date_of_birth)


def _recently_closed(person_ids: Iterable[int]) -> QuerySet[Case]:
    since = timezone.now() - timedelta(days=Case.REPEAT_WINDOW_DAYS)
    return Case.objects.filter(
        person_id__in=person_ids,
        status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE],
        closed_at__gte=since,
    )


def is_repeat(*, first_name: str, last_name: str, date_of_birth: date | None) -> bool:
    """Whether a matching person had a case closed in the last twelve months. A flag only."""
    matches = person_matches(
        first_name=first_name, last_name=last_name, date_of_birth=date_of_birth
    )
    return bool(matches) and _recently_closed(matches).exists()


@dataclass
class PersonMatch:
    person: Person
    score: matching.Score
    cases: list[Case] = field(default_factory=list)
    recently_closed: bool = False


@dataclass
class ReferralMatch:
    referral: Referral
    score: matching.Score


@dataclass
class Deconfliction:
    persons: list[PersonMatch] = field(default_factory=list)
    referrals: list[ReferralMatch] = field(default_factory=list)
    # A match the user may not see: they are told only that there is one.
    hidden_hit: bool = False

    @property
    def hit(self) -> bool:
        return bool(self.persons or self.referrals or self.hidden_hit)


def _by_strength(item: PersonMatch | ReferralMatch) -> tuple[bool, float]:
    return (item.score.strength is not matching.Strength.STRONG, -item.score.similarity)


def deconfliction(*, user: Actor, referral: Referral) -> Deconfliction:
    """Known persons and earlier referrals that match, as far as the user may see them; for the
    rest, hit or no hit. A fixed number of queries, whatever the number of matches."""
    if not policy.may_screen_referrals(user):
        raise Http404
    result = Deconfliction()
    found = person_matches(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
    )
    visible = Person.objects.filter(policy.person_identity_filter(user), pk__in=list(found))
    persons = {person.pk: person for person in visible}
    result.hidden_hit = len(persons) < len(found)
    if persons:
        cases: dict[int, list[Case]] = {}
        for case in (
            Case.objects.filter(policy.case_filter(user), person_id__in=list(persons))
            .order_by("-opened_at")
            .only("pk", "reference", "status", "person_id", "closed_at", "opened_at")
        ):
            cases.setdefault(case.person_id, []).append(case)
        recent = set(_recently_closed(list(persons)).values_list("person_id", flat=True))
        result.persons = sorted(
            (
                PersonMatch(
                    person=person,
                    score=found[pk],
                    cases=cases.get(pk, []),
                    recently_closed=pk in recent,
                )
                for pk, person in persons.items()
            ),
            key=_by_strength,
        )
    found_referrals = referral_matches(referral=referral)
    visible_referrals = Referral.objects.filter(
        policy.referral_screening_filter(user), pk__in=list(found_referrals)
    ).select_related("referrer_agency")
    result.referrals = sorted(
        (ReferralMatch(referral=r, score=found_referrals[r.pk]) for r in visible_referrals),
        key=_by_strength,
    )
    result.hidden_hit = result.hidden_hit or len(result.referrals) < len(found_referrals)
    return result


def linkable_persons(*, user: Actor, referral: Referral) -> QuerySet[Person]:
    """Matched persons the user may link a referral to: those whose identity they may read."""
    found = person_matches(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
    )
    return Person.objects.filter(policy.person_identity_filter(user), pk__in=list(found))


def linkable_cases(*, user: Actor, persons: QuerySet[Person]) -> QuerySet[Case]:
    """Open cases of those persons that the user may see: a referral can join one of them."""
    return (
        case_selectors.visible_cases(user=user)
        .filter(person__in=persons)
        .exclude(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        .select_related("person")
    )


def person_linkable(*, user: Actor, person: Person) -> bool:
    return Person.objects.filter(policy.person_identity_filter(user), pk=person.pk).exists()


def case_linkable(*, user: Actor, reference: str) -> Case | None:
    """An open case the user sees, by reference, to link an accepted referral to."""
    return (
        Case.objects.filter(policy.case_filter(user), reference=reference.strip().upper())
        .exclude(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        .select_related("person")
        .first()
    )


def record_screening_read(*, user: Actor, referral: Referral, deconfliction: Deconfliction) -> None:
    """One read-audit row for a page that shows a referral in full and its deconfliction: the
    referral, and the ids of the known persons, their cases and the earlier referrals shown."""
    parts = ["referral"]
    shown = {
        "persons": [match.person.pk for match in deconfliction.persons],
        "cases": [case.pk for match in deconfliction.persons for case in match.cases],
        "earlier referrals": [match.referral.pk for match in deconfliction.referrals],
    }
    parts += [f"{kind} {', '.join(map(str, ids))}" for kind, ids in shown.items() if ids]
    record_read(user=user, obj=referral, what="; ".join(parts))


# --- Outbound referrals ----------------------------------------------------------------------


def outbound_for_case(*, user: Actor, case: Case, search: str = "") -> QuerySet[OutboundReferral]:
    """The outbound referrals of a case the user sees (through the case's door first)."""
    outbound = (
        OutboundReferral.objects.filter(policy.case_filter(user, case_field="case_id"), case=case)
        .select_related("provider", "sent_by")
        .order_by("-sent_at", "-pk")
    )
    term = search.strip()
    if term:
        outbound = outbound.filter(Q(provider__name__icontains=term) | Q(request__icontains=term))
    return outbound


def outbound_received(*, user: Actor, search: str = "") -> QuerySet[OutboundReferral]:
    """Outbound referrals addressed to the user's agency (not revoked), newest first."""
    outbound = (
        OutboundReferral.objects.filter(policy.outbound_provider_filter(user))
        .select_related("sent_by__profile__agency")
        .order_by("-sent_at", "-pk")
    )
    term = search.strip()
    if term:
        matches = Q(person_details__icontains=term) | Q(request__icontains=term)
        number = term.upper().removeprefix("O-").lstrip("0")
        if number.isdigit():
            matches |= Q(pk=int(number))
        outbound = outbound.filter(matches)
    return outbound


# The door to an outbound referral is access.doors.access_outbound_referral.


# --- Prison release --------------------------------------------------------------------------


def prison_release_of(*, user: Actor, case: Case) -> PrisonRelease | None:
    """The protocol of a case the user sees (through the case's door first)."""
    return (
        PrisonRelease.objects.filter(policy.case_filter(user, case_field="case_id"), case=case)
        .select_related("outreach_worker__profile__agency", "outbound_referral__provider")
        .prefetch_related("tasks__action__owner")
        .first()
    )


def prison_releases_between(
    *, start: date, end: date, user: Actor | None = None
) -> QuerySet[PrisonRelease]:
    """Open cases whose person is expected out of prison between start and end (inclusive),
    soonest first. The conferences app proposes each for the last conference before the release.

    Without a user this is the agenda proposer's read (its own policy filters what each attendee
    sees); with a user, only cases that user sees."""
    releases = (
        PrisonRelease.objects.filter(expected_release_date__range=(start, end))
        .exclude(case__status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        .select_related("case")
        .order_by("expected_release_date", "pk")
    )
    if user is not None:
        releases = releases.filter(policy.case_filter(user, case_field="case_id"))
    return releases


def upcoming_prison_releases(
    *, user: Actor, search: str = "", days: int = 365
) -> QuerySet[PrisonRelease]:
    today = timezone.localdate()
    releases = prison_releases_between(
        start=today, end=today + timedelta(days=days), user=user
    ).select_related("case__person", "case__owner", "outreach_worker")
    term = search.strip()
    if term:
        releases = releases.filter(
            Q(case__reference__icontains=term) | Q(institution__icontains=term)
        )
    return releases


def prison_release_reminders_due(*, today: date) -> list[tuple[PrisonRelease, int]]:
    """(protocol, lead time) for each protocol that has reached a lead time it was not yet
    reminded of. For the daily job; not for display."""
    leads = sorted(settings.PRISON_RELEASE_LEAD_DAYS)
    if not leads:
        return []
    due = []
    for release in prison_releases_between(start=today, end=today + timedelta(days=max(leads))):
        days_left = (release.expected_release_date - today).days
        reached = min(lead for lead in leads if days_left <= lead)
        if release.reminded_lead_days is None or reached < release.reminded_lead_days:
            due.append((release, reached))
    return due


# --- Whom to tell (content-free e-mails) -----------------------------------------------------


def _active_emails(users: Iterable[User]) -> list[str]:
    return sorted({u.email for u in users if u.email and u.is_active})


def coordinator_emails() -> list[str]:
    User = get_user_model()
    return _active_emails(User.objects.filter(profile__role=Role.COORDINATOR))


def referrer_emails(*, referral_id: int) -> list[str]:
    User = get_user_model()
    return _active_emails(User.objects.filter(referrals_made=referral_id))


def case_owner_emails(*, outbound_id: int) -> list[str]:
    User = get_user_model()
    return _active_emails(User.objects.filter(owned_cases__outbound_referrals=outbound_id))


def provider_reach(*, provider: Agency) -> int:
    """How many people at the provider agency are told of a referral sent to it (as
    provider_emails) and may read it."""
    return (
        get_user_model()
        .objects.filter(
            profile__agency=provider, profile__role__in=policy.PROVIDER_ROLES, is_active=True
        )
        .count()
    )


def provider_emails(*, outbound_id: int) -> list[str]:
    User = get_user_model()
    outbound = OutboundReferral.objects.filter(pk=outbound_id).first()
    if outbound is None or outbound.status == OutboundReferral.Status.REVOKED:
        return []
    return _active_emails(
        User.objects.filter(
            profile__agency=outbound.provider_id, profile__role__in=policy.PROVIDER_ROLES
        )
    )


def prison_release_emails(*, release_id: int) -> list[str]:
    release = (
        PrisonRelease.objects.filter(pk=release_id)
        .select_related("case__owner", "outreach_worker")
        .first()
    )
    if release is None:
        return []
    return _active_emails([release.case.owner, release.outreach_worker])
