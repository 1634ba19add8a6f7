"""iCalendar files (RFC 5545) with one event, written by hand: the format is small, and what
goes in it is chosen by the caller (a meeting's calendar file carries no case content).

Times are written in UTC (the "Z" form), so the file needs no time zone definition; text is
escaped (section 3.3.11) and lines are folded at 75 octets without splitting a character
(section 3.1); lines end with CRLF.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

PRODUCT = "-//MSC case conference//EN"


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    cancelled: bool = False


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped; a line break as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """A content line folded into lines of at most 75 octets, each continuation starting with
    a space, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            parts.append(current)
            # A continuation line starts with a space, which counts towards its 75 octets.
            current, size, limit = "", 0, 74
        current += char
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def calendar(event: Event, *, now: datetime) -> str:
    """The text of a calendar file holding the event; `now` is its DTSTAMP."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append(f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(f"{fold(line)}\r\n" for line in lines)
