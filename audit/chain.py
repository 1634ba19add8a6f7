"""The tamper-evident audit chain (DESIGN 3, rule 6).

Every audit log row gets a seal once its transaction commits: a keyed SHA-256 (HMAC) over the
row's content and the previous seal's digest. Changing a row, removing one, or reordering them
breaks the chain from that row on; `manage.py verify_audit_chain` names the first broken row.
On PostgreSQL a trigger (migration audit 0002) also refuses every UPDATE and DELETE on the audit
tables, so the application cannot change the log even by mistake; the audit log's own retention
removes old rows only through the SECURITY DEFINER function `msc_audit_purge`.

The key (AUDIT_CHAIN_KEY) is not in the database: someone who can write to the database but
does not hold the key cannot recompute a consistent chain after changing a row.

The sealer seals only rows written within its grace period (and not dated ahead of the clock):
a row written straight into the table with an old or a future date is never sealed, so it is
never taken into the chain as if the application had written it. The verifier reports both
kinds, and the alarm tells the information officer.
"""

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from auditlog.models import LogEntry
from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts import security
from accounts.models import Role, SecurityEvent
from audit.models import AuditRetentionRun, AuditSeal
from core.notifications import send_content_free
from core.outbox import UNREACHABLE

logger = logging.getLogger("msc.audit")

GENESIS = "0" * 64
# pg_advisory_xact_lock key: one sealer at a time, so the chain never forks.
CHAIN_LOCK = 7_365_001
SEALED_FIELDS = (
    "id",
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "actor_email",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
)
# The sealer seals rows written at most this long ago; an entry not sealed by then is reported
# by the verifier and never sealed by the sweep (only by hand: `seal_audit_log --accept-late`).
UNSEALED_GRACE_MINUTES = 60
# How far ahead of this host's clock another host's clock may be: a row dated further ahead was
# not written by the application, and is reported instead of sealed.
CLOCK_SKEW_MINUTES = 5


def _json_default(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def canonical(row: dict) -> bytes:
    """The row's content as bytes that do not depend on the database or on key order."""
    values = {name: row[name] for name in SEALED_FIELDS}
    if isinstance(values["timestamp"], datetime):
        values["timestamp"] = values["timestamp"].astimezone(UTC).isoformat()
    return json.dumps(
        values, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
    ).encode()


def _keys() -> list[bytes]:
    return [k.encode() for k in (settings.AUDIT_CHAIN_KEY, *settings.AUDIT_CHAIN_KEY_FALLBACKS)]


def digest(row: dict, previous: str, key: bytes | None = None) -> str:
    key = key if key is not None else _keys()[0]
    return hmac.new(key, previous.encode() + b"\n" + canonical(row), hashlib.sha256).hexdigest()


def lock_chain() -> None:
    """One writer of the chain at a time (the sealer, the audit log's retention)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def seal_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """(earliest, latest): the timestamps of the rows the sealer takes into the chain."""
    now = now or timezone.now()
    return (
        now - timedelta(minutes=UNSEALED_GRACE_MINUTES),
        now + timedelta(minutes=CLOCK_SKEW_MINUTES),
    )


def _unsealed():
    return LogEntry.objects.filter(~Exists(AuditSeal.objects.filter(log_entry_id=OuterRef("pk"))))


def seal_entries(
    ids: list[int] | None = None, *, accept_late: bool = False, recent: bool = False
) -> int:
    """Seal the given audit rows (or every unsealed one) written within the sealer's grace
    period, in id order, after the chain's head. `accept_late` also seals older rows: for an
    operator who found out why they were left unsealed (never rows dated in the future).
    `recent`: only rows of the last RECENT_SEAL_MINUTES (the worker's sealing after requests,
    which need not look through the whole hour's rows every few seconds)."""
    earliest, latest = seal_window()
    if recent:
        earliest = max(earliest, timezone.now() - timedelta(minutes=RECENT_SEAL_MINUTES))
    with transaction.atomic():
        lock_chain()
        head = AuditSeal.objects.order_by("-sequence").first()
        previous = head.digest if head else _anchor_digest()
        unsealed = _unsealed().filter(timestamp__lte=latest)
        if not accept_late:
            unsealed = unsealed.filter(timestamp__gte=earliest)
        if ids is not None:
            unsealed = unsealed.filter(pk__in=ids)
        seals = []
        for row in unsealed.order_by("pk").values(*SEALED_FIELDS).iterator(chunk_size=1000):
            current = digest(row, previous)
            seals.append(
                AuditSeal(log_entry_id=row["id"], previous_digest=previous, digest=current)
            )
            previous = current
        # Inserted in this order, so the sequence follows the chain.
        AuditSeal.objects.bulk_create(seals, batch_size=500)
        return len(seals)


def _anchor_digest() -> str:
    run = AuditRetentionRun.objects.order_by("-anchor_sequence").first()
    return run.anchor_digest if run else GENESIS


def seal_after_commit(sender, instance: LogEntry, created: bool, **kwargs) -> None:  # noqa: ARG001
    """post_save receiver: have the new row sealed once its transaction commits (so a sealer
    never holds the chain's lock while the request still waits on other locks). With a worker
    (a broker configured), the worker seals it a moment later with the rows of other requests,
    in one transaction, and the request does not wait for the chain's lock (bench/README.md);
    without one (development, tests), or while the broker cannot be reached, it is sealed
    here. A failure is logged; the periodic `seal_audit_log` job seals whatever was left."""
    if created:
        transaction.on_commit(partial(_seal_committed, instance.pk), robust=True)


def _seal_committed(pk: int) -> None:
    if current_app.conf.task_always_eager or not _worker_will_seal():
        seal_entries([pk])


# The worker seals SEAL_DELAY_SECONDS after it is asked, everything recent and unsealed by
# then; a process asks again only once SEAL_DELAY_SECONDS - 1 have passed since it last asked.
# A row committed meanwhile was committed before that sealing runs (the second to spare covers
# the clocks of the web host and the worker's differing a little), so one asking serves every
# request of the process in that second, and no row waits on the ten-minute sweep.
SEAL_DELAY_SECONDS = 2
SEAL_TASK = "audit.tasks.seal_recent_audit_rows"
# The recent rows the worker's sealing looks at (the sweep looks at the whole grace period): a
# request commits within seconds of writing its row; one that took longer is left to the sweep.
RECENT_SEAL_MINUTES = 5
# After the broker could not be reached, requests seal their own rows for this long before a
# process tries the broker again (no request waits on its connection timeout meanwhile).
BROKER_RETRY_SECONDS = 30
_asking = {"asked_at": float("-inf"), "down_until": float("-inf")}


def _worker_will_seal() -> bool:
    """Whether the worker will seal the rows this process has committed by now: asked within
    the last second, or asked now. False while the broker cannot be reached."""
    now = time.monotonic()
    if now < _asking["down_until"]:
        return False
    if now - _asking["asked_at"] < SEAL_DELAY_SECONDS - 1:
        return True
    try:
        # By name, and not through the outbox (core.outbox): a seal not asked for is made here.
        current_app.send_task(SEAL_TASK, countdown=SEAL_DELAY_SECONDS)
    except UNREACHABLE as error:
        logger.warning("Broker unreachable; requests seal their own audit rows: %s", error)
        _asking["down_until"] = now + BROKER_RETRY_SECONDS
        return False
    _asking["asked_at"] = now
    return True


@dataclass
class ChainReport:
    checked: int
    head_sequence: int | None
    head_digest: str | None
    broken_sequence: int | None = None
    broken_log_entry: int | None = None
    reason: str = ""
    # Rows older than the grace period and still unsealed; rows dated ahead of the clock.
    unsealed: int = 0
    future: int = 0

    @property
    def ok(self) -> bool:
        return self.broken_sequence is None and self.unsealed == 0 and self.future == 0

    def problems(self) -> list[str]:
        """What is wrong, in words for the operator's log (no audit content)."""
        found = []
        if self.broken_sequence is not None:
            found.append(
                f"the chain is broken at seal {self.broken_sequence} "
                f"(audit log entry {self.broken_log_entry}): {self.reason}"
            )
        if self.unsealed:
            found.append(
                f"{self.unsealed} audit row(s) older than {UNSEALED_GRACE_MINUTES} minutes are "
                "not sealed (written straight into the table, or the sealer was not running)"
            )
        if self.future:
            found.append(f"{self.future} audit row(s) are dated in the future")
        return found


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the chain from its anchor; stop at the first seal that does not hold. Then count
    the rows the sealer will never seal: unsealed past its grace period, or future-dated."""
    anchor = AuditRetentionRun.objects.order_by("-anchor_sequence").first()
    previous = anchor.anchor_digest if anchor else GENESIS
    start = anchor.anchor_sequence if anchor else 0
    keys = _keys()
    report = ChainReport(checked=0, head_sequence=None, head_digest=None)
    seals = AuditSeal.objects.filter(sequence__gt=start).order_by("sequence")
    batch: list[AuditSeal] = []

    def check(batch: list[AuditSeal]) -> bool:
        nonlocal previous
        rows = {
            row["id"]: row
            for row in LogEntry.objects.filter(pk__in=[s.log_entry_id for s in batch]).values(
                *SEALED_FIELDS
            )
        }
        for seal in batch:
            row = rows.get(seal.log_entry_id)
            reason = ""
            if not hmac.compare_digest(seal.previous_digest, previous):
                reason = "it does not follow the row before it (a row was removed or reordered)"
            elif row is None:
                reason = "its audit log entry was deleted"
            elif not any(
                hmac.compare_digest(digest(row, seal.previous_digest, key), seal.digest)
                for key in keys
            ):
                reason = "its audit log entry was changed after it was sealed"
            if reason:
                report.broken_sequence, report.broken_log_entry = seal.sequence, seal.log_entry_id
                report.reason = reason
                return False
            previous = seal.digest
            report.checked += 1
            report.head_sequence, report.head_digest = seal.sequence, seal.digest
        return True

    earliest, latest = seal_window()
    report.unsealed = _unsealed().filter(timestamp__lt=earliest).count()
    report.future = LogEntry.objects.filter(timestamp__gt=latest).count()
    for seal in seals.iterator(chunk_size=chunk_size):
        batch.append(seal)
        if len(batch) >= chunk_size:
            if not check(batch):
                return report
            batch = []
    if batch:
        check(batch)
    return report


def alarm(report: ChainReport) -> None:
    """Tell the information officer that the audit log needs looking into: a security event
    (itself audited and sealed) and a content-free e-mail; the details go to the log."""
    problems = report.problems()
    logger.error("audit log check failed: %s", "; ".join(problems))
    security.event_record(
        kind=SecurityEvent.Kind.AUDIT_CHECK_FAILED, detail="; ".join(problems)[:300]
    )
    officers = get_user_model().objects.filter(
        is_active=True, profile__role=Role.INFORMATION_OFFICER
    )
    send_content_free(
        officers.values_list("email", flat=True),
        gettext_lazy("The audit log needs your attention"),
        gettext_lazy(
            "The daily check of the audit log in the MSC case conference application found "
            "rows it cannot vouch for. Ask the technical administrator for the report of "
            "verify_audit_chain, and look at the security events in the audit log."
        ),
    )
