"""The synthetic city of `seed_scale` at two small sizes (bench/README.md): every key page
answers each role that uses it, within the query budget, and no page makes more queries when
the city grows. Timings are the benchmark's business (bench/run.py), not CI's."""

import pytest

from bench import synthetic
from bench.pages import count_queries, key_pages

pytestmark = pytest.mark.clock

# Issue 20's budget: every key page at 10 queries of its own or fewer (bench/README.md).
# A read of a case, an agenda or minutes is logged, and the log row sealed into the audit chain
# as it commits: those statements are counted apart (bench.pages.QueryCount.own / .audit).
QUERY_BUDGET = 10
SMALL, LARGER = 0.01, 0.03
AUDITED_PAGES = {
    "case_detail",
    "case_list",
    "case_list_deep",
    "case_search",
    "agenda",
    "minutes",
    "live_item",
}
# Pages that list protected rows log one read when they show some, none when they show nothing
# (issue 14): a role's home, the release list, the screening queue.
MAY_AUDIT = AUDITED_PAGES | {"home", "release_list", "referral_screening"}


def measure(scale_factor: float, on_commit) -> dict[tuple[str, str], tuple[int, int]]:
    """(page, role) -> (queries of the page itself, statements of its read audit)."""
    synthetic.wipe()
    synthetic.seed(scale=scale_factor, password="")
    counts = {}
    for count in count_queries(key_pages(detail_samples=1), on_commit=on_commit):
        assert count.status == 200, (count.page, count.role, count.url, count.status)
        counts[count.page, count.role] = (len(count.own), len(count.audit))
    return counts


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    # Inside the test's transaction, run the audit seal where a request would: at commit.
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_every_key_page_keeps_its_query_budget_whatever_the_size(db, on_commit):
    small = measure(SMALL, on_commit)
    larger = measure(LARGER, on_commit)

    assert set(small) == set(larger)
    pages = {page for page, _role in small}
    assert pages >= {
        "home",
        "case_list",
        "case_list_deep",
        "case_search",
        "case_detail",
        "release_list",
        "agenda",
        "minutes",
        "live_item",
        "dashboard",
        "referral_screening",
    }
    over = {key: n for key, (n, _audit) in larger.items() if n > QUERY_BUDGET}
    assert not over, f"over {QUERY_BUDGET} queries: {over}"
    grew = {key: (small[key], larger[key]) for key in small if larger[key] != small[key]}
    assert not grew, f"query counts that grew with the data: {grew}"
    for (page, role), (_n, audit) in larger.items():
        # One log row and its seal, for exactly the pages that log a read.
        assert (page in AUDITED_PAGES) <= (audit > 0) <= (page in MAY_AUDIT), (page, role, audit)
