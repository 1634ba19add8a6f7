"""Checks on uploaded documents: size, and type by content (not by what the browser claims).

The type is detected by `filetype` (a well-kept, pure-Python library of file signatures), and
must be the one the extension names. Each kind is then checked for its structure, so that a
file that merely starts like a PDF or a PNG, or any ZIP named .docx, is refused: a PDF ends with
%%EOF; a Word document is a ZIP holding [Content_Types].xml and word/; an OpenDocument text
starts with its mimetype entry; no PDF or image holds HTML or script near its start (a polyglot
that a browser would render as a page). SVG is refused outright: it is a page that can run
scripts.
"""

import codecs
import re
import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
# extension -> the content type stored and served
ALLOWED_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": DOCX,
    "odt": ODT,
    "txt": "text/plain",
}
# Office documents are ZIP archives: `filetype` names the document type when the entries it
# looks for come first, and a plain ZIP otherwise; the structural check decides.
ZIPPED = {DOCX, ODT}
REFUSED_OUTRIGHT = {"svg", "svgz"}

HEAD_BYTES = 8192
# What a browser would take for a page, in the first kilobyte of a PDF or an image.
MARKUP = re.compile(
    rb"<\s*(?:html|script|svg|body|iframe|object|embed|!doctype)\b|javascript:", re.IGNORECASE
)
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
# An Office archive is opened only to read its list of entries and one small entry; these
# bound what a crafted archive (a "ZIP bomb") can make us do.
MAX_ARCHIVE_ENTRIES = 5000
MAX_ARCHIVE_UNPACKED = 200 * 1024 * 1024


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="upload")


def _mismatch(extension: str, found: filetype.Type | None) -> ValidationError:
    """Names what the file really is by the extension people know (.png), not its MIME type."""
    if found is not None:
        return _refuse(
            _(
                "The file's content does not match its type: it is named .%(ext)s but is a "
                ".%(found)s file. Save it in the right format and try again."
            )
            % {"ext": extension, "found": found.extension}
        )
    return _refuse(_("The file's content does not match its type (.%(ext)s).") % {"ext": extension})


def _read(upload: UploadedFile, start: int, size: int) -> bytes:
    upload.seek(start)
    data = upload.read(size)
    upload.seek(0)
    return data


def _check_pdf(upload: UploadedFile, head: bytes) -> None:
    tail = _read(upload, max(upload.size - 1024, 0), 1024)
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise _mismatch("pdf", None)
    if MARKUP.search(head[:1024]):
        raise _refuse(_("This PDF holds web-page code at its start: it is not accepted."))


def _check_image(extension: str, head: bytes) -> None:
    if extension == "png" and not head.startswith(PNG_HEADER):
        raise _mismatch(extension, None)
    if MARKUP.search(head[:1024]):
        raise _refuse(_("This image holds web-page code: it is not accepted."))


def _archive(upload: UploadedFile, extension: str) -> zipfile.ZipFile:
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _mismatch(extension, None) from exc
    if len(entries) > MAX_ARCHIVE_ENTRIES or (
        sum(entry.file_size for entry in entries) > MAX_ARCHIVE_UNPACKED
    ):
        raise _refuse(_("This document is packed in a way that is not accepted."))
    return archive


def _entry_text(archive: zipfile.ZipFile, name: str, limit: int = 64 * 1024) -> bytes:
    try:
        with archive.open(name) as entry:
            return entry.read(limit)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
        return b""


def _check_docx(upload: UploadedFile) -> None:
    with _archive(upload, "docx") as archive:
        names = archive.namelist()
        content_types = _entry_text(archive, "[Content_Types].xml")
    if (
        "[Content_Types].xml" not in names
        or not any(name.startswith("word/") for name in names)
        or b"wordprocessingml.document.main+xml" not in content_types
    ):
        raise _mismatch("docx", None)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(_("This document holds macros: it is not accepted."))


def _check_odt(upload: UploadedFile) -> None:
    with _archive(upload, "odt") as archive:
        entries = archive.infolist()
        mimetype = _entry_text(archive, "mimetype", limit=200) if entries else b""
        names = {entry.filename for entry in entries}
    if (
        not entries
        or entries[0].filename != "mimetype"
        or mimetype.strip() != ODT.encode()
        or "content.xml" not in names
    ):
        raise _mismatch("odt", None)


def _check_text(head: bytes) -> None:
    try:
        # Incremental: a character cut off at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        if b"\x00" in head:
            raise UnicodeDecodeError("utf-8", head, 0, 1, "NUL byte")
    except UnicodeDecodeError as exc:
        raise _refuse(_("A .txt file must be plain text.")) from exc


def check_upload(upload: UploadedFile) -> str:
    """The content type to store for an acceptable upload; ValidationError otherwise. The file
    is left at its start, for whoever saves it next."""
    try:
        return _checked_type(upload)
    finally:
        upload.seek(0)


def _checked_type(upload: UploadedFile) -> str:
    if upload.size > MAX_UPLOAD_BYTES:
        raise _refuse(
            _("The file is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension in REFUSED_OUTRIGHT:
        raise _refuse(_("SVG images are not accepted: they can run scripts. Send a PNG or PDF."))
    if extension not in ALLOWED_TYPES:
        raise _refuse(
            _("This type of file is not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(ALLOWED_TYPES))}
        )
    content_type = ALLOWED_TYPES[extension]
    head = _read(upload, 0, HEAD_BYTES)
    detected = filetype.guess(head)
    found = detected.mime if detected is not None else None
    if extension == "txt":
        if found is not None:
            raise _mismatch(extension, detected)
        _check_text(head[:2048])
        return content_type
    acceptable = {content_type} | ({"application/zip"} if content_type in ZIPPED else set())
    if found not in acceptable:
        raise _mismatch(extension, detected)
    if content_type == "application/pdf":
        _check_pdf(upload, head)
    elif content_type == DOCX:
        _check_docx(upload)
    elif content_type == ODT:
        _check_odt(upload)
    else:
        _check_image(extension, head)
    return content_type
