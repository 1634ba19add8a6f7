from django.core.management.base import BaseCommand
from django.utils import timezone

from conferences.services import reminders_send


class Command(BaseCommand):
    help = "Send the due conference reminders, each once (also a Celery beat job)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Sent {reminders_send(now=timezone.now())} reminder(s).")
