"""Several counts in one round trip to the database."""

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_together(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """What `.count()` gives for each queryset, asked in one SELECT of scalar subqueries (a
    home page's tiles: one query, however many tiles)."""
    counts: dict[str, int] = {}
    parts: list[str] = []
    params: list = []
    asked: list[str] = []
    using = "default"
    for name, queryset in querysets.items():
        try:
            sql, sql_params = queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            counts[name] = 0
            continue
        using = queryset.db
        # Django's own compiled SQL, its values passed apart as parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608
        params.extend(sql_params)
        asked.append(name)
    if parts:
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(asked, cursor.fetchone(), strict=True))
    return {name: counts[name] for name in querysets}
