"""`manage.py backup`: the PostgreSQL database through pg_dump, and the uploaded files
(MEDIA_ROOT) as a tar archive beside it, each encrypted with age to the public key in
BACKUP_AGE_RECIPIENT, streamed (neither the plain dump nor the plain archive touches the disk)."""

import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone

MAGIC = b"age-encryption.org/v1"


def client(name: str) -> str:
    """The full path of a PostgreSQL client program (package postgresql-client)."""
    found = shutil.which(name)
    if found is None:
        raise CommandError(f"{name} is not installed (Debian package postgresql-client).")
    return found


def postgresql_target() -> tuple[list[str], dict[str, str]]:
    """The libpq options naming the default database, and an environment with its password."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        raise CommandError("Backups and restores are of PostgreSQL (set DATABASE_URL).")
    db = connection.settings_dict
    options = ["--dbname", db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            options += [flag, str(db[key])]
    env = {**os.environ}
    # libpq's PG* variables (PGSSLMODE, PGSERVICE...) pass through; the password from settings.
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return options, env


def media_archive(dump: Path) -> Path:
    """The uploaded files' archive beside a database backup: msc-<stamp>.media.tar.age."""
    return dump.with_name(dump.name.removesuffix(".dump.age") + ".media.tar.age")


def _write_encrypted(path: Path, produce, recipient) -> None:
    """Encrypt what `produce(pipe)` writes into a pipe, as it writes it, to `path` (mode 0600,
    put in place whole); an error on either side is raised here."""
    read_fd, write_fd = os.pipe()
    failed: list[BaseException] = []

    def writer() -> None:
        try:
            with os.fdopen(write_fd, "wb") as pipe:
                produce(pipe)
        except BaseException as error:  # noqa: BLE001 (raised again below, in the caller)
            failed.append(error)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    partial = path.with_name(path.name + ".partial")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(read_fd, "rb") as pipe, os.fdopen(fd, "wb") as encrypted:
            pyrage.encrypt_io(pipe, encrypted, [recipient])
    finally:
        thread.join()
    if failed:
        partial.unlink(missing_ok=True)
        raise CommandError(f"The uploaded files could not be archived: {failed[0]}")
    partial.replace(path)


def media_files() -> list[tuple[Path, str]]:
    """Every uploaded file under MEDIA_ROOT (links left out), with its name in the archive."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    files = (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    return [(p, p.relative_to(root).as_posix()) for p in sorted(files)]


def write_media_archive(path: Path, recipient) -> int:
    files = media_files()

    def produce(pipe) -> None:
        with tarfile.open(fileobj=pipe, mode="w|") as archive:
            for file, name in files:
                archive.add(file, arcname=name, recursive=False)

    _write_encrypted(path, produce, recipient)
    return len(files)


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, custom format) and the uploaded files (a tar archive "
        "beside it, .media.tar.age), encrypted with age to the public key in "
        "BACKUP_AGE_RECIPIENT, into BACKUP_DIR (or --output). Destructions made after it are "
        "applied again by `manage.py restore` from the deletion register."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", help="The file to write (default: in BACKUP_DIR).")

    def handle(self, *args, output: str | None = None, **options) -> None:
        options_, env = postgresql_target()
        if not settings.BACKUP_AGE_RECIPIENT:
            raise CommandError("Set BACKUP_AGE_RECIPIENT to the age public key (age1...).")
        try:
            recipient = pyrage.x25519.Recipient.from_str(settings.BACKUP_AGE_RECIPIENT.strip())
        except pyrage.RecipientError as error:
            raise CommandError(f"BACKUP_AGE_RECIPIENT is not an age public key: {error}") from None
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(output) if output else settings.BACKUP_DIR / f"msc-{stamp}.dump.age"
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        # pg_dump's messages go to a file, so that it never waits on a full pipe.
        with tempfile.TemporaryFile() as messages:
            dump = subprocess.Popen(  # noqa: S603 (the client's path, options from settings)
                [client("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", *options_],
                stdout=subprocess.PIPE,
                stderr=messages,
                env=env,
            )
            assert dump.stdout is not None
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as encrypted:
                pyrage.encrypt_io(dump.stdout, encrypted, [recipient])
            dump.stdout.close()
            dump.wait()
            messages.seek(0)
            errors = messages.read()
        if dump.returncode != 0:
            partial.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {errors.decode(errors='replace').strip()}")
        partial.replace(path)
        archive = media_archive(path)
        count = write_media_archive(archive, recipient)
        self.stdout.write(f"{archive} ({count} uploaded file(s))")
        self.stdout.write(str(path))
