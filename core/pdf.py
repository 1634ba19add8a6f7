"""PDF copies of a document, made with WeasyPrint from a Django template.

Every page of a copy carries its stamp: the protective marking (at the top and the bottom),
the reader it was made for, the day and the copy number, and the page number. The stamp comes
from elements of the document itself (CSS `string-set`, templates/pdf/document.html), so no
reader's name is ever written into a style sheet. Nothing is fetched while rendering (no
image, style sheet or font from a URL: the fonts are the system's), so a document cannot
make the server call out. Who may have a copy, its number and the read audit are the caller's
(e.g. conferences.documents); this module only renders.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Stamp:
    marking: str  # e.g. "OFFICIAL-SENSITIVE — L3" (accounts.models.protective_marking)
    reader: str  # the full name of the reader the copy is made for
    issued_on: date
    copy_number: int


def render_pdf(template_name: str, context: dict[str, Any], *, stamp: Stamp) -> bytes:
    """The template (extending pdf/document.html) rendered with the context and the stamp,
    as PDF bytes."""
    # local import: WeasyPrint loads Pango and its fonts on import, only where a PDF is made.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string(template_name, {**context, "stamp": stamp})
    # No protocol is allowed: every URL in the document is refused, and logged by WeasyPrint.
    nothing = URLFetcher(allowed_protocols=(), allow_redirects=False)
    style = CSS(string=render_to_string("pdf/document.css"), url_fetcher=nothing)
    document = HTML(string=html, url_fetcher=nothing, base_url=None)
    return document.write_pdf(stylesheets=[style])
