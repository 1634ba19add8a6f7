"""Aggregate statistics (L0): counts only, never a person; counts below 5 are suppressed.

Every function runs a fixed number of aggregate queries, whatever the number of rows.
"""

from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency
from cases.models import Case, ConcernCategory, Person
from conferences.models import AgendaItem
from referrals.models import Referral

SUPPRESS_BELOW = 5
FEWER_THAN = gettext_lazy("fewer than 5")
AGE_BANDS = [
    (0, 11, "0–11"),
    (12, 15, "12–15"),
    (16, 17, "16–17"),
    (18, 24, "18–24"),
    (25, 34, "25–34"),
    (35, 200, "35+"),
]
UNKNOWN = gettext_lazy("unknown")


@dataclass
class Row:
    label: str
    count: int
    suppressed: bool = False
    url: str = ""  # the list behind the count, where there is one (the dashboard)

    @property
    def shown(self) -> str:
        return str(FEWER_THAN) if self.suppressed else str(self.count)


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    show_total: bool = True

    @property
    def total(self) -> Row:
        total = sum(r.count for r in self.rows)
        return Row(_("Total"), total, suppressed=total < SUPPRESS_BELOW)


def suppress(rows: list[Row]) -> list[Row]:
    """Small counts hidden; if exactly one is hidden, the next smallest too, so that it cannot
    be worked out from the total."""
    for row in rows:
        row.suppressed = row.count < SUPPRESS_BELOW
    hidden = [r for r in rows if r.suppressed]
    if len(hidden) == 1:
        shown = sorted((r for r in rows if not r.suppressed), key=lambda r: r.count)
        if shown:
            shown[0].suppressed = True
    return rows


def _table(
    key: str, title: str, counts: dict, labels: dict | None = None, order: list | None = None
) -> Table:
    labels = labels or {}
    keys = order if order is not None else sorted(counts, key=lambda k: str(labels.get(k, k)))
    rows = [
        Row(str(labels.get(k, k if k not in (None, "") else UNKNOWN)), counts.get(k, 0))
        for k in keys
    ]
    return Table(key, title, suppress(rows))


def _referrals(year: int):
    return Referral.objects.exclude(status=Referral.Status.DRAFT).filter(submitted_at__year=year)


def _age_band():
    age = ExtractYear("submitted_at") - ExtractYear("date_of_birth")
    return SqlCase(
        *[
            When(Q(date_of_birth__isnull=False) & Q(age__gte=low, age__lte=high), then=Value(i))
            for i, (low, high, _label) in enumerate(AGE_BANDS)
        ],
        default=Value(-1),
        output_field=IntegerField(),
    ), age


def yearly(year: int) -> list[Table]:
    """The statistics of one calendar year, as tables."""
    referrals = _referrals(year)
    by_sector = dict(referrals.values_list("referrer_agency__kind").annotate(n=Count("pk")))
    by_category = dict(
        referrals.values_list("case__categories__name").annotate(n=Count("pk", distinct=True))
    )
    band, age = _age_band()
    by_band = dict(
        referrals.annotate(age=age).annotate(band=band).values_list("band").annotate(n=Count("pk"))
    )
    by_gender = dict(referrals.values_list("gender").annotate(n=Count("pk")))
    by_month = dict(
        referrals.annotate(m=ExtractMonth("submitted_at")).values_list("m").annotate(n=Count("pk"))
    )
    discussed = AgendaItem.objects.filter(
        meeting__starts_at__year=year, case__isnull=False
    ).exclude(decision="")
    outcomes = discussed.aggregate(
        discussed=Count("case", distinct=True),
        adopted=Count("case", distinct=True, filter=Q(decision=AgendaItem.Decision.ADOPT)),
    )
    closed = dict(
        Case.objects.filter(closed_at__year=year)
        .values_list("closure_reason")
        .annotate(n=Count("pk"))
    )
    category_names = list(ConcernCategory.objects.values_list("name", flat=True))
    return [
        _table(
            "sector",
            _("Referrals by source sector"),
            by_sector,
            dict(Agency.Kind.choices),
            order=[k for k, _l in Agency.Kind.choices],
        ),
        _table(
            "category",
            _("Referrals by concern category"),
            by_category,
            {None: _("not (yet) a case")},
            order=[*category_names, None],
        ),
        _table(
            "age",
            _("Referrals by age band"),
            by_band,
            {i: label for i, (_lo, _hi, label) in enumerate(AGE_BANDS)} | {-1: UNKNOWN},
            order=[*range(len(AGE_BANDS)), -1],
        ),
        _table(
            "gender",
            _("Referrals by gender"),
            by_gender,
            dict(Person.Gender.choices),
            order=[k for k, _l in Person.Gender.choices],
        ),
        _table(
            "month",
            _("Referrals by month"),
            by_month,
            {m: _month_name(m) for m in range(1, 13)},
            order=list(range(1, 13)),
        ),
        _table(
            "cases",
            _("Cases at the conference"),
            {
                "discussed": outcomes["discussed"],
                "adopted": outcomes["adopted"],
                "closed": sum(closed.values()),
            },
            {"discussed": _("Discussed"), "adopted": _("Adopted"), "closed": _("Closed")},
            order=["discussed", "adopted", "closed"],
        ),
        _table(
            "closures",
            _("Closures by reason"),
            closed,
            dict(Case.ClosureReason.choices),
            order=[k for k, _l in Case.ClosureReason.choices],
        ),
    ]


def _month_name(month: int) -> str:
    return str(MONTHS_3[month]).capitalize()


def years_available() -> list[int]:
    first = (
        Referral.objects.exclude(submitted_at=None)
        .order_by("submitted_at")
        .values_list("submitted_at__year", flat=True)
        .first()
    )
    this = timezone.localdate().year
    return list(range(this, (first or this) - 1, -1))
