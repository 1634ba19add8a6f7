"""Headers: CSP with no inline script or style, HSTS, cookies, frames, referrer; uploads."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level
from cases import services
from tests.config.test_settings import PRODUCTION, read_settings
from tests.factories import PASSWORD, make_case

ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = set(words[1:])
    return parsed


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_has_a_policy_that_forbids_inline_script_and_style(
    client, social_worker, signed_in
):
    if signed_in:
        client.force_login(social_worker)
    response = client.get(reverse("home" if signed_in else "login"))
    csp = directives(response)
    assert csp["default-src"] == {"'self'"}
    assert csp["script-src"] == {"'self'"} and csp["style-src"] == {"'self'"}
    assert csp["object-src"] == {"'none'"} and csp["frame-ancestors"] == {"'none'"}
    assert csp["base-uri"] == {"'none'"} and csp["form-action"] == {"'self'"}
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_pages_deny_framing_sniffing_and_cross_site_referrers(client, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Not "no-referrer": browsers then send "Origin: null" on forms, which CSRF refuses.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cache-Control"] == "no-store, private"


def test_https_answers_carry_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_cookies_are_secure_and_http_only():
    values = read_settings(
        PRODUCTION,
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


def test_the_session_cookie_is_http_only_and_secure_when_set(client, social_worker, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(
        reverse("login"), {"username": social_worker.username, "password": PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline script"),
    (re.compile(r"<style\b", re.I), "style element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_has_inline_script_or_style():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(ROOT)}: {what}" for rx, what in INLINE if rx.search(text)]
    assert found == []


def test_the_script_is_a_static_file_loaded_by_every_page(client, social_worker):
    client.force_login(social_worker)
    body = client.get(reverse("home")).content.decode()
    assert re.search(r'<script src="[^"]*js/session\.js" defer></script>', body)
    assert (ROOT / "static" / "js" / "session.js").exists()


# --- Uploads ---------------------------------------------------------------------------------


def add_entry(case, upload):
    return services.entry_add(
        case=case,
        author=case.owner,
        kind="document",
        occurred_at=timezone.now(),
        level=Level.L2,
        text="A document",
        attachment=upload,
    )


def test_an_upload_whose_content_does_not_match_its_type_is_refused(
    social_worker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    case = make_case(owner=social_worker)
    html = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script>", "application/pdf")
    with pytest.raises(services.ValidationError):
        add_entry(case, html)
    with pytest.raises(services.ValidationError):
        add_entry(case, SimpleUploadedFile("page.html", b"<html></html>", "text/html"))


def test_an_upload_over_the_size_limit_is_refused(social_worker, tmp_path, settings, monkeypatch):
    from cases import uploads

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1024)
    case = make_case(owner=social_worker)
    with pytest.raises(services.ValidationError, match="too large"):
        add_entry(case, SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2048, "application/pdf"))


def test_a_document_is_served_as_an_attachment_of_its_checked_type(
    client, social_worker, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    case = make_case(owner=social_worker)
    # The browser claims HTML; the content says PDF, and PDF is what is stored and served.
    from tests.documents import PDF

    entry = add_entry(case, SimpleUploadedFile("r.pdf", PDF, content_type="text/html"))
    client.force_login(social_worker)
    url = reverse("cases:attachment", args=[case.reference, entry.attachments.get().pk])
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_upload_limit_is_a_setting():
    values = read_settings({**PRODUCTION, "MAX_UPLOAD_BYTES": "2048"}, "MAX_UPLOAD_BYTES")
    assert values == {"MAX_UPLOAD_BYTES": 2048}
