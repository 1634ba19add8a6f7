"""The audit log's own retention (DESIGN 4.8): kept longer than the cases it describes
(AUDIT_LOG_RETENTION_YEARS), then removed from the oldest end of the chain.

On PostgreSQL the append-only trigger refuses every DELETE from the application, so the
removal goes through `msc_audit_purge`, a SECURITY DEFINER function created by migration audit
0002 that alone may switch the trigger's guard on, and only for rows older than a year. The
last removed seal is recorded as the anchor from which the remaining chain is verified.
"""

import logging
from datetime import datetime, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import SecurityEvent
from audit import chain
from audit.models import AuditRetentionRun, AuditSeal
from core.dates import years_before

logger = logging.getLogger("msc.retention")


def audit_cutoff(now: datetime | None = None) -> datetime:
    return years_before(now or timezone.now(), settings.AUDIT_LOG_RETENTION_YEARS)


@transaction.atomic
def audit_log_apply_retention(*, now: datetime | None = None) -> AuditRetentionRun | None:
    """Remove the oldest sealed audit rows older than the audit retention period."""
    cutoff = audit_cutoff(now)
    if cutoff > timezone.now() - timedelta(days=365):
        raise ValueError("Audit rows younger than a year are never removed.")
    chain.lock_chain()
    # The chain is cut only at a seal whose row, and every row before it, is old enough.
    young = AuditSeal.objects.filter(
        Exists(LogEntry.objects.filter(pk=OuterRef("log_entry_id"), timestamp__gte=cutoff))
    )
    first_young = young.order_by("sequence").values_list("sequence", flat=True).first()
    old = AuditSeal.objects.all()
    if first_young is not None:
        old = old.filter(sequence__lt=first_young)
    last = old.order_by("-sequence").first()
    if last is None:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT msc_audit_purge(%s, %s)", [cutoff, last.sequence])
            removed = cursor.fetchone()[0]
    else:
        ids = AuditSeal.objects.filter(sequence__lte=last.sequence).values("log_entry_id")
        removed, _detail = LogEntry.objects.filter(pk__in=ids, timestamp__lt=cutoff).delete()
        AuditSeal.objects.filter(sequence__lte=last.sequence).delete()
        SecurityEvent.objects.filter(at__lt=cutoff).delete()
    run = AuditRetentionRun.objects.create(
        cutoff=cutoff,
        rule=f"audit log: {settings.AUDIT_LOG_RETENTION_YEARS} years",
        entries_removed=removed,
        anchor_sequence=last.sequence,
        anchor_digest=last.digest,
    )
    logger.info("audit retention removed %d row(s) up to seal %d", removed, last.sequence)
    return run
