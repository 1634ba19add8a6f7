"""`make run`'s server: Django's development server, which ends its start-up message with
where to go and how to sign in, so that a newcomer finds them at the bottom of the console."""

import logging
import os

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.runserver import Command as RunserverCommand

from demo.management.commands.seed_demo import demo_logins


class Command(RunserverCommand):
    help = "Serve the demo city (development only) and print its address and demo logins."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("run_demo serves the demo city only with DEBUG on.")
        # The reloader says it is watching from both of its processes; once is not news either.
        logging.getLogger("django.utils.autoreload").setLevel(logging.WARNING)
        return super().handle(*args, **options)

    def on_bind(self, server_port: int) -> None:
        address = f"{self.protocol}://{self.addr}:{server_port}/"
        self.stdout.write("")
        self.stdout.write(demo_logins(os.environ.get("DEMO_PASSWORD", "(see DEMO_PASSWORD)")))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"The demo city is at {address}"))
        self.stdout.write("Development server only; stop it with CONTROL-C.")
