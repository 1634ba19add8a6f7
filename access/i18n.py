"""The interface language, chosen per user.

The language switcher posts to `set_language`; for a signed-in user the choice is also kept on
their profile, and on their next sign-in (on any device) the language cookie is set from it.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.views import i18n

from access import services
from core.i18n import apply_language


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


class SignInView(auth_views.LoginView):
    """Django's sign-in; afterwards the interface speaks the user's stored language."""

    def form_valid(self, form):
        response = super().form_valid(form)
        language = stored_language(form.get_user())
        if language:
            apply_language(response, language)
        return response
