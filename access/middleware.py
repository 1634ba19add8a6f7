import ipaddress
import time
from collections.abc import Callable
from urllib.parse import urlencode

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

LAST_ACTIVITY_KEY = "msc_last_activity"


# --- The client's address and the request's sanity --------------------------------------------


def _ip(value: str | None) -> str | None:
    """`value` as a normalised IP address, or None when it is not one (whatever a header held)."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        # fe80::1%eth0: the database's inet type takes no zone.
        address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
    return str(address)


def client_address(meta: dict, trusted_proxies: int) -> str | None:
    """The address of whoever sent the request, as far as our own proxies vouch for it.

    With no trusted proxy it is the peer of the connection (REMOTE_ADDR), and X-Forwarded-For,
    which anybody can send, counts for nothing. Behind N proxies that each add the address they
    received the request from, the N-th address from the right of X-Forwarded-For is the one
    the outermost of our proxies saw; anything to its left was written by the client. A request
    that arrives with fewer addresses did not come through all of them: its peer is used."""
    address = meta.get("REMOTE_ADDR")
    if trusted_proxies:
        hops = [h.strip() for h in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= trusted_proxies:
            address = hops[-trusted_proxies]
    return _ip(address)


class ClientAddressMiddleware:
    """First in the chain: REMOTE_ADDR becomes the client's address (settings.TRUSTED_PROXY_COUNT
    says how many of our proxies stand in front), or empty when it is not a valid address. Every
    reader after this one (the audit, security events, sign-in throttling) reads REMOTE_ADDR
    only, never a forwarded header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = (
            client_address(request.META, settings.TRUSTED_PROXY_COUNT) or ""
        )
        return self.get_response(request)


class AuditAddressMiddleware(AuditlogMiddleware):
    """auditlog's middleware, except that the address is the one ClientAddressMiddleware
    settled (auditlog's own believes the first X-Forwarded-For entry a client sends, and a
    value that is not an address made every audited request fail on PostgreSQL). The port is
    recorded only for a direct connection: behind a proxy it would be the proxy's, or a
    header the client wrote."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return _ip(request.META.get("REMOTE_ADDR"))

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        if settings.TRUSTED_PROXY_COUNT:
            return None
        port = str(request.META.get("REMOTE_PORT", ""))
        return int(port) if port.isdigit() and int(port) <= 65535 else None


# What an address, and a search box or filter, may hold; far above any real one. Longer ones
# are refused before a view sees them (SQLite refuses a LIKE pattern over 50 000 bytes, and a
# reference or code is a few dozen characters).
MAX_PATH_LENGTH = 2000
MAX_QUERY_VALUE_LENGTH = 1000


class RequestSanityMiddleware:
    """Refuses (400) a request whose path or query string holds a NUL byte, a path longer than
    MAX_PATH_LENGTH or a query value longer than MAX_QUERY_VALUE_LENGTH: PostgreSQL refuses NUL
    in any text it is given, so such a value would reach a query only to fail there. Answered
    here, once, for every view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in request.path_info:
            return HttpResponseBadRequest(_("Bad request: the address holds a NUL byte."))
        if len(request.path) > MAX_PATH_LENGTH:
            return HttpResponseBadRequest(_("Bad request: the address is too long."))
        for key, values in request.GET.lists():
            for value in (key, *values):
                if "\x00" in value:
                    return HttpResponseBadRequest(_("Bad request: the query holds a NUL byte."))
                if len(value) > MAX_QUERY_VALUE_LENGTH:
                    return HttpResponseBadRequest(_("Bad request: a query value is too long."))
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages shown to a signed-in user hold case data: no browser or proxy may keep a copy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: what the browser may use, and who may embed us."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if response.get("Content-Disposition", "").startswith("attachment"):
            # A downloaded document opened in the browser anyway runs nothing, loads nothing.
            response["Content-Security-Policy"] = "default-src 'none'; sandbox"
            response["X-Content-Type-Options"] = "nosniff"
        return response


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
                from access import security

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
        if user.is_authenticated and not user.is_verified():
            from access import security

            if security.second_factor_needed(user):
                name = _url_name(request)
                static = request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/"))
                if name not in TWO_FACTOR_OPEN_URLS and not static:
                    target = (
                        "two_factor:verify"
                        if security.has_second_factor(user)
                        else "two_factor:setup"
                    )
                    return _login_redirect(request, target)
        return self.get_response(request)
