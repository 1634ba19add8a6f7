"""Content-free e-mail: one message per recipient (nobody sees the others' addresses), no
names, no case, no text of what happened; the reader signs in to see what they may see."""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail


def send_content_free(emails: Iterable[str], subject: str, body: str) -> int:
    """Send `subject` and `body` to each address once; returns how many messages went out."""
    messages = [
        (subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in sorted({e for e in emails if e})
    ]
    return send_mass_mail(messages, fail_silently=False) if messages else 0
