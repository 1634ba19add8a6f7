from django.core.management.base import BaseCommand

from privacy.retention import notify_cases_due


class Command(BaseCommand):
    help = (
        "List closed cases past their retention period and tell the data protection officers "
        "(also a daily Celery task). Destruction itself waits for their confirmation."
    )

    def handle(self, *args, **options) -> None:
        references = notify_cases_due()
        for reference in references:
            self.stdout.write(reference)
        self.stdout.write(f"{len(references)} case(s) due for destruction.")
