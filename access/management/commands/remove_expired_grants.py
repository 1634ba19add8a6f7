from django.core.management.base import BaseCommand

from access.services import grants_remove_expired


class Command(BaseCommand):
    help = "Remove case access granted until a date that has passed (also a daily Celery task)."

    def handle(self, *args, **options) -> None:
        removed = grants_remove_expired()
        self.stdout.write(f"Removed {removed} expired grant(s).")
