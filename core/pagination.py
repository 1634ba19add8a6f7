from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 25
# A list counts at most this many rows (40 pages): the information officer sees every case,
# and counting 100 000 of them, or every case whose person's name holds a common word, on
# each page view costs more than the page itself and grows with the city (bench/README.md).
# Nobody pages past it; a search or a filter narrows it.
COUNT_CAP = 1_000
# A search counts at most this many: past it, a word more finds the person sooner than pages
# would, and counting every case whose person's name holds a common word is the costliest
# query an information officer's search can make (bench/README.md).
SEARCH_COUNT_CAP = 100


class CappedPaginator(Paginator):
    """A paginator that counts up to `cap` rows (COUNT over a LIMIT): `capped` says whether
    there are more, and the pages stop at the cap."""

    def __init__(self, *args: Any, cap: int = COUNT_CAP, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    per_page: int = PAGE_SIZE,
    *,
    cap: int | None = None,
) -> Page:
    """The page of `items` the request asks for (?page=); the last one for a page past the end,
    the first for one that is not a number. cap: count at most this many rows
    (CappedPaginator), for a list that may hold a whole city."""
    paginator = (
        Paginator(items, per_page) if cap is None else CappedPaginator(items, per_page, cap=cap)
    )
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query (a search, filters) without ?page=, for the links to other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
