from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.security import accounts_disable_dormant


class Command(BaseCommand):
    help = (
        "Disable accounts unused for DORMANT_ACCOUNT_DAYS and remove their grants "
        "(also a daily Celery task)."
    )

    def handle(self, *args, **options) -> None:
        disabled = accounts_disable_dormant()
        self.stdout.write(
            f"Disabled {len(disabled)} account(s) unused for {settings.DORMANT_ACCOUNT_DAYS} days"
            + (f": {', '.join(disabled)}" if disabled else ".")
        )
