from django.core.management.base import BaseCommand

from access.audit_chain import seal_entries


class Command(BaseCommand):
    help = "Seal audit rows not sealed yet (also a Celery task every ten minutes)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Sealed {seal_entries()} audit row(s).")
