"""The documents of a meeting as files (issue 17, part 7): a PDF copy of the minutes or of a
briefing pack for one reader, and a calendar file.

A PDF copy shows what its reader may read, from the same selectors as the pages. Each copy is
numbered (per meeting and kind of document, DocumentCopy), stamped on every page with the
protective marking of the highest level it shows, the reader's name, the day and the copy
number (core.pdf), and recorded as a read in the audit, with its number. A calendar file
holds no case content: the series' name, the time, the place and a link.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import protective_marking
from accounts.types import Actor
from audit.reads import record_read
from conferences import selectors
from conferences.models import DocumentCopy, Meeting
from core import ics
from core.pdf import Stamp, render_pdf

# A meeting has a start and no set end: its calendar entry lasts this long.
MEETING_LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class IssuedCopy:
    number: int
    filename: str
    content: bytes


def _next_copy(*, meeting: Meeting, kind: str, reader: Actor, level: int) -> DocumentCopy:
    """The next copy number of this document: one more than the highest issued. Two readers
    asking at once cannot get the same number (the unique constraint); the one that loses
    takes the next."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                highest = DocumentCopy.objects.filter(meeting=meeting, kind=kind).aggregate(
                    n=Max("number")
                )["n"]
                return DocumentCopy.objects.create(
                    meeting=meeting,
                    kind=kind,
                    number=(highest or 0) + 1,
                    reader=reader,
                    level=level,
                    issued_at=timezone.now(),
                )
        except IntegrityError:
            continue
    raise RuntimeError("no copy number could be issued")


@transaction.atomic
def issue_copy(
    *,
    reader: Actor,
    meeting: Meeting,
    kind: str,
    level: int,
    template: str,
    context: dict[str, Any],
    filename: str,
) -> IssuedCopy:
    """A numbered, stamped PDF copy of `template` rendered with `context` (already filtered
    for `reader` by a selector), recorded as a read. `level` is the highest level the context
    shows. `filename` without its extension; the copy number is added."""
    copy = _next_copy(meeting=meeting, kind=kind, reader=reader, level=level)
    marking = protective_marking(level)
    record_read(
        user=reader,
        obj=meeting,
        what=f"{kind} PDF copy {copy.number}",
        copy=copy.number,
        level=level,
    )
    stamp = Stamp(
        marking=marking,
        reader=reader.get_full_name() or reader.get_username(),
        issued_on=timezone.localdate(),
        copy_number=copy.number,
    )
    content = render_pdf(template, context, stamp=stamp)
    return IssuedCopy(
        number=copy.number, filename=f"{filename}-copy-{copy.number}.pdf", content=content
    )


def minutes_pdf(*, reader: Actor, meeting: Meeting) -> IssuedCopy:
    """The minutes as the reader may read them (as the minutes page), as a PDF copy. The
    caller made sure the reader signed the declaration (else the document is empty)."""
    document = selectors.minutes_document(user=reader, meeting=meeting, audit=False)
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return issue_copy(
        reader=reader,
        meeting=meeting,
        kind=DocumentCopy.Kind.MINUTES,
        level=document.level,
        template="conferences/minutes_pdf.html",
        context={
            "document": document,
            "meeting": meeting,
            "recusals": selectors.recusals(user=reader, meeting=meeting, items=document.items),
        },
        filename=f"minutes-{day}",
    )


def briefing_pdf(*, reader: Actor, meeting: Meeting) -> IssuedCopy:
    """The reader's briefing pack as a PDF copy. There is no stored pack to go stale: each
    copy is made at the moment it is asked for, from the data as it is then and filtered for
    its reader by the same selector as the briefing page, so a pack is always "refreshed" (a
    copy asked for before the meeting shows what was added since the agenda went out). The
    caller made sure the reader signed the declaration (else the pack is empty)."""
    contexts = selectors.briefing(user=reader, meeting=meeting, audit=False)
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return issue_copy(
        reader=reader,
        meeting=meeting,
        kind=DocumentCopy.Kind.BRIEFING_PACK,
        level=selectors.briefing_level(user=reader, contexts=contexts),
        template="conferences/briefing_pdf.html",
        context={"contexts": contexts, "meeting": meeting, "made_at": timezone.now()},
        filename=f"briefing-{day}",
    )


def meeting_calendar(*, meeting: Meeting, url: str, host: str) -> str:
    """The meeting's calendar file: no case content (no agenda, no person, no reference)."""
    event = ics.Event(
        uid=f"meeting-{meeting.pk}@{host}",
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + MEETING_LENGTH,
        summary=meeting.series.name,
        location=meeting.location,
        url=url,
        description=_("Sign in for the agenda."),
        cancelled=meeting.status == Meeting.Status.CANCELLED,
    )
    return ics.calendar(event, now=timezone.now())
