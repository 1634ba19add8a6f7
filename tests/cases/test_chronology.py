from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Level, Role
from cases import services, uploads
from cases.models import Attachment, ChronologyEntry
from tests.cases.conftest import join
from tests.documents import DOCX, JPEG, ODT, PDF, PNG, TEXT
from tests.factories import make_case, make_user

pytestmark = pytest.mark.clock

K = ChronologyEntry.Kind


def add(case, *, author=None, **fields):
    fields.setdefault("kind", K.NOTE)
    fields.setdefault("occurred_at", timezone.now() - timedelta(hours=2))
    fields.setdefault("level", Level.L2)
    fields.setdefault("text", "Met the person at the youth centre.")
    return services.entry_add(case=case, author=author or case.owner, **fields)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def files_under(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


def counts() -> tuple[int, int]:
    return ChronologyEntry.objects.count(), Attachment.objects.count()


# --- Adding an entry ------------------------------------------------------------------------


def test_it_adds_an_entry_with_the_authors_agency(case):
    when = timezone.now() - timedelta(days=1)
    entry = add(case, kind=K.CONTACT, occurred_at=when, level=Level.L1, text="Phoned mother.")
    entry.refresh_from_db()
    assert entry.case == case
    assert entry.kind == K.CONTACT
    assert entry.occurred_at == when
    assert entry.level == Level.L1
    assert entry.text == "Phoned mother."
    assert entry.author == case.owner
    assert entry.agency == case.owner.profile.agency
    assert entry.supersedes is None


def test_it_refuses_an_entry_more_than_five_minutes_in_the_future(case):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        add(case, occurred_at=timezone.now() + timedelta(minutes=6))
    assert "occurred_at" in refused.value.message_dict
    assert counts() == before


def test_it_refuses_an_entry_days_in_the_future(case):
    with pytest.raises(ValidationError) as refused:
        add(case, occurred_at=timezone.now() + timedelta(days=2))
    assert "occurred_at" in refused.value.message_dict


def test_it_tolerates_a_clock_a_few_minutes_ahead(case):
    entry = add(case, occurred_at=timezone.now() + timedelta(minutes=4))
    assert ChronologyEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_it_refuses_an_entry_without_text(text, case):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        add(case, text=text)
    assert "text" in refused.value.message_dict
    assert counts() == before


# Clearances from DESIGN section 2: social worker and coordinator L2, police and the
# information officer L4. Nobody writes L0 (aggregate) on a case.
LEVELS = [
    (Role.SOCIAL_WORKER, Level.L1, True),
    (Role.SOCIAL_WORKER, Level.L2, True),
    (Role.SOCIAL_WORKER, Level.L3, False),
    (Role.SOCIAL_WORKER, Level.L4, False),
    (Role.COORDINATOR, Level.L2, True),
    (Role.COORDINATOR, Level.L3, False),
    (Role.POLICE, Level.L0, False),
    (Role.POLICE, Level.L1, True),
    (Role.POLICE, Level.L3, True),
    (Role.POLICE, Level.L4, True),
    (Role.INFORMATION_OFFICER, Level.L4, True),
    (Role.SOCIAL_WORKER, Level.L0, False),
]


@pytest.mark.parametrize(("role", "level", "allowed"), LEVELS)
def test_it_accepts_levels_up_to_the_authors_clearance_only(role, level, allowed, case):
    author = make_user(role=role)
    if role != Role.INFORMATION_OFFICER:  # the information officer sees every case
        join(case, author)
    before = counts()
    if allowed:
        entry = add(case, author=author, level=level)
        assert ChronologyEntry.objects.get(pk=entry.pk).level == level
    else:
        with pytest.raises(ValidationError) as refused:
            add(case, author=author, level=level)
        assert "level" in refused.value.message_dict
        assert counts() == before


def test_it_refuses_a_level_above_a_clearance_lowered_for_one_person(case):
    officer = make_user(role=Role.POLICE, clearance=Level.L3)
    join(case, officer)
    add(case, author=officer, level=Level.L3)
    with pytest.raises(ValidationError) as refused:
        add(case, author=officer, level=Level.L4)
    assert "level" in refused.value.message_dict


@pytest.mark.parametrize("role", [Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN])
def test_it_refuses_authors_who_do_not_work_on_cases(role, case):
    before = counts()
    with pytest.raises(PermissionDenied):
        add(case, author=make_user(role=role), level=Level.L1)
    assert counts() == before


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR])
def test_it_refuses_a_case_worker_who_is_not_on_the_case_team(role, case):
    before = counts()
    with pytest.raises(PermissionDenied):
        add(case, author=make_user(role=role), level=Level.L1)
    assert counts() == before


def test_it_lets_a_colleague_of_the_lead_agency_write(case, make_user):
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=case.lead_agency)
    entry = add(case, author=colleague)
    assert (entry.author, entry.agency) == (colleague, case.lead_agency)


def test_it_lets_the_information_officer_write_on_any_case(info_officer):
    case = make_case()
    entry = add(case, author=info_officer, level=Level.L4)
    assert entry.agency == info_officer.profile.agency


def test_it_refuses_a_team_member_whose_grant_has_expired(case, make_user):
    police = make_user(role=Role.POLICE)
    services.team_add_user(
        case=case,
        user=police,
        granted_by=case.owner,
        reason="For one conference",
        expires_on=timezone.localdate() - timedelta(days=1),
    )
    with pytest.raises(PermissionDenied):
        add(case, author=police, level=Level.L4)


# --- Correcting an entry --------------------------------------------------------------------


def test_a_correction_is_a_new_entry_that_supersedes_the_old(case, make_user):
    original = add(case, kind=K.OBSERVATION, level=Level.L1, text="Seen with group X.")
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=case.owner.profile.agency)
    correction = services.entry_correct(
        entry=original, author=colleague, text="Seen with group Y, not X."
    )
    assert correction.pk != original.pk
    assert correction.supersedes == original
    original.refresh_from_db()
    assert original.superseded_by == correction
    assert original.text == "Seen with group X."
    assert correction.text == "Seen with group Y, not X."
    assert correction.author == colleague
    assert (correction.kind, correction.occurred_at, correction.case) == (
        original.kind,
        original.occurred_at,
        original.case,
    )
    assert set(case.entries.values_list("pk", flat=True)) == {original.pk, correction.pk}


def test_a_correction_keeps_the_level_and_agency_of_the_original(case, info_officer):
    police = make_user(role=Role.POLICE)
    join(case, police)
    original = add(case, author=police, kind=K.POLICE_INFORMATION, level=Level.L4)
    correction = services.entry_correct(entry=original, author=info_officer, text="Amended.")
    assert info_officer.profile.agency != police.profile.agency
    assert correction.level == Level.L4
    assert correction.agency == police.profile.agency
    assert correction.author == info_officer


def test_a_police_colleague_corrects_an_agency_held_entry_under_the_same_agency(case):
    police = make_user(role=Role.POLICE)
    colleague = make_user(role=Role.POLICE, agency=police.profile.agency)
    join(case, police, colleague)
    original = add(case, author=police, level=Level.L3)
    correction = services.entry_correct(entry=original, author=colleague, text="Amended.")
    assert (correction.level, correction.agency) == (Level.L3, police.profile.agency)


@pytest.mark.parametrize(
    ("level", "corrector_role"),
    [
        (Level.L3, Role.SOCIAL_WORKER),
        (Level.L4, Role.SOCIAL_WORKER),
        (Level.L4, Role.COORDINATOR),
        (Level.L3, Role.POLICE),  # police of another agency
        (Level.L4, Role.POLICE),
    ],
)
def test_it_refuses_a_correction_by_someone_who_may_not_read_the_entry(level, corrector_role, case):
    author = make_user(role=Role.POLICE)
    corrector = make_user(role=corrector_role)
    join(case, author, corrector)
    original = add(case, author=author, level=level)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.entry_correct(entry=original, author=corrector, text="Amended.")
    assert counts() == before


def test_it_refuses_to_correct_the_same_entry_twice(case):
    original = add(case)
    first = services.entry_correct(entry=original, author=case.owner, text="First correction.")
    before = counts()
    with pytest.raises(ValidationError):
        services.entry_correct(entry=original, author=case.owner, text="Second correction.")
    assert counts() == before
    assert ChronologyEntry.objects.get(supersedes=original) == first


def test_it_lets_the_newest_version_be_corrected_again(case):
    original = add(case)
    first = services.entry_correct(entry=original, author=case.owner, text="First correction.")
    second = services.entry_correct(entry=first, author=case.owner, text="Second correction.")
    assert second.supersedes == first
    assert first.supersedes == original
    assert case.entries.count() == 3


@pytest.mark.parametrize("text", ["", "  \n"])
def test_it_refuses_a_correction_without_text(text, case):
    original = add(case)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.entry_correct(entry=original, author=case.owner, text=text)
    assert "text" in refused.value.message_dict
    assert counts() == before


def test_it_refuses_a_correction_by_a_reader_who_is_not_on_the_case_team(case, make_user):
    original = add(case, level=Level.L1)
    with pytest.raises(PermissionDenied):
        services.entry_correct(
            entry=original, author=make_user(role=Role.SOCIAL_WORKER), text="Amended."
        )
    assert not ChronologyEntry.objects.filter(supersedes=original).exists()


def test_it_refuses_a_correction_by_a_youth_worker(case, youth_worker):
    original = add(case, level=Level.L1)
    with pytest.raises(PermissionDenied):
        services.entry_correct(entry=original, author=youth_worker, text="Amended.")
    assert not ChronologyEntry.objects.filter(supersedes=original).exists()


# --- Attachments ----------------------------------------------------------------------------


def test_it_stores_an_accepted_pdf_with_its_content_type(case, media_root):
    entry = add(case, kind=K.DOCUMENT, attachment=upload("school-report.pdf", PDF, "text/html"))
    attachment = Attachment.objects.get(entry=entry)
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "school-report.pdf"
    assert attachment.size == len(PDF)
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF
    assert [path.read_bytes() for path in files_under(media_root)] == [PDF]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("SCAN.PDF", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        (
            "letter.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("letter.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("notes.txt", TEXT, "text/plain"),
    ],
)
def test_it_stores_each_accepted_type_with_the_content_type_of_its_kind(
    name, content, content_type, case, media_root
):
    entry = add(case, kind=K.DOCUMENT, attachment=upload(name, content))
    attachment = Attachment.objects.get(entry=entry)
    assert attachment.content_type == content_type
    assert attachment.size == len(content)


def test_it_accepts_a_file_of_exactly_the_largest_size(case, media_root):
    # Padded before its trailer: a PDF ends with %%EOF.
    content = PDF[:-6] + b"0" * (uploads.MAX_UPLOAD_BYTES - len(PDF)) + PDF[-6:]
    entry = add(case, attachment=upload("large.pdf", content))
    assert Attachment.objects.get(entry=entry).size == uploads.MAX_UPLOAD_BYTES


def test_it_accepts_a_text_file_whose_sample_ends_inside_a_character(case, media_root):
    # The content check reads the first 2048 bytes; "é" is two bytes and straddles the cut.
    content = b"a" * 2047 + "é".encode() + b" and more text"
    entry = add(case, attachment=upload("notes.txt", content))
    assert Attachment.objects.get(entry=entry).content_type == "text/plain"


REFUSED_UPLOADS = {
    "oversized": lambda: upload(
        "large.pdf", PDF + b"0" * (uploads.MAX_UPLOAD_BYTES - len(PDF) + 1)
    ),
    "executable": lambda: upload("tool.exe", b"MZ\x90\x00" + b"\x00" * 20),
    "html": lambda: upload("page.html", b"<html><script>alert(1)</script></html>"),
    "svg": lambda: upload("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    "no extension": lambda: upload("report", PDF),
    "pdf that is text": lambda: upload("report.pdf", b"Just some text, not a PDF."),
    "pdf that is a png": lambda: upload("report.pdf", PNG),
    "png that is a pdf": lambda: upload("photo.png", PDF),
    "jpg that is html": lambda: upload("photo.jpg", b"<html></html>"),
    "docx that is text": lambda: upload("letter.docx", b"Dear sir"),
    "pdf signature later in the file": lambda: upload("report.pdf", b" " + PDF),
    "text with a NUL byte": lambda: upload("notes.txt", b"plain\x00text"),
    "text that is not UTF-8": lambda: upload("notes.txt", b"caf\xe9 \xff\xfe"),
    "executable named text": lambda: upload("notes.txt", b"MZ\x90\x00\x03\x00\x00\x00"),
}


@pytest.mark.parametrize("kind", REFUSED_UPLOADS)
def test_it_refuses_an_unacceptable_upload_and_saves_nothing(kind, case, media_root):
    before = counts()
    with pytest.raises(ValidationError):
        add(case, kind=K.DOCUMENT, text="See the document.", attachment=REFUSED_UPLOADS[kind]())
    assert counts() == before
    assert files_under(media_root) == []


def test_an_entry_refused_for_its_date_leaves_no_file_behind(case, media_root):
    before = counts()
    with pytest.raises(ValidationError):
        add(
            case,
            occurred_at=timezone.now() + timedelta(days=1),
            attachment=upload("report.pdf", PDF),
        )
    assert counts() == before
    assert files_under(media_root) == []


def test_an_entry_refused_for_its_level_leaves_no_file_behind(case, media_root):
    before = counts()
    with pytest.raises(ValidationError):
        add(case, level=Level.L4, attachment=upload("report.pdf", PDF))
    assert counts() == before
    assert files_under(media_root) == []
