"""The interface language of a response: activated for the rest of the request, and kept in the
language cookie for the next ones (accounts.views keeps a signed-in user's choice on their
profile and applies it at sign-in); and searching a translated name in every language."""

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname


def apply_language(response: HttpResponse, language: str) -> HttpResponse:
    """Activate `language` for the rest of this request and set the cookie for the next ones."""
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def in_any_language(path: str, text: str) -> Q:
    """The rows whose translated field at `path` ("name", "agency__name": a field with one
    column per language, django-modeltranslation) holds `text` in any language. A plain lookup
    reads the reader's language's column alone, which misses a name shown to them in English
    because it has none in their language, and one they know by another language's name."""
    prefix, _dot, field = path.rpartition("__")
    columns = (build_localized_fieldname(field, code) for code, _language in settings.LANGUAGES)
    return reduce(
        or_,
        (Q(**{f"{prefix}{'__' if prefix else ''}{column}__icontains": text}) for column in columns),
    )
