import logging

from celery import shared_task

from audit import chain, retention


@shared_task
def seal_audit_log() -> int:
    """Seal audit rows a commit hook did not seal (a crash between commit and seal), if they
    are younger than the grace period; older ones are the verifier's to report."""
    return chain.seal_entries()


@shared_task
def seal_recent_audit_rows() -> int:
    """Seal the rows written in the last few minutes: asked by requests a moment after they
    commit (chain.seal_after_commit), for all of them at once."""
    return chain.seal_entries(recent=True)


@shared_task
def verify_audit_chain() -> bool:
    """Verify the chain and log its head: the log line is a copy of the head outside the
    database, so a rewritten chain would not match yesterday's line. Anything wrong (a broken
    chain, rows left unsealed, rows dated in the future) alarms the information officer."""
    report = chain.verify_chain()
    if report.ok:
        logging.getLogger("msc.audit").info(
            "audit chain intact: %d row(s), head %s %s",
            report.checked,
            report.head_sequence,
            report.head_digest,
        )
    else:
        chain.alarm(report)
    return report.ok


@shared_task
def apply_audit_log_retention() -> int:
    run = retention.audit_log_apply_retention()
    return run.entries_removed if run else 0
