"""The audit log's "from where": the address ClientAddressMiddleware (core) settled."""

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest

from audit import activities
from core.middleware import normalised_ip


class AuditAddressMiddleware(AuditlogMiddleware):
    """auditlog's middleware, except that the address is the one ClientAddressMiddleware
    settled (auditlog's own believes the first X-Forwarded-For entry a client sends, and a
    value that is not an address made every audited request fail on PostgreSQL). The port is
    recorded only for a direct connection: behind a proxy it would be the proxy's, or a
    header the client wrote. Every audit row of the request names the processing activity of
    the page it is for (audit.activities), settled here before the view runs."""

    def __call__(self, request: HttpRequest):
        with activities.serving_request():
            return super().__call__(request)

    def process_view(self, request: HttpRequest, *args) -> None:  # noqa: ARG002
        activities.serving_page(request.resolver_match)

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        if settings.AUDITLOG_DISABLE_REMOTE_ADDR:
            return None
        return normalised_ip(request.META.get("REMOTE_ADDR"))

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        if settings.TRUSTED_PROXY_COUNT:
            return None
        port = str(request.META.get("REMOTE_PORT", ""))
        return int(port) if port.isdigit() and int(port) <= 65535 else None
