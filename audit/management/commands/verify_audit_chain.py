from django.core.management.base import BaseCommand, CommandError

from audit.chain import alarm, verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit chain; name the first broken row (also a daily Celery task). "
        "Exits non-zero, and alarms the information officer, when the chain is broken, rows "
        "are left unsealed past the grace period, or rows are dated in the future."
    )

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            alarm(report)
            intact = f" {report.checked} sealed row(s) before it are intact."
            raise CommandError(
                "Audit log check failed: "
                + "; ".join(report.problems())
                + "."
                + (intact if report.broken_sequence is not None else "")
                + (
                    " Unsealed rows: find out why (seal_audit_log --accept-late seals them "
                    "once you know they are genuine)."
                    if report.unsealed
                    else ""
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain intact: {report.checked} row(s). "
                f"Head: seal {report.head_sequence} {report.head_digest}"
            )
        )
