"""Content-free e-mail: one message per recipient (nobody sees the others' addresses), no
names, no case, no text of what happened; the reader signs in to see what they may see. Each
message is in its reader's language: the one on their profile, else the site's."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.utils import translation
from django.utils.functional import Promise


def reader_languages(emails: Iterable[str]) -> dict[str, str]:
    """Each address's language: the profile's choice (accounts.Profile.language), else the
    site's default."""
    chosen: dict[str, str] = {}
    rows = (
        get_user_model()
        .objects.filter(email__in=list(emails))
        .exclude(profile__language="")
        .values_list("email", "profile__language")
        .order_by("pk")
    )
    for email, language in rows:
        chosen.setdefault(email, language)
    return chosen


def send_content_free(emails: Iterable[str], subject: str | Promise, body: str | Promise) -> int:
    """Send `subject` and `body` to each address once; returns how many messages went out.
    Give them lazily translated (gettext_lazy) so each reader gets them in their language."""
    addresses = sorted({e for e in emails if e})
    languages = reader_languages(addresses)
    messages = []
    for email in addresses:
        with translation.override(languages.get(email, settings.LANGUAGE_CODE)):
            messages.append((str(subject), str(body), settings.DEFAULT_FROM_EMAIL, [email]))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
