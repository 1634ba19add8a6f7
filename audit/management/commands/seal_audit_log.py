from django.core.management.base import BaseCommand

from accounts import security
from accounts.models import SecurityEvent
from audit.chain import UNSEALED_GRACE_MINUTES, seal_entries


class Command(BaseCommand):
    help = (
        "Seal audit rows not sealed yet, if written within the grace period (also a Celery "
        "task every ten minutes). Older rows are reported by verify_audit_chain, not sealed."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--accept-late",
            action="store_true",
            help=(
                f"Also seal rows older than {UNSEALED_GRACE_MINUTES} minutes, once you know why "
                "they were left unsealed (the sealer was down). Recorded as a security event. "
                "Rows dated in the future are never sealed."
            ),
        )

    def handle(self, *args, accept_late: bool = False, **options) -> None:
        if accept_late:
            count = seal_entries(accept_late=True)
            if count:
                security.event_record(
                    kind=SecurityEvent.Kind.AUDIT_LATE_SEALED,
                    detail=f"{count} audit row(s) sealed by hand after the grace period",
                )
        else:
            count = seal_entries()
        self.stdout.write(f"Sealed {count} audit row(s).")
