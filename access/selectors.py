"""Reads for access requests and the read audit."""

from collections.abc import Iterable, Iterator

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404

from access import policy
from access.audit import record_read
from access.models import AccessRequest
from releases.models import Release

# --- Access requests -------------------------------------------------------------------------


def access_requests_of(*, user) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(requested_by=user).order_by("-requested_at")


def access_requests_to_decide(*, user) -> QuerySet[AccessRequest]:
    """Pending requests on cases the user sees and whose team they manage (owner, coordinator)."""
    return (
        AccessRequest.objects.filter(
            policy.access_request_decider_filter(user), status=AccessRequest.Status.PENDING
        )
        .select_related("case", "requested_by__profile__agency")
        .order_by("requested_at")
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


def record_list_read(*, user, page: str, shown: dict[str, Iterable]) -> LogEntry | None:
    """One read-audit row for a page that lists protected objects (DESIGN 3, rule 6): the
    reader, the page and the ids of what it showed, kind by kind; no row when it showed nothing.
    One INSERT whatever the length of the lists (their rows are already loaded: a paginator's
    page, or ShownRows after the template used them). The row is filed under the reader's
    account, as a list has no one object; its ids name what was read."""
    parts = []
    for kind, rows in shown.items():
        rows = rows.shown() if isinstance(rows, ShownRows) else list(rows)
        if rows:
            parts.append(f"{kind} {', '.join(str(row.pk) for row in rows)}")
    if not parts:
        return None
    return record_read(user=user, obj=user, what=f"{page}: {'; '.join(parts)}")


# --- Read audit ------------------------------------------------------------------------------


def case_reads(*, user, case) -> QuerySet[LogEntry]:
    """Who has read this case and its documents, newest first."""
    if not policy.may_see_read_audit(user):
        raise Http404
    from cases.models import Attachment, Case

    types = ContentType.objects.get_for_models(Case, Attachment)
    attachment_ids = [
        str(pk) for pk in Attachment.objects.filter(entry__case=case).values_list("pk", flat=True)
    ]
    return (
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        .filter(
            Q(content_type=types[Case], object_pk=str(case.pk))
            | Q(content_type=types[Attachment], object_pk__in=attachment_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp")
    )


def person_access_report(*, user, person) -> dict:
    """For a subject-access request: every case of the person, who read what and when, and
    what was released from those cases."""
    if not policy.may_run_subject_access_report(user):
        raise Http404
    from cases.models import Case, ChronologyEntry

    cases = list(Case.objects.filter(person=person).order_by("opened_at"))
    case_ids = [str(c.pk) for c in cases]
    types = ContentType.objects.get_for_models(Case, ChronologyEntry)
    reads = (
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            content_type=types[Case],
            object_pk__in=case_ids,
        )
        .select_related("actor")
        .order_by("timestamp")
    )
    releases = Release.objects.filter(case__in=cases).prefetch_related(
        "recipient_users", "recipient_agencies"
    )
    return {"person": person, "cases": cases, "reads": reads, "releases": releases}


# --- Security and data protection: browsing the audit log ------------------------------------

AUDIT_COLUMNS = ("timestamp", "actor__username", "action", "content_type__model", "object_pk")
# The recorded values, each under its own name: shown (not NULL) only where the policy lets
# the reader read the object the row is about (policy.audit_values_filter).
AUDIT_DETAIL_COLUMNS = {
    "object_name": "object_repr",
    "changed_text": "changes_text",
    "changed_values": "changes",
    "extra_data": "additional_data",
}


def audit_columns(*, user) -> tuple[str, ...]:
    """What a reader of the audit log sees of each row (the policy says whose changes)."""
    if not policy.may_browse_audit(user):
        raise Http404
    columns = (*AUDIT_COLUMNS, "remote_addr")
    if policy.may_see_audit_changes(user):
        columns += tuple(AUDIT_DETAIL_COLUMNS)
    return columns


def audit_log(
    *,
    user,
    actor=None,
    object_type=None,
    object_id: str = "",
    since=None,
    until=None,
) -> QuerySet:
    """Audit rows newest first, as dicts of the columns the user may see; filtered in SQL:
    only rows the policy lists for the user, with the values only where they may read them."""
    from datetime import datetime, time

    from django.db.models import Case, F, Value, When
    from django.utils import timezone

    columns = audit_columns(user=user)
    rows = LogEntry.objects.filter(policy.audit_entry_filter(user))
    if actor is not None:
        rows = rows.filter(actor=actor)
    if object_type is not None:
        rows = rows.filter(content_type=object_type)
    if object_id.strip():
        rows = rows.filter(object_pk=object_id.strip())
    zone = timezone.get_current_timezone()
    if since is not None:
        rows = rows.filter(timestamp__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        rows = rows.filter(timestamp__lte=datetime.combine(until, time.max, tzinfo=zone))
    if policy.may_see_audit_changes(user):
        readable = policy.audit_values_filter(user)
        rows = rows.annotate(
            **{
                name: Case(When(readable, then=F(field)), default=Value(None))
                for name, field in AUDIT_DETAIL_COLUMNS.items()
            }
        )
    return rows.order_by("-timestamp", "-pk").values("pk", *columns)
