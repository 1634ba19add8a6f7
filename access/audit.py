"""The read audit: every view of a case, an attachment, a release, an escalation or minutes."""

from auditlog.models import LogEntry
from django.db.models import Model


def record_read(*, user, obj: Model, what: str = "") -> LogEntry:
    """Log that `user` read `obj`. The address comes from auditlog's middleware context."""
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        actor=user,
        force_log=True,
        additional_data={"read": what} if what else None,
    )
