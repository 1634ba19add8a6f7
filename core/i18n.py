"""The interface language of a response: activated for the rest of the request, and kept in the
language cookie for the next ones (accounts.views keeps a signed-in user's choice on their
profile and applies it at sign-in)."""

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation


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
