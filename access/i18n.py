"""The interface language, chosen per user.

The language switcher posts to `set_language`; for a signed-in user the choice is also kept on
their profile, and on their next sign-in (on any device) the language cookie is set from it.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views import i18n

from access import services


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie and redirect), remembering a signed-in user's choice."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER, "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        services.profile_set_language(user=request.user, language=language)
    return response


def stored_language(user) -> str:
    profile = getattr(user, "profile", None) if user.pk else None
    return profile.language if profile is not None else ""


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


class SignInView(auth_views.LoginView):
    """Django's sign-in; afterwards the interface speaks the user's stored language."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = stored_language(form.get_user())
        if language:
            apply_language(response, language)
        return response
