"""The read audit: every view of a case, an attachment, a release, an escalation or minutes,
and of the pages that list them (DESIGN 3, rule 6). One LogEntry row per page view."""

from collections.abc import Iterable, Iterator

from auditlog.models import LogEntry
from django.db.models import Model


def record_read(*, user, obj: Model, what: str = "", **details) -> LogEntry:
    """Log that `user` read `obj`, and `what` of it, with any `details` (what they searched
    for). The address comes from auditlog's middleware context."""
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        actor=user,
        force_log=True,
        additional_data={"read": what, **details} if what else None,
    )


# --- The read audit of pages that list protected objects -------------------------------------


class ShownRows:
    """A list a page may show, fetched only if its template uses it, remembered for the read
    audit. Templates test it (`{% if rows %}`) and loop over it, as over a list."""

    def __init__(self, rows: Iterable) -> None:
        self._source = rows
        self._rows: list | None = None

    def _fetch(self) -> list:
        if self._rows is None:
            self._rows = list(self._source)
        return self._rows

    def __iter__(self) -> Iterator:
        return iter(self._fetch())

    def __len__(self) -> int:
        return len(self._fetch())

    def __bool__(self) -> bool:
        return bool(self._fetch())

    def shown(self) -> list:
        """The rows the page showed: none if it never used them."""
        return self._rows or []


def record_list_read(
    *, user, page: str, shown: dict[str, Iterable], searched: dict | None = None
) -> LogEntry | None:
    """One read-audit row for a page that lists protected objects (DESIGN 3, rule 6): the
    reader, the page and the ids of what it showed, kind by kind, and for a search what was
    searched for (`searched`: the term, the filters). No row when the page showed nothing,
    unless it was a search: what a reader looks for is worth knowing even when nothing matched.
    One INSERT whatever the length of the lists (their rows are already loaded: a paginator's
    page, or ShownRows after the template used them). The row is filed under the reader's
    account, as a list has no one object; its ids name what was read."""
    parts = []
    for kind, rows in shown.items():
        rows = rows.shown() if isinstance(rows, ShownRows) else list(rows)
        if rows:
            parts.append(f"{kind} {', '.join(str(row.pk) for row in rows)}")
    if not parts and searched is None:
        return None
    what = f"{page}: {'; '.join(parts)}" if parts else page
    return record_read(user=user, obj=user, what=what, **(searched or {}))
