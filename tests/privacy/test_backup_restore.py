"""Backups that cannot resurrect the dead (issue 18, part 5): `manage.py backup` (pg_dump,
encrypted with age) and `manage.py restore`, which ends by applying again every destruction of
the deletion register made after the backup. On PostgreSQL for real (marker `postgresql`)."""

import os
from datetime import timedelta
from io import StringIO

import pyrage
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from accounts import security
from accounts.models import Level, Role
from audit.chain import seal_entries, verify_chain
from cases import services as case_services
from cases.models import Attachment, Case, ChronologyEntry, Person
from privacy import retention
from privacy.models import DestructionList, DestructionRecord
from tests.documents import PDF
from tests.factories import make_case, make_person, make_user

SECRET = "Sleeps at his cousin's on Molenstraat 7"


def closed_case(owner) -> tuple[Case, ChronologyEntry]:
    case = make_case(owner=owner, person=make_person(first_name="Quirinus"))
    entry = case_services.entry_add(
        case=case,
        author=owner,
        kind="note",
        occurred_at=timezone.now() - timedelta(days=1),
        level=Level.L2,
        text=SECRET,
    )
    return closed_long_ago(case, owner), entry


def closed_long_ago(case: Case, owner) -> Case:
    """Closed, and so long ago that the retention rule makes it due for destruction."""
    case = case_services.case_change_status(
        case=case,
        user=owner,
        to_status=Case.Status.CLOSED,
        reason="Done",
        expected_version=case.version,
        closure_reason="risk_removed",
    )
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=6 * 366))
    return case


def destroy_through_a_list(owner, officer) -> DestructionList:
    proposed = retention.destruction_list_propose()
    retention.destruction_list_approve(user=owner, destruction_list=proposed)
    return retention.destruction_list_approve(user=officer, destruction_list=proposed)


@pytest.fixture
def keys(settings, tmp_path):
    identity = pyrage.x25519.Identity.generate()
    settings.BACKUP_AGE_RECIPIENT = str(identity.to_public())
    settings.BACKUP_AGE_IDENTITY = str(identity)
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return identity


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_case_destroyed_after_the_backup_stays_destroyed_after_a_restore(settings, keys):
    social_worker = make_user(role=Role.SOCIAL_WORKER)
    owner = make_user(role=Role.COORDINATOR)
    officer = make_user(role=Role.MAYOR_OFFICE)
    security.data_protection_officer_set(user=officer, is_officer=True)
    case, entry = closed_case(social_worker)
    seal_entries()
    out = StringIO()
    call_command("backup", stdout=out)
    backup = out.getvalue().strip().splitlines()[-1]
    with open(backup, "rb") as encrypted:
        content = encrypted.read()
    assert content.startswith(b"age-encryption.org/v1") and SECRET.encode() not in content

    destroy_through_a_list(owner, officer)
    assert ChronologyEntry.objects.get(pk=entry.pk).text == ""
    destroyed_at = DestructionRecord.objects.get(reference=case.reference).destroyed_at

    out = StringIO()
    call_command("restore", backup, interactive=False, stdout=out)
    # The database is the backup's (the list proposed after it is gone) ...
    assert not DestructionList.objects.exists()
    # ... and the case destroyed after it is destroyed again, with its certificate.
    assert ChronologyEntry.objects.get(pk=entry.pk).text == ""
    person = Person.objects.get(pk=case.person_id)
    assert person.first_name == "" and person.code.startswith("ANON-")
    record = DestructionRecord.objects.get(reference=case.reference)
    assert record.reapplied_at is not None and record.destroyed_at == destroyed_at
    assert (record.owner_approved_by, record.confirmed_by) == (owner, officer)
    assert f"Destroyed again (deletion register): {case.reference}" in out.getvalue()
    assert verify_chain().ok

    # Without the register, the same backup would have brought the case back.
    settings.DELETION_REGISTER_PATH = settings.DELETION_REGISTER_PATH.with_name("none.jsonl")
    call_command("restore", backup, interactive=False, stdout=StringIO())
    assert ChronologyEntry.objects.get(pk=entry.pk).text == SECRET
    assert verify_chain().ok


def attach(case: Case, author, marker: bytes) -> Attachment:
    entry = case_services.entry_add(
        case=case,
        author=author,
        kind="note",
        occurred_at=timezone.now() - timedelta(days=2),
        level=Level.L2,
        text="A letter from the school.",
        attachment=SimpleUploadedFile("letter.pdf", PDF + marker, content_type="application/pdf"),
    )
    return entry.attachments.get()


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_uploaded_files_come_back_with_a_restore_but_not_a_destroyed_cases(settings, keys):
    """The backup's archive of MEDIA_ROOT is encrypted beside the dump; a restore puts the files
    back and removes those uploaded after it, and the register's destructions erase again those
    of cases destroyed after it."""
    social_worker = make_user(role=Role.SOCIAL_WORKER)
    owner = make_user(role=Role.COORDINATOR)
    officer = make_user(role=Role.MAYOR_OFFICE)
    security.data_protection_officer_set(user=officer, is_officer=True)
    kept = attach(make_case(owner=social_worker), social_worker, b"%kept-marker")
    doomed_case = make_case(owner=social_worker)
    doomed = attach(doomed_case, social_worker, b"%doomed-marker")
    closed_long_ago(Case.objects.get(pk=doomed_case.pk), social_worker)
    kept_path, doomed_path = kept.file.path, doomed.file.path
    seal_entries()
    out = StringIO()
    call_command("backup", stdout=out)
    backup = out.getvalue().strip().splitlines()[-1]
    archive = backup.removesuffix(".dump.age") + ".media.tar.age"
    with open(archive, "rb") as encrypted:
        content = encrypted.read()
    assert content.startswith(b"age-encryption.org/v1")
    assert b"kept-marker" not in content and b"doomed-marker" not in content
    assert "(2 uploaded file(s))" in out.getvalue()

    destroy_through_a_list(owner, officer)
    assert not os.path.exists(doomed_path)
    # Uploaded after the backup: the restore takes its row away, and must take the file too.
    later_path = attach(make_case(owner=social_worker), social_worker, b"%later-marker").file.path
    assert os.path.exists(later_path) and later_path != kept_path
    os.remove(kept_path)  # the media volume lost since the backup

    out = StringIO()
    call_command("restore", backup, interactive=False, stdout=out)
    assert "Put back 2 uploaded file(s)" in out.getvalue()
    with open(kept_path, "rb") as restored:
        assert restored.read() == PDF + b"%kept-marker"
    assert not os.path.exists(later_path)
    assert "Removed 1 uploaded file(s) the backup does not hold" in out.getvalue()
    # The destroyed case's file came back with the archive, and went again with the register.
    assert not os.path.exists(doomed_path)
    assert Attachment.objects.get(pk=doomed.pk).file.name == ""
    assert verify_chain().ok


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_refuses_a_backup_it_cannot_decrypt(settings, keys, tmp_path):
    out = StringIO()
    call_command("backup", stdout=out)
    backup = out.getvalue().strip().splitlines()[-1]
    settings.BACKUP_AGE_IDENTITY = str(pyrage.x25519.Identity.generate())
    rows = ChronologyEntry.objects.count(), Case.objects.count()
    with pytest.raises(CommandError, match="does not decrypt"):
        call_command("restore", backup, interactive=False, stdout=StringIO())
    assert (ChronologyEntry.objects.count(), Case.objects.count()) == rows


def test_backup_and_restore_need_postgresql_and_a_key(settings, keys, tmp_path, db):
    settings.BACKUP_AGE_RECIPIENT = ""
    with pytest.raises(CommandError, match="PostgreSQL|BACKUP_AGE_RECIPIENT"):
        call_command("backup")
    plain = tmp_path / "plain.dump"
    plain.write_bytes(b"PGDMP not encrypted")
    with pytest.raises(CommandError, match="PostgreSQL|not an age-encrypted backup"):
        call_command("restore", str(plain), interactive=False)


def _as_in_the_backup(case: Case, entry: ChronologyEntry, first_name: str) -> None:
    """What a restored backup taken before the destruction holds: the certificate not yet
    written, the texts still there (written past the append-only trigger, as pg_restore does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE privacy_destructionrecord DISABLE TRIGGER msc_append_only")
        cursor.execute(
            "DELETE FROM privacy_destructionrecord WHERE reference = %s", [case.reference]
        )
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_destructionrecord ENABLE TRIGGER msc_append_only")
    ChronologyEntry.objects.filter(pk=entry.pk).update(text=SECRET)
    Person.objects.filter(pk=case.person_id).update(first_name=first_name)


def test_the_register_applies_again_only_what_the_database_does_not_show_and_verifies_lines(
    settings, keys, db
):
    social_worker = make_user(role=Role.SOCIAL_WORKER)
    owner = make_user(role=Role.COORDINATOR)
    officer = make_user(role=Role.MAYOR_OFFICE)
    security.data_protection_officer_set(user=officer, is_officer=True)
    case, entry = closed_case(social_worker)
    destroy_through_a_list(owner, officer)
    [line] = settings.DELETION_REGISTER_PATH.read_text().splitlines()
    assert SECRET not in line and "Quirinus" not in line

    # Nothing to do while the database shows the destruction.
    report = retention.register_reapply()
    assert (report.reapplied, report.already, report.refused) == ([], 1, [])

    _as_in_the_backup(case, entry, "Quirinus")
    report = retention.register_reapply()
    assert report.reapplied == [case.reference]
    assert ChronologyEntry.objects.get(pk=entry.pk).text == ""
    assert Person.objects.get(pk=case.person_id).first_name == ""

    # A line changed or added by hand (another case to destroy) does not verify: not applied.
    other, other_entry = closed_case(social_worker)
    forged = line.replace(case.reference, other.reference).replace(
        f'"case_id": {case.pk}', f'"case_id": {other.pk}'
    )
    with open(settings.DELETION_REGISTER_PATH, "a") as register:
        register.write(forged + "\n")
    report = retention.register_reapply()
    assert report.refused == [2] and report.reapplied == []
    assert ChronologyEntry.objects.get(pk=other_entry.pk).text == SECRET
