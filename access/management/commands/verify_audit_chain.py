from django.core.management.base import BaseCommand, CommandError

from access.audit_chain import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit chain; name the first broken row (also a daily Celery task). "
        "Exits non-zero when the chain is broken or rows are left unsealed."
    )

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if report.broken_sequence is not None:
            raise CommandError(
                f"Audit chain broken at seal {report.broken_sequence} "
                f"(audit log entry {report.broken_log_entry}): {report.reason}. "
                f"{report.checked} row(s) before it are intact."
            )
        if report.unsealed:
            raise CommandError(
                f"{report.unsealed} audit row(s) older than an hour are not sealed: "
                "run seal_audit_log, and find out why they were not sealed."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} row(s). "
                f"Head: seal {report.head_sequence} {report.head_digest}"
            )
        )
