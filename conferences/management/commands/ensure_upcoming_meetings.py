from django.core.management.base import BaseCommand

from conferences.services import meetings_ensure_upcoming


class Command(BaseCommand):
    help = "Give every active conference series its next meeting (also a Celery beat job)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Created {meetings_ensure_upcoming()} meeting(s).")
