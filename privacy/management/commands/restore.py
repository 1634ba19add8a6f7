"""`manage.py restore FILE`: decrypt a backup with the age private key (BACKUP_AGE_IDENTITY),
replace the database with it through pg_restore, make the uploaded files those of the archive
beside it, then apply again every destruction of the deletion register the backup does not show
(which erases again the files of those cases), seal the audit rows left unsealed and verify the
audit chain."""

import os
import subprocess
import tarfile
import tempfile
import threading
from pathlib import Path

import pyrage
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from audit.chain import seal_entries, verify_chain
from privacy.management.commands.backup import (
    MAGIC,
    client,
    media_archive,
    media_files,
    postgresql_target,
)
from privacy.retention import register_reapply


def restore_media(path: Path, identity) -> tuple[int, int]:
    """Decrypt the archive as it is read and put each file back under MEDIA_ROOT (the same
    names), then remove the files it does not hold: uploaded after the backup, they belong to
    rows the restore took away, and would stay on the volume with nothing to name them, show
    them or destroy them at the end of their retention. Python's "data" filter refuses absolute
    names, links out of the folder and anything but plain files and folders. Returns the files
    put back and the files removed."""
    read_fd, write_fd = os.pipe()
    failed: list[BaseException] = []

    def decrypt() -> None:
        try:
            with open(path, "rb") as encrypted, os.fdopen(write_fd, "wb") as pipe:
                pyrage.decrypt_io(encrypted, pipe, [identity])
        except BaseException as error:  # noqa: BLE001 (raised again below, in the caller)
            failed.append(error)

    thread = threading.Thread(target=decrypt, daemon=True)
    thread.start()
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    restored: set[str] = set()
    try:
        with os.fdopen(read_fd, "rb") as pipe, tarfile.open(fileobj=pipe, mode="r|") as archive:
            for member in archive:
                archive.extract(member, root, filter="data")
                if member.isfile():
                    restored.add(Path(member.name).as_posix())
    except tarfile.TarError as error:
        if not failed:
            raise CommandError(f"The uploaded files' archive is damaged: {error}") from None
    finally:
        thread.join()
    if failed:
        raise CommandError(f"The uploaded files' archive does not decrypt: {failed[0]}")
    # Only once the whole archive is read: a damaged one stops above with nothing removed.
    removed = 0
    for file, name in media_files():
        if name not in restored:
            file.unlink()
            removed += 1
    return len(restored), removed


class Command(BaseCommand):
    help = (
        "Restore the database from a backup of `manage.py backup` (it replaces every table), "
        "then apply again the destructions of the deletion register made after the backup."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("backup", help="The encrypted backup file (.dump.age).")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, backup: str, interactive: bool = True, **options) -> None:
        options_, env = postgresql_target()
        path = Path(backup)
        if not path.is_file():
            raise CommandError(f"No backup at {path}.")
        with open(path, "rb") as encrypted:
            if not encrypted.read(len(MAGIC)) == MAGIC:
                raise CommandError(f"{path} is not an age-encrypted backup.")
        if not settings.BACKUP_AGE_IDENTITY:
            raise CommandError(
                "Set BACKUP_AGE_IDENTITY (or BACKUP_AGE_IDENTITY_FILE) to the age private key."
            )
        try:
            identity = pyrage.x25519.Identity.from_str(settings.BACKUP_AGE_IDENTITY.strip())
        except pyrage.IdentityError as error:
            raise CommandError(f"BACKUP_AGE_IDENTITY is not an age private key: {error}") from None
        if interactive:
            answer = input(
                f"This replaces every table of the database with {path.name}. Type 'yes': "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        connections.close_all()
        # pg_restore's messages go to a file, so that it never waits on a full pipe while we
        # feed it.
        with tempfile.TemporaryFile() as messages:
            restore = subprocess.Popen(  # noqa: S603 (the client's path, options from settings)
                [
                    client("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    *options_,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=messages,
                env=env,
            )
            assert restore.stdin is not None
            try:
                with open(path, "rb") as encrypted:
                    pyrage.decrypt_io(encrypted, restore.stdin, [identity])
            except pyrage.DecryptError as error:
                restore.kill()
                restore.wait()
                raise CommandError(f"The backup does not decrypt with this key: {error}") from None
            finally:
                restore.stdin.close()
            restore.wait()
            messages.seek(0)
            errors = messages.read()
        connections.close_all()
        if restore.returncode != 0:
            raise CommandError(f"pg_restore failed: {errors.decode(errors='replace').strip()}")
        self.stdout.write(f"Restored {path.name}.")
        archive = media_archive(path)
        if archive.is_file():
            count, removed = restore_media(archive, identity)
            self.stdout.write(f"Put back {count} uploaded file(s) from {archive.name}.")
            if removed:
                self.stdout.write(
                    f"Removed {removed} uploaded file(s) the backup does not hold "
                    "(uploaded after it: no restored row names them)."
                )
        else:
            self.stderr.write(
                f"No {archive.name} beside the backup: the uploaded files are left as they are."
            )

        report = register_reapply()
        for reference in report.reapplied:
            self.stdout.write(f"Destroyed again (deletion register): {reference}")
        self.stdout.write(
            f"Deletion register: {len(report.reapplied)} destruction(s) applied again, "
            f"{report.already} already in the backup."
        )
        if report.refused:
            lines = ", ".join(map(str, report.refused))
            self.stderr.write(f"Deletion register lines that do not verify, not applied: {lines}")
        seal_entries()
        chain = verify_chain()
        if not chain.ok:
            raise CommandError("The audit chain does not verify: " + "; ".join(chain.problems()))
        self.stdout.write(f"The audit chain verifies ({chain.checked} sealed rows).")
        if report.refused:
            raise CommandError("Some lines of the deletion register were refused (see above).")
