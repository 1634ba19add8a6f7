"""The session's middleware: sign-out after inactivity, and the second factor before anything
else."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.middleware import SessionRefresh

from accounts import security
from accounts.security import LAST_ACTIVITY_KEY


def _safe_next(request: HttpRequest) -> str:
    """Where to return after signing in again: the page itself; for a form that was posted,
    the form's page (the browser restores the unsaved text there)."""
    return request.get_full_path() if request.method in ("GET", "HEAD") else request.path


def _login_redirect(request: HttpRequest, name: str, **params: str) -> HttpResponseRedirect:
    query = urlencode({"next": _safe_next(request), **params})
    return HttpResponseRedirect(f"{reverse(name)}?{query}")


# Pages reachable while a session waits for its second factor, or without any session.
TWO_FACTOR_OPEN_URLS = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "session_status",
        "two_factor:verify",
        "two_factor:setup",
        "two_factor:recovery_codes",
        "oidc_authentication_init",
        "oidc_authentication_callback",
        # Security keys: signing in with one, and registering the first second factor (the
        # library refuses a registration to an enrolled session not yet verified).
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
SESSION_STATUS_URL = "session_status"


def _url_name(request: HttpRequest) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class IdleTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT seconds without a request. The session-status
    endpoint that the page's script polls does not count as activity."""

    # Write the session at most this often: activity is measured to the minute.
    TOUCH_EVERY = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY)
            passive = _url_name(request) == SESSION_STATUS_URL and request.method == "GET"
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
                security.session_expire_idle(request=request)
                if not passive:
                    messages.info(request, _("You were signed out after a while without activity."))
                    return _login_redirect(request, "login")
            elif not passive and (last is None or now - last >= self.TOUCH_EVERY):
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """A session whose user must use a second factor reaches nothing but the two-factor pages
    until it is verified (django-otp's OTPMiddleware says whether it is)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        needs_second_factor = (
            user.is_authenticated
            and not user.is_verified()
            and not security.provider_second_factor_passed(request)
            and security.second_factor_needed(user, as_read_with_user=True)
        )
        if needs_second_factor:
            name = _url_name(request)
            static = request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/"))
            if name not in TWO_FACTOR_OPEN_URLS and not static:
                target = (
                    "two_factor:verify" if security.has_second_factor(user) else "two_factor:setup"
                )
                return _login_redirect(request, target)
        return self.get_response(request)


class SessionRecordMiddleware:
    """Keeps the record of each signed-in session (device, address, last seen) that its owner
    sees and ends on the sessions page; writes at most once a minute per session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and _url_name(request) != SESSION_STATUS_URL:
            security.session_record(request=request)
        return self.get_response(request)


class ProviderSessionRefreshMiddleware(SessionRefresh):
    """mozilla-django-oidc's SessionRefresh, for sessions signed in through the provider: once
    OIDC_RECHECK_SECONDS have passed, the next page goes by the provider without a prompt; if
    the provider refuses (the account was removed or disabled there), the callback ends the
    session. Inert while no provider is configured; settings are read at each request."""

    def process_request(self, request: HttpRequest):
        if not settings.OIDC_ENABLED:
            return None
        SessionRefresh.__init__(self, self.get_response)
        return super().process_request(request)

    @property
    def exempt_urls(self) -> set[str]:
        # The library's list names its own sign-out view, which this project does not use.
        names = [*settings.OIDC_EXEMPT_URLS, "oidc_authentication_init"]
        return {reverse(name) for name in [*names, "oidc_authentication_callback"]}
