"""`make run`'s first step. A demo database built by an older checkout records migrations that
this code no longer has (they were rebuilt as one 0001_initial per app), and migrate would stop
on it with a traceback. A SQLite demo database is removed instead, in one line, so that the
next steps (migrate, seed_demo) build the demo city afresh; any other database is left alone,
with a clear error."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder


def stale_migrations(connection) -> list[tuple[str, str]]:
    """The migrations recorded as applied, of an installed app, that this code does not have."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    installed = {config.label for config in apps.get_app_configs()}
    return sorted(
        key for key in recorder.applied_migrations() if key[0] in installed and key not in on_disk
    )


class Command(BaseCommand):
    help = (
        "Before migrate (make run): remove a SQLite demo database built by an older checkout, "
        "whose migrations this code no longer has, so that the demo city is rebuilt."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str = DEFAULT_DB_ALIAS, **options) -> None:
        connection = connections[database]
        stale = stale_migrations(connection)
        if not stale:
            return
        name = str(connection.settings_dict["NAME"])
        gone = ", ".join(f"{app} {migration}" for app, migration in stale[:3])
        if connection.vendor != "sqlite" or not settings.DEBUG or not Path(name).is_file():
            raise CommandError(
                f"The database {name} was built by an older checkout: it records migrations "
                f"this code no longer has ({gone}{', ...' if len(stale) > 3 else ''}). Point "
                "DATABASE_URL at a new database, or drop this one."
            )
        connection.close()
        for path in (Path(name), *(Path(name + suffix) for suffix in ("-journal", "-wal", "-shm"))):
            path.unlink(missing_ok=True)
        self.stdout.write(
            f"{Path(name).name} was built by an older checkout (its migrations are gone from this "
            "code): removed, and the demo city is built afresh."
        )
