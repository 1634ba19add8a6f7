"""Small but well-formed documents of each accepted kind, for tests that upload files, and
hostile files that only look like them."""

import io
import zipfile

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
TEXT = "Gesprek met de moeder, één uur, café.\n".encode()

DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            # The ODF mimetype entry is stored uncompressed, first, as the standard says.
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


DOCX = zipped(
    ("[Content_Types].xml", DOCX_CONTENT_TYPES),
    ("_rels/.rels", b"<Relationships/>"),
    ("word/document.xml", b"<w:document/>"),
)
ODT = zipped(
    ("mimetype", ODT_TYPE),
    ("META-INF/manifest.xml", b"<manifest/>"),
    ("content.xml", b"<office:document-content/>"),
)


def pdf_of(text: str) -> bytes:
    """A PDF that holds `text` (not rendered, but it is in the file)."""
    return PDF.replace(b"%%EOF", f"% {text}\n%%EOF".encode())
