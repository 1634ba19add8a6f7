from django.core.management.base import BaseCommand

from privacy.retention import destruction_list_propose


class Command(BaseCommand):
    help = (
        "Propose a destruction list of the closed cases past their retention period that no "
        "list waiting for approval holds, and tell the reviewers (also a daily Celery task). "
        "Nothing is destroyed until the coordinator and the data protection officer approve it."
    )

    def handle(self, *args, **options) -> None:
        proposed = destruction_list_propose()
        if proposed is None:
            self.stdout.write("No case newly due for destruction.")
            return
        for item in proposed.items.select_related("case"):
            self.stdout.write(item.case.reference)
        self.stdout.write(
            f"Destruction list {proposed.reference}: {proposed.items.count()} case(s), "
            "waiting for two approvals."
        )
