from typing import Any

from django.core.management.base import BaseCommand

from core.outbox import flush_outbox


class Command(BaseCommand):
    help = "Send the tasks kept while the broker was unreachable (also a Celery beat job)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Sent {flush_outbox()} task(s) from the outbox.")
