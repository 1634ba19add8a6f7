"""The browser suite: headless Chromium from the system's packages (Debian `chromium`), driven by
Playwright's Python package, against the application on pytest-django's live server (loopback).

No browser is ever downloaded: Playwright is pointed at CHROMIUM (env E2E_CHROMIUM to change).
Every page visited is checked with axe-core (serious and critical violations fail the test) and
saved as a screenshot under test-artifacts/e2e/.
"""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.forms import AuthenticationForm
from django.test import override_settings
from django.utils import translation

from tests.e2e import axe

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts" / "e2e"
# The browser's locale: its Accept-Language picks the interface language, and its date fields
# take the day first in both.
BROWSER_LOCALES = {"en": "en-GB", "nl": "nl-BE", "fr": "fr-BE"}
TIMEOUT_MS = 15_000
# Screenshots are JPEGs of modest quality: enough to see a layout, small to keep as artifacts.
JPEG_QUALITY = 40


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def axe_js() -> str:
    return axe.axe_source()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"No Chromium at {CHROMIUM}: apt-get install chromium (never `playwright install`)."
        )
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's guard against async contexts is lifted while it runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True, scope="session")
def _plain_http_on_loopback():
    """Before the live server starts: its middleware reads these once, when it is built."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
    ):
        yield


@pytest.fixture(autouse=True)
def _e2e_settings(settings):
    # The security engineer's two-factor sign-in and lockout are tested on their own
    # (tests/accounts); here every role signs in with a password.
    settings.REQUIRE_2FA = False
    settings.AXES_ENABLED = False
    settings.DEBUG = False
    # Plain HTTP on loopback: cookies marked Secure would not come back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


def label_is(text: str) -> re.Pattern:
    """A whole label, with or without its "(optional)" mark, in whatever language."""
    return re.compile(rf"^\s*{re.escape(text)}\s*(\([^)]*\))?\s*$")


class Story:
    """One run of the story in one language: numbered steps, each checked and photographed."""

    def __init__(self, *, browser, base_url: str, language: str, axe_js: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.language = language
        self.axe_js = axe_js
        self.folder = ARTIFACTS if language == "en" else ARTIFACTS / language
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.jpg"):
            old.unlink()
        self.step_number = 0
        self.problems: list[str] = []
        self.minor: list[str] = []
        self.audited: list[dict] = []
        self.contexts = []

    def T(self, text) -> str:  # noqa: N802 - reads like gettext's _()
        """The text as the interface shows it in this run's language."""
        with translation.override(self.language):
            return str(translation.gettext(text) if isinstance(text, str) else text)

    def sign_in(self, user, password: str):
        """A fresh browser context for this user, signed in through the sign-in page."""
        context = self.browser.new_context(
            base_url=self.base_url,
            locale=BROWSER_LOCALES[self.language],
            timezone_id=django_settings.TIME_ZONE,
            viewport={"width": 1280, "height": 900},
            # Only so axe can be injected; the application's policy is left as it is.
            bypass_csp=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        self.watch(page, user.username)
        page.goto("/accounts/login/")
        with translation.override(self.language):
            labels = {name: str(f.label) for name, f in AuthenticationForm().fields.items()}
        page.get_by_label(label_is(labels["username"])).fill(user.username)
        page.get_by_label(label_is(labels["password"])).fill(password)
        page.get_by_role("button", name=self.T("Sign in")).click()
        page.wait_for_url(re.compile(r"/$"))
        self.assert_language(page)
        return page

    def watch(self, page, who: str) -> None:
        """Script errors, console errors and failed requests (bar the favicon) fail the story."""

        def on_console(msg) -> None:
            # A failed request also logs a console error; it is counted by its status below.
            if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
                self.problems.append(f"{who}: console error {msg.text} at {page.url}")

        def on_response(response) -> None:
            if response.status >= 400 and not response.url.endswith("/favicon.ico"):
                self.problems.append(f"{who}: HTTP {response.status} for {response.url}")

        page.on("pageerror", lambda error: self.problems.append(f"{who}: page error {error}"))
        page.on("console", on_console)
        page.on("response", on_response)

    def assert_language(self, page) -> None:
        lang = page.locator("html").get_attribute("lang")
        assert lang == self.language, f"page {page.url} speaks {lang}, not {self.language}"

    def step(self, page, name: str) -> None:
        """Check the page as it is now (language, styles, axe) and keep a screenshot of it."""
        page.wait_for_load_state("load")
        self.step_number += 1
        self.assert_language(page)
        # The style sheet came through the live server's static files handler.
        assert page.evaluate(
            "() => getComputedStyle(document.querySelector('.site-header')).display"
        ), "no header"
        assert page.evaluate(
            "() => [...document.styleSheets].some(s => s.href && s.href.includes('app.css')"
            " && s.cssRules.length > 0)"
        ), f"app.css did not load on {page.url}"
        violations = axe.run_axe(page, self.axe_js)
        serious = [v for v in violations if v["impact"] in axe.FAILING_IMPACTS]
        others = [v for v in violations if v["impact"] not in axe.FAILING_IMPACTS]
        label = f"{self.step_number:02d}-{name}"
        self.audited.append(
            {"step": label, "url": page.url, "violations": violations},
        )
        if others:
            self.minor.append(f"{label} {page.url}\n{axe.describe(others)}")
        if serious:
            self.problems.append(f"axe on {label} {page.url}:\n{axe.describe(serious)}")
        page.screenshot(
            path=str(self.folder / f"{label}.jpg"),
            type="jpeg",
            quality=JPEG_QUALITY,
            full_page=True,
        )

    def close(self) -> None:
        (self.folder / "axe-report.json").write_text(json.dumps(self.audited, indent=1))
        for context in self.contexts:
            context.close()
        if self.minor:
            print(f"\naxe ({self.language}), moderate and minor findings:")
            print("\n".join(self.minor))


@pytest.fixture
def story_factory(browser, live_server, axe_js):
    stories = []

    def make(language: str) -> Story:
        story = Story(browser=browser, base_url=live_server.url, language=language, axe_js=axe_js)
        stories.append(story)
        return story

    yield make
    for story in stories:
        story.close()
