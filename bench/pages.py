"""The key pages of the benchmark, as the bench-* users of bench/synthetic.py reach them.

Used by the load driver (bench/run.py) and by the CI smoke test (tests/test_scale_smoke.py),
so both measure the same pages with the same users.
"""

import math
import random
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from bench.synthetic import BENCH_USERNAMES, LAST_NAMES

PAGE_SIZE = 25
DEEP_PAGE = 40  # "a deep page": page 40 (rows 976-1000), or the last page if there are fewer
CASE_WORKERS = (Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR, Role.INFORMATION_OFFICER)
LIST_FILTER = "status=active_support"
SEARCH_TERM = LAST_NAMES[0]


@dataclass
class Page:
    name: str
    # Per role, the URLs a user of that role requests (the driver goes round them).
    urls: dict[str, list[str]] = field(default_factory=dict)


def bench_users() -> dict[str, object]:
    User = get_user_model()
    by_name = {u.username: u for u in User.objects.filter(username__in=BENCH_USERNAMES.values())}
    return {role: by_name[name] for role, name in BENCH_USERNAMES.items() if name in by_name}


def _deep_page(user) -> int:
    from cases import selectors

    count = selectors.case_list(
        user=user, filters=selectors.CaseFilters(status="active_support")
    ).count()
    return max(1, min(DEEP_PAGE, math.ceil(count / PAGE_SIZE)))


def _case_urls(user, samples: int, rng: random.Random) -> list[str]:
    """The first, a case with something in every section (its queries are the most a case page
    makes, whatever the size); then a random sample of the user's cases."""
    from django.db.models import Exists, OuterRef

    from accounts.models import Level
    from cases import selectors
    from cases.models import Assessment, ChronologyEntry, Escalation

    visible = selectors.visible_cases(user=user).order_by("-pk")
    full = visible.filter(
        Exists(Assessment.objects.filter(case=OuterRef("pk"), level__lte=Level.L2)),
        Exists(Escalation.objects.filter(case=OuterRef("pk"))),
        Exists(ChronologyEntry.objects.filter(case=OuterRef("pk"), level=Level.L1)),
    ).values_list("reference", flat=True)
    references = list(visible.values_list("reference", flat=True)[:2000])
    chosen = [*full[:1], *rng.sample(references, min(samples, len(references)))]
    return [reverse("cases:detail", args=[ref]) for ref in chosen]


def key_pages(*, detail_samples: int = 50, seed: int = 7) -> list[Page]:
    """Every key page of the issue, with the roles that use it."""
    from conferences.models import Meeting

    rng = random.Random(seed)  # noqa: S311 (which pages to sample, not a secret)
    users = bench_users()
    workers = [role for role in CASE_WORKERS if role in users]
    cases_url = reverse("cases:list")
    pages = [
        Page("home", {role: [reverse("home")] for role in users}),
        Page("case_list", {role: [f"{cases_url}?{LIST_FILTER}"] for role in workers}),
        Page(
            "case_list_deep",
            {
                role: [f"{cases_url}?{LIST_FILTER}&page={_deep_page(users[role])}"]
                for role in workers
            },
        ),
        Page("case_search", {role: [f"{cases_url}?q={SEARCH_TERM}"] for role in workers}),
        Page(
            "case_detail",
            {role: _case_urls(users[role], detail_samples, rng) for role in workers},
        ),
        Page(
            "release_list",
            {
                role: [reverse("releases:list")]
                for role in (Role.YOUTH_WORKER, Role.PARTNER, Role.SOCIAL_WORKER)
                if role in users
            },
        ),
    ]
    member = users.get(Role.SOCIAL_WORKER)
    meetings = Meeting.objects.filter(series__core_members=member).order_by("starts_at")
    upcoming = meetings.filter(status=Meeting.Status.PUBLISHED).first()
    final = meetings.filter(status=Meeting.Status.FINAL).last()
    if upcoming is not None:
        pages.append(Page("agenda", {role: [upcoming.get_absolute_url()] for role in workers}))
    chair = users.get(Role.COORDINATOR)
    if upcoming is not None and chair is not None:
        # The chair's live screen of the published meeting's first item the chair sees, on the
        # case with the most chronology (issue 17).
        from django.db.models import Count

        from conferences import selectors as conference_selectors

        item = (
            conference_selectors.live_agenda(user=chair, meeting=upcoming)
            .filter(case__isnull=False)
            .annotate(entries=Count("case__entries"))
            .order_by("-entries", "pk")
            .first()
        )
        if item is not None:
            live = reverse("conferences:live_item", args=[upcoming.pk, item.pk])
            pages.append(Page("live_item", {Role.COORDINATOR: [live]}))
    if final is not None:
        minutes = reverse("conferences:minutes", args=[final.pk])
        pages.append(Page("minutes", {role: [minutes] for role in workers}))
    if Role.COORDINATOR in users:
        pages.append(Page("dashboard", {Role.COORDINATOR: [reverse("oversight:dashboard")]}))
    pages.append(
        Page(
            "referral_screening",
            {
                role: [reverse("referrals:screening")]
                for role in (Role.COORDINATOR, Role.POLICE, Role.INFORMATION_OFFICER)
                if role in users
            },
        )
    )
    return pages


# A read of a case, an agenda or minutes is logged, and the log row sealed into the audit chain
# as it commits (audit/reads.py, audit/chain.py): those statements, and the transaction's own,
# are not the page's queries (the budget of issue 20 is on the page's own).
AUDIT = re.compile(r"auditlog_logentry|audit_auditseal|audit_auditretentionrun|pg_advisory")
TRANSACTION = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT)\b")


@dataclass
class QueryCount:
    page: str
    role: str
    url: str
    status: int
    queries: int
    sql: list[str] = field(default_factory=list)

    @property
    def own(self) -> list[str]:
        """The page's own queries: neither the read audit's nor the transaction's statements."""
        return [q for q in self.sql if not AUDIT.search(q) and not TRANSACTION.match(q)]

    @property
    def audit(self) -> list[str]:
        return [q for q in self.sql if AUDIT.search(q)]


def count_queries(pages: list[Page], *, client_factory=Client, on_commit=None) -> list[QueryCount]:
    """Each page once per role, through Django's test client: the queries one request makes
    (session, user, page, audit row and its seal). `on_commit` wraps each request where the
    caller runs inside a transaction (the tests), so the audit seal is counted there too."""
    users = bench_users()
    counts = []
    for page in pages:
        for role, urls in page.urls.items():
            client = client_factory()
            client.force_login(users[role])
            client.get(urls[0])  # the first request of a session writes it; count the next
            # ... with nothing kept from the first (the dashboard keeps a reader's board for a
            # few minutes): the queries a page makes when it works everything out.
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                if on_commit is not None:
                    with on_commit():
                        response = client.get(urls[0])
                else:
                    response = client.get(urls[0])
            counts.append(
                QueryCount(
                    page=page.name,
                    role=str(role),
                    url=urls[0],
                    status=response.status_code,
                    queries=len(queries),
                    sql=[q["sql"] for q in queries],
                )
            )
    return counts
