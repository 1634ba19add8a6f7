"""Uploads are recognised by their content (the `filetype` library) and checked for their
structure: hostile files that only start like an accepted kind are refused with a clear
message, and nothing of them is kept."""

import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Level
from cases import services
from cases.models import Attachment, ChronologyEntry
from cases.uploads import check_upload
from tests.documents import DOCX, DOCX_CONTENT_TYPES, JPEG, ODT, PDF, PNG, TEXT, zipped
from tests.factories import make_case

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SCRIPT = b"<script>alert(document.cookie)</script>"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, content))
    return " ".join(refused.value.messages)


HOSTILE = {
    "HTML after the PDF signature": (
        "report.pdf",
        b"%PDF-1.4\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF\n",
    ),
    "HTML after the PDF signature, no trailer": ("report.pdf", b"%PDF-1.4\n<html>" + SCRIPT),
    "a PDF signature and nothing of a PDF": ("report.pdf", b"%PDF-1.4 x"),
    "SVG after the PNG signature": ("photo.png", PNG_MAGIC + b"<svg onload='alert(1)'/>"),
    "SVG after a PNG header": ("photo.png", PNG + b"<svg onload='alert(1)'/>"),
    "script in a JPEG": ("photo.jpg", JPEG[:12] + b"<html>" + SCRIPT),
    "SVG named as such": ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    "any ZIP as .docx": ("letter.docx", zipped(("index.html", b"<html>" + SCRIPT))),
    "a ZIP with a content-types entry and no document": (
        "letter.docx",
        zipped(("[Content_Types].xml", b"<Types/>"), ("x.html", SCRIPT)),
    ),
    "an OpenDocument text named .docx": ("letter.docx", ODT),
    "a Word document named .odt": ("letter.odt", DOCX),
    "an ODT whose mimetype says spreadsheet": (
        "letter.odt",
        zipped(
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"x")
        ),
    ),
    "a Word document with macros": (
        "letter.docx",
        zipped(
            ("[Content_Types].xml", DOCX_CONTENT_TYPES),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b"\x00" * 64),
        ),
    ),
    "a ZIP of five thousand and one entries": (
        "letter.docx",
        zipped(
            ("[Content_Types].xml", DOCX_CONTENT_TYPES),
            *((f"word/part{n}.xml", b"") for n in range(5001)),
        ),
    ),
    "a truncated ZIP": ("letter.docx", DOCX[:200]),
    "a PNG named .jpg": ("photo.jpg", PNG),
    "a PDF named .docx": ("letter.docx", PDF),
    "a PDF named .txt": ("notes.txt", PDF),
    "a PNG named .pdf": ("report.pdf", PNG),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_file_is_refused(kind):
    name, content = HOSTILE[kind]
    assert refusal(name, content)


def test_svg_is_refused_with_a_reason(db):
    assert "SVG" in refusal("drawing.svg", b"<svg/>")
    assert "SVG" in refusal("drawing.SVGZ", b"\x1f\x8b")


def test_a_mismatch_names_what_the_file_really_is():
    message = refusal("photo.jpg", PNG)
    assert ".jpg" in message and "is a .png file" in message
    # By the extension people know, never a MIME type.
    assert "is a .pdf file" in refusal("letter.docx", PDF)
    assert "application/" not in refusal("letter.docx", PDF)


def test_web_page_code_in_a_pdf_is_named_as_the_reason():
    assert "web-page" in refusal("report.pdf", HOSTILE["HTML after the PDF signature"][1])


def test_a_document_with_macros_is_named_as_the_reason():
    assert "macros" in refusal("letter.docx", HOSTILE["a Word document with macros"][1])


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.JPG", JPEG, "image/jpeg"),
        (
            "letter.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("letter.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("notes.txt", TEXT, "text/plain"),
    ],
)
def test_a_well_formed_document_of_each_kind_is_accepted(name, content, content_type):
    document = upload(name, content)
    assert check_upload(document) == content_type
    assert document.read() == content, "the check leaves the file at its start"


def test_a_word_document_whose_parts_come_in_another_order_is_accepted():
    # Where the library cannot tell a Word document from a ZIP by its first entries, its
    # structure decides.
    content = zipped(
        ("[Content_Types].xml", DOCX_CONTENT_TYPES),
        ("docProps/thumbnail.jpeg", os.urandom(20_000)),
        ("customXml/item1.xml", os.urandom(10_000)),
        ("_rels/.rels", b"<Relationships/>"),
        ("word/document.xml", b"<w:document/>"),
    )
    assert check_upload(upload("letter.docx", content)).endswith("wordprocessingml.document")


def test_a_pdf_with_data_after_its_trailer_within_the_last_kilobyte_is_accepted():
    assert check_upload(upload("scan.pdf", PDF + b"\n" * 300)) == "application/pdf"


def test_a_refused_upload_leaves_no_entry_and_no_file(social_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = make_case(owner=social_worker)
    before = (ChronologyEntry.objects.count(), Attachment.objects.count())
    for name, content in HOSTILE.values():
        with pytest.raises(ValidationError):
            services.entry_add(
                case=case,
                author=social_worker,
                kind="document",
                occurred_at=timezone.now(),
                level=Level.L2,
                text="See the file.",
                attachment=upload(name, content),
            )
    assert (ChronologyEntry.objects.count(), Attachment.objects.count()) == before
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
