"""Middleware every request goes through: the client's address as our proxies vouch for it, a
request's sanity, and the headers that keep pages out of caches and frames."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

# --- The client's address and the request's sanity --------------------------------------------


def normalised_ip(value: str | None) -> str | None:
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
    return normalised_ip(address)


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
