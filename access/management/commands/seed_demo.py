import os
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from access import demo as access_demo

# Each app adds its demo step here, as "module.function"; each builds on the steps before it.
DEMO_STEPS: list[str] = [
    "cases.demo.seed",
    "access.demo.seed_releases",
    "conferences.demo.seed",
    "referrals.demo.seed",
]


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
        city = access_demo.seed(password=password)
        for step in DEMO_STEPS:
            module_name, function_name = step.rsplit(".", 1)
            getattr(import_module(module_name), function_name)(city=city)
        self.stdout.write(self.style.SUCCESS("Demo city ready. Demo logins:"))
        for username, _first, _last, agency, role in access_demo.USERS:
            self.stdout.write(f"  {username:<12} {role.label} ({agency})")
        self.stdout.write(f"  password: {password}")
