"""Reads of the audit log: who has read a case, and the audit log's own pages, each through
the policy (which rows a reader lists, and whose recorded values they see)."""

from datetime import date, datetime, time

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case as Conditional
from django.db.models import F, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.utils import timezone

from access import policy
from accounts.selectors import user_name_matches
from accounts.types import Actor, User
from audit.activities import ACTIVITY_KEY
from audit.models import ProcessingActivity
from cases.models import Attachment, Case
from core.i18n import in_any_language


def case_reads(*, user: Actor, case: Case, q: str = "") -> QuerySet[LogEntry]:
    """Who has read this case and its documents, newest first; `q` finds the reads of a reader
    by a part of their name or user name."""
    if not policy.may_see_read_audit(user):
        raise Http404
    types = ContentType.objects.get_for_models(Case, Attachment)
    attachment_ids = [
        str(pk) for pk in Attachment.objects.filter(entry__case=case).values_list("pk", flat=True)
    ]
    reads = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).filter(
        Q(content_type=types[Case], object_pk=str(case.pk))
        | Q(content_type=types[Attachment], object_pk__in=attachment_ids)
    )
    if q:
        reads = reads.filter(user_name_matches(q, path="actor__"))
    return reads.select_related("actor", "content_type").order_by("-timestamp")


# The processing activity a row served (audit.activities) is no content: every reader sees it.
AUDIT_COLUMNS = (
    "timestamp",
    "actor__username",
    "action",
    "content_type__model",
    "object_pk",
    "activity",
)
# The recorded values, each under its own name: shown (not NULL) only where the policy lets
# the reader read the object the row is about (policy.audit_values_filter).
AUDIT_DETAIL_COLUMNS = {
    "object_name": "object_repr",
    "changed_text": "changes_text",
    "changed_values": "changes",
    "extra_data": "additional_data",
}


def audit_columns(*, user: Actor) -> tuple[str, ...]:
    """What a reader of the audit log sees of each row (the policy says whose changes)."""
    if not policy.may_browse_audit(user):
        raise Http404
    columns: tuple[str, ...] = (*AUDIT_COLUMNS, "remote_addr")
    if policy.may_see_audit_changes(user):
        columns += tuple(AUDIT_DETAIL_COLUMNS)
    return columns


def audit_log(
    *,
    user: Actor,
    actor: User | None = None,
    object_type: ContentType | None = None,
    object_id: str = "",
    activity: ProcessingActivity | None = None,
    since: date | None = None,
    until: date | None = None,
) -> QuerySet:
    """Audit rows newest first, as dicts of the columns the user may see; filtered in SQL:
    only rows the policy lists for the user, with the values only where they may read them."""
    columns = audit_columns(user=user)
    rows = LogEntry.objects.filter(policy.audit_entry_filter(user)).annotate(
        activity=KeyTextTransform(ACTIVITY_KEY, "additional_data")
    )
    if actor is not None:
        rows = rows.filter(actor=actor)
    if object_type is not None:
        rows = rows.filter(content_type=object_type)
    if object_id.strip():
        rows = rows.filter(object_pk=object_id.strip())
    if activity is not None:
        rows = rows.filter(**{f"additional_data__{ACTIVITY_KEY}": activity.code})
    zone = timezone.get_current_timezone()
    if since is not None:
        rows = rows.filter(timestamp__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until is not None:
        rows = rows.filter(timestamp__lte=datetime.combine(until, time.max, tzinfo=zone))
    if policy.may_see_audit_changes(user):
        readable = policy.audit_values_filter(user)
        rows = rows.annotate(
            **{
                name: Conditional(When(readable, then=F(field)), default=Value(None))
                for name, field in AUDIT_DETAIL_COLUMNS.items()
            }
        )
    return rows.order_by("-timestamp", "-pk").values("pk", *columns)


# --- The register of processing activities (GDPR art. 30) -------------------------------------


def processing_activities(*, user: Actor, q: str = "") -> QuerySet[ProcessingActivity]:
    """The register, by code; `q` finds activities by their name (in any language), code or
    purpose."""
    if not policy.may_read_processing_register(user):
        raise Http404
    activities = ProcessingActivity.objects.select_related("updated_by")
    if q:
        activities = activities.filter(
            in_any_language("name", q) | Q(code__icontains=q) | Q(purpose__icontains=q)
        )
    return activities.order_by("code")


def activity_names() -> dict[str, str]:
    """{code: name in the reader's language}: for naming the activity of audit rows (one
    query a page; the register holds no personal data)."""
    return {activity.code: activity.name for activity in ProcessingActivity.objects.all()}
