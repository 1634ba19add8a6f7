from celery import shared_task


@shared_task
def remove_expired_grants() -> int:
    from access.services import grants_remove_expired

    return grants_remove_expired()


# --- Security and data protection ------------------------------------------------------------


@shared_task
def seal_audit_log() -> int:
    """Seal audit rows a commit hook did not seal (a crash between commit and seal), if they
    are younger than the grace period; older ones are the verifier's to report."""
    from access.audit_chain import seal_entries

    return seal_entries()


@shared_task
def verify_audit_chain() -> bool:
    """Verify the chain and log its head: the log line is a copy of the head outside the
    database, so a rewritten chain would not match yesterday's line. Anything wrong (a broken
    chain, rows left unsealed, rows dated in the future) alarms the information officer."""
    import logging

    from access.audit_chain import alarm, verify_chain

    report = verify_chain()
    if report.ok:
        logging.getLogger("msc.audit").info(
            "audit chain intact: %d row(s), head %s %s",
            report.checked,
            report.head_sequence,
            report.head_digest,
        )
    else:
        alarm(report)
    return report.ok


@shared_task
def list_cases_due_for_retention() -> list[str]:
    from access.retention import notify_cases_due

    return notify_cases_due()


@shared_task
def apply_audit_log_retention() -> int:
    from access.retention import audit_log_apply_retention

    run = audit_log_apply_retention()
    return run.entries_removed if run else 0
