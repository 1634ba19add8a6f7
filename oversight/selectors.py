"""Reads for the coordinator's dashboard and the mayor's office. Counts on the dashboard go
through the policy (a case the coordinator may not see is in no count)."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar, cast

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as Conditional
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise

from access import policy
from access.doors import MAYOR_ESCALATION_FIELDS
from accounts.types import Actor
from cases.models import Action, Case, Escalation
from conferences.models import AgendaItem, Attendance
from referrals import selectors as referral_selectors
from referrals.models import Referral

T = TypeVar("T")


@dataclass
class Figure:
    label: str | Promise  # a translated label is lazy
    value: object
    url: str = ""


@dataclass
class Dashboard:
    by_status: list[Figure] = field(default_factory=list)
    screening: list[Figure] = field(default_factory=list)
    timing: list[Figure] = field(default_factory=list)
    overdue_by_agency: list[Figure] = field(default_factory=list)
    attendance_by_agency: list[dict] = field(default_factory=list)
    closures: list[Figure] = field(default_factory=list)
    coming_up: list[Figure] = field(default_factory=list)
    # When the board was worked out (dashboard), and its year's timings and attendance
    # (_city_figures).
    as_of: datetime | None = None
    city_as_of: datetime | None = None
    # Beyond the TOP_AGENCIES with the most overdue actions: (agencies, actions).
    overdue_elsewhere: tuple[int, int] | None = None


def _days(duration: timedelta | None) -> str:
    if duration is None:
        return "—"
    return f"{duration.total_seconds() / 86400:.1f}"


# A coordinator's board is worked out at most every DASHBOARD_SECONDS (the page says when):
# its dozen aggregates over the cases they see cost more than the rest of the page together,
# and grow as PostgreSQL's cache holds less of a larger city (bench/README.md). The cache key
# is the reader and the policy's filters, so a change of what the policy shows them (another
# agency, another role) is a new board at once; a grant given or withdrawn meanwhile changes
# the counts within DASHBOARD_SECONDS, and every figure links to its list, which applies the
# policy when it is opened.
DASHBOARD_SECONDS = 300
TOP_AGENCIES = 10


def dashboard(*, user: Actor) -> Dashboard:
    if not policy.may_see_dashboard(user):
        raise Http404
    filters = (
        policy.dashboard_case_filter(user),
        policy.referral_screening_filter(user),
        policy.case_filter(user, case_field="case_id"),
    )
    return _kept(
        f"dashboard:{user.pk}", filters, DASHBOARD_SECONDS, lambda: _work_out_dashboard(user)
    )


def _kept(name: str, filters: object, seconds: int, work: Callable[[], T]) -> T:
    """What `work` gives, kept `seconds` in the cache under `name` and a digest of the policy's
    filters it was worked out under (so a reader the policy shows something else never gets it)."""
    key = f"{name}:" + hashlib.sha256(repr(filters).encode()).hexdigest()
    return cast(T, cache.get_or_set(key, work, seconds))  # what work gave, or its kept copy


def _work_out_dashboard(user: Actor) -> Dashboard:
    cases_url = reverse("cases:list")
    today = timezone.localdate()
    year_ago = timezone.now() - timedelta(days=365)
    # Destroyed cases are still counted, as empty shells (the policy says whose).
    cases = Case.objects.filter(policy.dashboard_case_filter(user))
    board = Dashboard(as_of=timezone.now())

    # Every count over the visible cases in one pass: the visible set is worked out once.
    figures = cases.aggregate(
        **{
            f"status_{value}": Count("pk", filter=Q(status=value))
            for value, _label in Case.Status.choices
        },
        **{
            f"closed_{value}": Count("pk", filter=Q(closed_at__gte=year_ago, closure_reason=value))
            for value, _label in Case.ClosureReason.choices
        },
        repeats=Count("pk", filter=Q(repeat_of__isnull=False, opened_at__gte=year_ago)),
        reviews=Count(
            "pk",
            filter=Q(next_review_date__lte=today + timedelta(days=14))
            & ~Q(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE]),
        ),
    )
    counts = {value: figures[f"status_{value}"] for value, _label in Case.Status.choices}
    board.by_status = [
        Figure(label, counts.get(value, 0), f"{cases_url}?status={value}")
        for value, label in Case.Status.choices
    ]

    queue = referral_selectors.screening_list(user=user)
    waiting = queue.aggregate(n=Count("pk"), oldest=Min("submitted_at"))
    screening_url = reverse("referrals:screening")
    board.screening = [
        Figure("waiting", waiting["n"], screening_url),
        Figure(
            "oldest",
            _days(timezone.now() - waiting["oldest"]) if waiting["oldest"] else "—",
            screening_url,
        ),
        Figure("overdue", referral_selectors.screening_overdue_count(user=user), screening_url),
    ]

    city = _city_figures(user)
    board.timing = [
        Figure("referral_to_screening", city["to_screening"], screening_url),
        Figure("referral_to_conference", city["to_conference"], reverse("conferences:list")),
    ]
    board.attendance_by_agency = city["attendance"]
    board.city_as_of = city["as_of"]

    overdue = Action.objects.filter(
        policy.case_filter(user, case_field="case_id"),
        status=Action.Status.OPEN,
        due_date__lt=today,
    )
    board.overdue_by_agency = [
        Figure(name, n, f"{cases_url}?overdue=on&action_agency={agency_id}")
        for agency_id, name, n in overdue.values_list("owner_agency", "owner_agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner_agency__name")
    ]
    # The agencies with the most, and the others together (a bar each for 180 agencies was
    # neither readable nor cheap to draw in a large city: bench/README.md).
    if len(board.overdue_by_agency) > TOP_AGENCIES + 1:
        rest = board.overdue_by_agency[TOP_AGENCIES:]
        board.overdue_by_agency = board.overdue_by_agency[:TOP_AGENCIES]
        board.overdue_elsewhere = (len(rest), sum(int(str(f.value)) for f in rest))

    closed = {value: figures[f"closed_{value}"] for value, _label in Case.ClosureReason.choices}
    board.closures = [
        Figure(label, closed.get(value, 0), f"{cases_url}?status=closed&closure_reason={value}")
        for value, label in Case.ClosureReason.choices
    ]

    coming = figures
    releases = referral_selectors.upcoming_prison_releases(user=user, days=90).count()
    board.coming_up = [
        Figure("repeats", coming["repeats"], f"{cases_url}?repeat=on"),
        Figure("reviews", coming["reviews"], f"{cases_url}?review_within=14"),
        Figure("prison_releases", releases, reverse("referrals:prison_release_list")),
    ]
    return board


# The year's timings and the meetings' attendance are figures of the whole city's year, the
# same for everyone the policy shows the same referrals, and they grow with the city (a year
# of referrals to average: 100 ms at a million cases; bench/README.md). They are worked out
# once per CITY_FIGURES_SECONDS for all of those readers, the cache keyed by the policy's
# filter itself, so a reader whom the policy shows other referrals never gets another's.
CITY_FIGURES_SECONDS = 600


def _city_figures(user: Actor) -> dict:
    screening = policy.referral_screening_filter(user)
    return _kept(
        "dashboard-city-figures",
        screening,
        CITY_FIGURES_SECONDS,
        lambda: _work_out_city_figures(screening),
    )


def _work_out_city_figures(screening: Q) -> dict:
    year_ago = timezone.now() - timedelta(days=365)
    decided = Referral.objects.filter(
        screening,
        decided_at__gte=year_ago,
        submitted_at__isnull=False,
    )
    to_screening = decided.aggregate(
        avg=Avg(
            ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
        )
    )["avg"]
    first_conference = (
        AgendaItem.objects.filter(case=OuterRef("case"))
        .exclude(decision="")
        .order_by("meeting__starts_at")
        .values("meeting__starts_at")[:1]
    )
    to_conference = (
        decided.filter(case__isnull=False)
        .annotate(first=Subquery(first_conference))
        .filter(first__isnull=False)
        .aggregate(
            avg=Avg(ExpressionWrapper(F("first") - F("submitted_at"), output_field=DurationField()))
        )["avg"]
    )

    attendance = (
        Attendance.objects.filter(
            meeting__starts_at__gte=year_ago, meeting__starts_at__lte=timezone.now()
        )
        .values("user__profile__agency__name")
        .annotate(
            present=Count("pk", filter=Q(status__in=["present", "delegate"])),
            apologies=Count("pk", filter=Q(status="apologies")),
            absent=Count("pk", filter=Q(status="invited")),
        )
        .order_by("user__profile__agency__name")
    )

    return {
        "to_screening": _days(to_screening),
        "to_conference": _days(to_conference),
        "attendance": list(attendance),
        "as_of": timezone.now(),
    }


# --- The mayor's office ----------------------------------------------------------------------


OPEN_ESCALATION = (Escalation.Status.RAISED, Escalation.Status.UNDER_REVIEW)


def mayor_escalations(*, user: Actor, open_only: bool = False, q: str = "") -> QuerySet[Escalation]:
    """Escalations addressed to the mayor or the MAC: the short text and the decision asked,
    never the case. Those waiting for a decision first (or only them), newest first within
    each; `q` finds them by those two texts, which the reader sees. (One of them:
    access.doors.access_mayor_escalation.)"""
    escalations = (
        Escalation.objects.filter(policy.mayor_escalation_filter(user))
        .only(*MAYOR_ESCALATION_FIELDS)
        .annotate(
            waiting=Conditional(When(status__in=OPEN_ESCALATION, then=Value(0)), default=Value(1))
        )
        .order_by("waiting", "-raised_at", "-pk")
    )
    if q:
        escalations = escalations.filter(
            Q(summary__icontains=q) | Q(decision_requested__icontains=q)
        )
    return escalations.filter(status__in=OPEN_ESCALATION) if open_only else escalations
