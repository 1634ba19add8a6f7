import os
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Agency
from cases.models import Case, ChronologyEntry
from conferences.models import Meeting
from demo import city as demo_city
from referrals.models import Referral
from releases.models import Release

# The demo city's stories, as (what it builds, "module.function"), each on top of the steps
# before it.
DEMO_STEPS: list[tuple[str, str]] = [
    # First: every release and referral after it goes under the protocol.
    ("sharing agreements", "demo.agreements.seed"),
    ("cases, chronology, plans and escalations", "demo.cases.seed"),
    ("releases", "demo.releases.seed"),
    ("access requests", "demo.access_requests.seed"),
    ("conference series, meetings and minutes", "demo.conferences.seed"),
    ("referrals and screenings", "demo.referrals.seed"),
]


def demo_counts() -> str:
    counts = [
        (Agency.objects.count(), "agencies"),
        (get_user_model().objects.count(), "users"),
        (Case.objects.count(), "cases"),
        (ChronologyEntry.objects.count(), "chronology entries"),
        (Release.objects.count(), "releases"),
        (Meeting.objects.count(), "meetings"),
        (Referral.objects.count(), "referrals"),
    ]
    return ", ".join(f"{n} {noun}" for n, noun in counts)


class Command(BaseCommand):
    help = "Build (or bring up to date) the fictional demo city. Running it twice changes nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even though DEBUG is off. Never on a site that holds real cases.",
        )

    def handle(self, *args, allow_production: bool = False, **options) -> None:
        if not settings.DEBUG and not allow_production:
            raise CommandError("seed_demo refuses to run with DEBUG off (see --allow-production).")
        password = os.environ.get("DEMO_PASSWORD", "")
        if len(password) < 8:
            raise CommandError("Set DEMO_PASSWORD (at least 8 characters) to the demo password.")
        self.stdout.write("Building the demo city: agencies and users")
        city = demo_city.seed(password=password)
        for what, step in DEMO_STEPS:
            self.stdout.write(f"Building the demo city: {what}")
            module_name, function_name = step.rsplit(".", 1)
            getattr(import_module(module_name), function_name)(city=city)
        self.stdout.write(self.style.SUCCESS(f"Demo city ready: {demo_counts()}."))
        if options["verbosity"] > 1:
            self.stdout.write(demo_logins(password))


def demo_logins(password: str) -> str:
    lines = ["Demo logins (one per role):"]
    lines += [
        f"  {username:<12} {role.label} ({agency})"
        for username, _first, _last, agency, role in demo_city.USERS
    ]
    lines.append(f"  password: {password}")
    return "\n".join(lines)
