"""The audit you can trust: append-only on PostgreSQL, a keyed hash chain, a verifier that
names the first broken row, and the audit log's own retention."""

from datetime import timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, SEALED_FIELDS, canonical, seal_entries, verify_chain
from audit.models import AuditRetentionRun, AuditSeal
from tests.factories import AgencyFactory

pytestmark = pytest.mark.clock

POSTGRESQL = connection.vendor == "postgresql"


def audited_rows(count: int, django_capture_on_commit_callbacks) -> list[LogEntry]:
    """Write `count` audited changes, each committed (so each is sealed by the commit hook).
    Agencies outside the standing test agreement: one audit row each, consecutive."""
    with django_capture_on_commit_callbacks(execute=True):
        agencies = [AgencyFactory(party=False) for _ in range(count)]
    return [
        LogEntry.objects.get_for_object(agency).get(action=LogEntry.Action.CREATE)
        for agency in agencies
    ]


def tamper(sql: str, params: list) -> None:
    """What someone with the database's owner rights could do: bypass the trigger."""
    with connection.cursor() as cursor:
        if POSTGRESQL:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE auditlog_logentry DISABLE TRIGGER msc_append_only")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER msc_append_only")
        cursor.execute(sql, params)
        if POSTGRESQL:
            cursor.execute("ALTER TABLE auditlog_logentry ENABLE TRIGGER msc_append_only")
            cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER msc_append_only")


def test_each_audit_row_is_sealed_to_the_one_before_when_it_commits(
    db, django_capture_on_commit_callbacks
):
    rows = audited_rows(3, django_capture_on_commit_callbacks)
    seals = list(AuditSeal.objects.filter(log_entry_id__in=[r.pk for r in rows]))
    assert [s.log_entry_id for s in seals] == [r.pk for r in rows]
    for before, after in zip(seals, seals[1:], strict=False):
        assert after.previous_digest == before.digest
    report = verify_chain()
    assert report.ok and report.checked == AuditSeal.objects.count()


def test_a_row_written_in_a_rolled_back_transaction_leaves_no_seal(db):
    before = AuditSeal.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        AgencyFactory(party=False)
        raise RuntimeError
    assert AuditSeal.objects.count() == before
    assert verify_chain().ok


def test_the_sweep_seals_what_the_commit_hook_missed(db):
    AgencyFactory(party=False)  # the test's transaction never commits: no seal yet
    assert not LogEntry.objects.filter(pk__in=AuditSeal.objects.values("log_entry_id")).exists()
    assert seal_entries() >= 1
    assert AuditSeal.objects.count() == LogEntry.objects.count()
    assert seal_entries() == 0
    assert verify_chain().ok


def test_the_application_cannot_change_or_delete_an_audit_row(
    db, django_capture_on_commit_callbacks
):
    # Not the newest row: removing the newest seal shows only once the row is an hour old
    # (SECURITY.md, "what the chain cannot show").
    row = audited_rows(2, django_capture_on_commit_callbacks)[0]
    seal = AuditSeal.objects.get(log_entry_id=row.pk)
    attempts = [
        lambda: LogEntry.objects.filter(pk=row.pk).update(object_repr="nothing happened"),
        lambda: LogEntry.objects.filter(pk=row.pk).delete(),
        lambda: AuditSeal.objects.filter(pk=seal.pk).update(digest=GENESIS),
        lambda: AuditSeal.objects.filter(pk=seal.pk).delete(),
    ]
    for attempt in attempts:
        if POSTGRESQL:
            # The trigger of migration access 0004 refuses it.
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                attempt()
        else:
            # SQLite (development only) has no trigger: the chain is what catches it there.
            with transaction.atomic():
                attempt()
                assert not verify_chain().ok
                transaction.set_rollback(True)
    assert LogEntry.objects.filter(pk=row.pk, object_repr=row.object_repr).exists()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("UPDATE auditlog_logentry SET object_repr = 'x' WHERE id = %s", "was changed"),
        ("UPDATE auditlog_logentry SET action = 3 WHERE id = %s", "was changed"),
        ("DELETE FROM auditlog_logentry WHERE id = %s", "was deleted"),
        ("DELETE FROM audit_auditseal WHERE log_entry_id = %s", "does not follow"),
    ],
)
def test_the_verifier_names_the_first_broken_row(
    db, django_capture_on_commit_callbacks, change, reason
):
    rows = audited_rows(4, django_capture_on_commit_callbacks)
    victim = rows[1]
    tamper(change, [victim.pk])
    report = verify_chain()
    assert not report.ok
    assert reason in report.reason
    broken = AuditSeal.objects.filter(log_entry_id__in=[r.pk for r in rows[1:3]]).first()
    assert report.broken_log_entry in (victim.pk, broken.log_entry_id)
    if reason != "does not follow":
        assert report.broken_log_entry == victim.pk
    with pytest.raises(CommandError, match=f"audit log entry {report.broken_log_entry}"):
        call_command("verify_audit_chain")


def test_a_forger_without_the_key_cannot_rebuild_a_consistent_chain(
    db, django_capture_on_commit_callbacks, settings
):
    import hashlib

    row = audited_rows(1, django_capture_on_commit_callbacks)[0]
    seal = AuditSeal.objects.get(log_entry_id=row.pk)
    tamper("UPDATE auditlog_logentry SET object_repr = 'forged' WHERE id = %s", [row.pk])
    forged = LogEntry.objects.filter(pk=row.pk).values(*SEALED_FIELDS)[0]
    # A plain hash (no key) recomputed by the forger does not pass.
    plain = hashlib.sha256(seal.previous_digest.encode() + b"\n" + canonical(forged)).hexdigest()
    tamper("UPDATE audit_auditseal SET digest = %s WHERE sequence = %s", [plain, seal.sequence])
    assert not verify_chain().ok


def test_an_old_key_still_verifies_rows_sealed_with_it(
    db, django_capture_on_commit_callbacks, settings
):
    audited_rows(2, django_capture_on_commit_callbacks)
    old = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = "a-new-key"
    assert not verify_chain().ok
    settings.AUDIT_CHAIN_KEY_FALLBACKS = [old]
    assert verify_chain().ok


def test_the_command_reports_an_intact_chain_with_its_head(db, django_capture_on_commit_callbacks):
    audited_rows(2, django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    head = AuditSeal.objects.order_by("-sequence").first()
    assert "intact" in out.getvalue() and head.digest in out.getvalue()


def test_the_verifier_reports_rows_left_unsealed(db, django_capture_on_commit_callbacks):
    audited_rows(1, django_capture_on_commit_callbacks)
    AgencyFactory(party=False)  # not committed: not sealed
    stale = timezone.now() - timedelta(hours=2)
    unsealed = LogEntry.objects.exclude(pk__in=AuditSeal.objects.values("log_entry_id"))
    # Back-dating is itself an UPDATE: only the owner (as in `tamper`) can do it.
    tamper(
        "UPDATE auditlog_logentry SET timestamp = %s WHERE id = %s",
        [stale, unsealed.first().pk],
    )
    report = verify_chain()
    assert report.unsealed == 1 and not report.ok


def forge(when, django_capture_on_commit_callbacks) -> LogEntry:
    """A row written straight into the table (no signal, so no commit hook), dated `when`:
    a copy of a genuine row, as someone with write access to the database would make it."""
    genuine = audited_rows(1, django_capture_on_commit_callbacks)[0]
    genuine.pk = None
    genuine.timestamp = when
    genuine.object_repr = "nothing to see here"
    [row] = LogEntry.objects.bulk_create([genuine])
    return LogEntry.objects.get(object_repr="nothing to see here")


def sealed(row: LogEntry) -> bool:
    return AuditSeal.objects.filter(log_entry_id=row.pk).exists()


@pytest.mark.parametrize("age", [timedelta(hours=2), timedelta(days=400)])
def test_the_sweep_never_seals_a_row_older_than_its_grace_period(
    db, django_capture_on_commit_callbacks, age
):
    forged = forge(timezone.now() - age, django_capture_on_commit_callbacks)
    seal_entries()
    call_command("seal_audit_log", stdout=StringIO())
    assert not sealed(forged)
    report = verify_chain()
    assert report.unsealed == 1 and not report.ok


def test_the_sweep_never_seals_a_row_dated_in_the_future_and_the_verifier_reports_it(
    db, django_capture_on_commit_callbacks
):
    forged = forge(timezone.now() + timedelta(days=1), django_capture_on_commit_callbacks)
    seal_entries()
    assert not sealed(forged)
    report = verify_chain()
    assert report.future == 1 and not report.ok
    # Even by hand: nobody can vouch for a row from the future.
    call_command("seal_audit_log", "--accept-late", stdout=StringIO())
    assert not sealed(forged)


def test_the_commit_hook_does_not_seal_a_back_dated_row_either(
    db, django_capture_on_commit_callbacks
):
    template = audited_rows(1, django_capture_on_commit_callbacks)[0]
    with django_capture_on_commit_callbacks(execute=True):
        back_dated = LogEntry.objects.create(
            content_type=template.content_type,
            object_pk=template.object_pk,
            object_repr="written last year",
            action=LogEntry.Action.UPDATE,
            timestamp=timezone.now() - timedelta(days=365),
        )
    assert not sealed(back_dated)
    assert verify_chain().unsealed == 1


@pytest.mark.parametrize("when", [timedelta(hours=-2), timedelta(days=2)])
def test_the_verifier_alarms_the_information_officer_without_saying_what_it_found(
    db, django_capture_on_commit_callbacks, mailoutbox, when
):
    from accounts.models import Role, SecurityEvent
    from tests.factories import make_user

    officer = make_user(role=Role.INFORMATION_OFFICER)
    make_user(role=Role.COORDINATOR)
    forged = forge(timezone.now() + when, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with pytest.raises(CommandError, match="not sealed|in the future"):
        call_command("verify_audit_chain")
    assert [m.to for m in mailoutbox] == [[officer.email]]
    message = mailoutbox[0].subject + mailoutbox[0].body
    assert str(forged.pk) not in message and forged.object_repr not in message
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.AUDIT_CHECK_FAILED).count() == 1


def test_the_daily_task_alarms_too(db, django_capture_on_commit_callbacks, mailoutbox):
    from accounts.models import Role, SecurityEvent
    from audit.tasks import verify_audit_chain
    from tests.factories import make_user

    officer = make_user(role=Role.INFORMATION_OFFICER)
    forge(timezone.now() - timedelta(hours=3), django_capture_on_commit_callbacks)
    mailoutbox.clear()
    assert verify_audit_chain() is False
    assert [m.to for m in mailoutbox] == [[officer.email]]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.AUDIT_CHECK_FAILED).exists()


def test_an_intact_log_alarms_nobody(db, django_capture_on_commit_callbacks, mailoutbox):
    from accounts.models import Role, SecurityEvent
    from audit.tasks import verify_audit_chain
    from tests.factories import make_user

    make_user(role=Role.INFORMATION_OFFICER)
    audited_rows(2, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    assert verify_audit_chain() is True
    assert mailoutbox == []
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.AUDIT_CHECK_FAILED).exists()


def test_late_rows_are_sealed_by_hand_only_and_that_is_recorded(
    db, django_capture_on_commit_callbacks
):
    from accounts.models import SecurityEvent

    forged = forge(timezone.now() - timedelta(hours=5), django_capture_on_commit_callbacks)
    out = StringIO()
    call_command("seal_audit_log", "--accept-late", stdout=out)
    assert sealed(forged) and "Sealed 1" in out.getvalue()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.AUDIT_LATE_SEALED).exists()
    assert verify_chain().ok


# --- The audit log's own retention -----------------------------------------------------------


def test_the_audit_log_retention_removes_old_rows_from_the_start_of_the_chain(
    db, django_capture_on_commit_callbacks, settings
):
    # On PostgreSQL the purge function refuses, by the database's own clock, any cutoff less
    # than a year old. CI moves Python's clock up to 15 months ahead of the database's
    # (tests/clock.py), so the retention here is long enough for the two to disagree that much.
    settings.AUDIT_LOG_RETENTION_YEARS = 5
    old_rows = audited_rows(3, django_capture_on_commit_callbacks)
    six_years_ago = timezone.now() - timedelta(days=6 * 365)
    for row in old_rows:
        tamper("UPDATE auditlog_logentry SET timestamp = %s WHERE id = %s", [six_years_ago, row.pk])
    # Re-seal the back-dated rows as if they had been written then (by hand: the sweep seals
    # only rows written within its grace period).
    tamper("DELETE FROM audit_auditseal", [])
    seal_entries(accept_late=True)
    recent = audited_rows(2, django_capture_on_commit_callbacks)
    assert verify_chain().ok

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_audit_log_retention", stdout=StringIO())

    assert not LogEntry.objects.filter(pk__in=[r.pk for r in old_rows]).exists()
    assert LogEntry.objects.filter(pk__in=[r.pk for r in recent]).count() == 2
    run = AuditRetentionRun.objects.get()
    assert run.entries_removed >= 3
    # The rest of the chain verifies from the anchor the retention left.
    assert verify_chain().ok
    if POSTGRESQL:
        # Still append-only for the application afterwards.
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            LogEntry.objects.filter(pk=recent[0].pk).delete()


def test_the_purge_function_never_removes_rows_younger_than_a_year(db):
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as c:
        c.execute("SELECT msc_audit_purge(CURRENT_TIMESTAMP, 1000000)")
    if POSTGRESQL:
        assert "younger than a year" in str(refused.value)
    else:
        # SQLite (development only) has no such function: retention deletes through the ORM.
        assert "no such function" in str(refused.value)
