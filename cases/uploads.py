"""Checks on uploaded documents: size, and type by content (not by what the browser claims)."""

import codecs

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

# extension -> (content type, what the file must start with)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
}


def check_upload(upload: UploadedFile) -> str:
    """The content type to store for an acceptable upload; ValidationError otherwise."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": MAX_UPLOAD_BYTES // 2**20}
        )
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(ALLOWED_TYPES))}
        )
    content_type, signatures = ALLOWED_TYPES[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            _("The file's content does not match its type (.%(ext)s).") % {"ext": extension}
        )
    if not signatures:
        try:
            # Incremental: a character cut off at the end of the sample is not an error.
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            if b"\x00" in head:
                raise UnicodeDecodeError("utf-8", head, 0, 1, "NUL byte")
        except UnicodeDecodeError as exc:
            raise ValidationError(_("A .txt file must be plain text.")) from exc
    return content_type
