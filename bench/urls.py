"""The application's URLs plus /bench/bare/, the ceiling the benchmark compares pages with.

Only the benchmark's settings (bench/settings.py) use this module: production has no such page.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as application_urls


def bare(_request: HttpRequest) -> HttpResponse:
    """No query of its own, no template: what the stack costs before a page does any work."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *application_urls]
