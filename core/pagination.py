from collections.abc import Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


def paginate(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], per_page: int = PAGE_SIZE
) -> Page:
    """The page of `items` the request asks for (?page=); the last one for a page past the end,
    the first for one that is not a number."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query (a search, filters) without ?page=, for the links to other pages."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
