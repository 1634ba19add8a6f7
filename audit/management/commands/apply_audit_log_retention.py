from django.conf import settings
from django.core.management.base import BaseCommand

from audit.retention import audit_log_apply_retention


class Command(BaseCommand):
    help = (
        "Remove audit rows older than AUDIT_LOG_RETENTION_YEARS from the start of the chain "
        "(also a daily Celery task)."
    )

    def handle(self, *args, **options) -> None:
        run = audit_log_apply_retention()
        if run is None:
            self.stdout.write(
                f"No audit row is older than {settings.AUDIT_LOG_RETENTION_YEARS} years."
            )
        else:
            self.stdout.write(
                f"Removed {run.entries_removed} audit row(s); the chain now starts after "
                f"seal {run.anchor_sequence}."
            )
