import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench import synthetic


class Command(BaseCommand):
    help = (
        "WIPE the database's accounts, agencies, cases, conferences, referrals, releases and "
        "audit log, then build a large synthetic city for load tests (bench/README.md). "
        "Use a dedicated database, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/msc_bench."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1.0 is the default size (100 000 cases, 1 000 000 chronology entries, ...); "
            "0.02 is the CI smoke size.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same city).")
        parser.add_argument(
            "--i-know-this-wipes",
            action="store_true",
            dest="confirmed",
            help="Run although DEBUG is off. Everything but the reference data is removed.",
        )

    def handle(self, *args, scale: float, seed: int, confirmed: bool, **options) -> None:
        if not settings.DEBUG and not confirmed:
            raise CommandError(
                "seed_scale wipes the database. It runs only with DEBUG on, or with "
                "--i-know-this-wipes, on a database made for it."
            )
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        password = os.environ.get("BENCH_PASSWORD", "")
        if len(password) < 12:
            raise CommandError(
                "Set BENCH_PASSWORD (at least 12 characters): the password of the bench-* "
                "accounts the load driver signs in with."
            )
        started = time.monotonic()
        name = connection.settings_dict["NAME"]
        self.stdout.write(f"Wiping {connection.vendor} database {name} ...")
        synthetic.wipe()
        counts = synthetic.seed(scale=scale, password=password, seed=seed, log=self.stdout.write)
        self.stdout.write("Updating planner statistics (VACUUM ANALYZE) ...")
        synthetic.analyze()
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic city ready: {sum(counts.values()):,} rows in "
                f"{time.monotonic() - started:.0f}s. Sign in as "
                + ", ".join(synthetic.BENCH_USERNAMES.values())
                + " with BENCH_PASSWORD. No audit rows were written for this data."
            )
        )
