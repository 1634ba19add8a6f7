from django.core.management.base import BaseCommand

from referrals.services import prison_release_reminders_send


class Command(BaseCommand):
    help = (
        "Tell case owners and outreach workers that a release from prison reached a lead time "
        "(also a daily Celery task). Running it twice on one day sends nothing twice."
    )

    def handle(self, *args, **options) -> None:
        sent = prison_release_reminders_send()
        self.stdout.write(f"Reminded about {sent} release(s).")
