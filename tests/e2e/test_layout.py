"""Every page at both widths in every language, and errors, in Chromium (issue 16).

Every page each role may open with GET (the pages and objects of tests/test_authorization.py, so
a new page there is walked here too), once per role and URL pattern, is loaded in English and in
one of Dutch and French (the two take turns down the list, so each has half of it, and between
them every page of every role), shown on a 360 px phone and then, resized in place, on a
1366 px screen. At each width nothing may be wider than the screen; axe-core may find no serious
or critical violation (at both widths in English, on the phone in Dutch and French). In
Dutch and French, the English text of translated reference data (tests/e2e/reference_data.py)
may not show. A JPEG of the first screen of every page at each width (of the whole page when it
fails a check) goes to test-artifacts/e2e/walk/<language>/<width>/, with the walk's timing.

A few forms sent empty come back with the error summary in view and focused, and "Error:" first
in the title (screenshots in test-artifacts/e2e/errors/).
"""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests import test_authorization as matrix
from tests.e2e import axe, reference_data
from tests.e2e.conftest import ARTIFACTS, BROWSER_LOCALES, JPEG_QUALITY, TIMEOUT_MS

# The users, cases, meetings and referrals of the authorization matrix, as this file's fixture.
world = matrix.world

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# STYLE.md: "Every page works at 360 px wide" (a common small Android phone, 360 x 800).
PHONE = {"width": 360, "height": 800}
# The widths of the walk: a phone, and a common laptop screen.
WIDTHS = {"phone": PHONE, "desktop": {"width": 1366, "height": 768}}
LANGUAGES = ["en", "nl", "fr"]
# English walks every page once per role and URL pattern; Dutch and French take turns down the
# same list (for CI's time: their own findings are words, and each template is walked in both,
# for one role or another).
TURNS = {"en": None, "nl": (0, 2), "fr": (1, 2)}

# What is wider than the screen, for the failure message: the outermost offenders.
TOO_WIDE = """() => {
  const limit = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(
    el => el.getBoundingClientRect().right > limit + 1 && el.getClientRects().length);
  const found = wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5).map(el =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.')
      : '') + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
  const scroll = document.documentElement.scrollWidth;
  if (scroll > window.innerWidth) found.push('the page scrolls sideways to ' + scroll + 'px');
  return found;
}"""


def signed_in_context(browser, live_server, user, viewport=PHONE, language="en", **options):
    """A browser context with the user's session, made by Django's test client (the sign-in
    page itself is walked in test_story), speaking `language`."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale=BROWSER_LOCALES[language],
        timezone_id=settings.TIME_ZONE,
        **options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        cookies.append(
            {"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}
        )
    context.add_cookies(cookies)
    return context


# The matrix's second police officer (another zone's, on the same case): the police role again,
# opening a subset of the first's pages.
SAME_ROLE = {"police_other": "police"}
# Pages for whoever is signed out (signing in, a forgotten password): walked as the anonymous
# visitor. A signed-in role gets the same page under its own header, which its other pages show.
SIGNED_OUT_PAGES = {
    "login",
    "password_forgotten",
    "password_forgotten_sent",
    "password_choose",
    "password_chosen",
}


def pages_for(
    world, role, seen: set | None = None, turn: tuple[int, int] | None = None
) -> list[tuple[str, str]]:
    """(label, url) of every page the role may open with GET, but the signed-out visitor's
    pages for a signed-in role (SIGNED_OUT_PAGES). Given `seen` (shared across the roles of one
    walk), only the first page of each role and URL pattern is kept: the same page for another
    object, or for a second user of the same role, is left out. Given `turn` (k, n) as well,
    only every n-th of those, from the k-th: walks that take turns share the pages between them
    (the roles come in the same order to every walk)."""
    pages = []
    for label, method, url, statuses in matrix._requests(world):
        if method == "get" and statuses[role] == 200:
            if role != "anonymous" and label.split(" ")[1] in SIGNED_OUT_PAGES:
                continue
            if seen is not None:
                kind = (SAME_ROLE.get(role, role), label.split(" ")[1])
                if kind in seen:
                    continue
                seen.add(kind)
                if turn is not None and (len(seen) - 1) % turn[1] != turn[0]:
                    continue
            # A name fit for a file on any system: "cases-detail-in" for "cases:detail [in]".
            name = re.sub(r"[^A-Za-z0-9_]+", "-", label.removeprefix("GET ")).strip("-")
            pages.append((name, url))
    return pages


class Walk:
    """What one language's walk found, page by page, and how long each kind of check took."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.folder = ARTIFACTS / "walk" / language
        for width in WIDTHS:
            (self.folder / width).mkdir(parents=True, exist_ok=True)
            for old in (self.folder / width).glob("*.jpg"):
                old.unlink()
        self.english_texts, self.translated_texts = (
            ([], []) if language == "en" else reference_data.texts_in(language)
        )
        self.translated_seen: set[str] = set()
        self.too_wide: list[str] = []
        self.axe: list[str] = []
        self.untranslated: list[str] = []
        self.errors: list[str] = []
        self.visited = 0
        self.seconds: dict[str, float] = {}

    def timed(self, what: str, call, *args, **kwargs):
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            self.seconds[what] = self.seconds.get(what, 0.0) + time.perf_counter() - started

    def check(self, page, where: str, width: str, shot: Path, found: list[str]) -> None:
        """The page as it is now, at this width: nothing too wide, axe, a screenshot."""
        wide = self.timed("width", page.evaluate, TOO_WIDE)
        if wide:
            self.too_wide.append(f"{where} at {width}: {wide}")
        violations = []
        if self.language == "en" or width == "phone":
            # axe judges the markup, which is the same at both widths but for what shows: both
            # widths in English, the phone's in Dutch and French, whose own findings are words
            # (a third of the walks' time was axe's; for CI's time).
            violations = self.timed("axe", axe.run_axe, page, self.axe_js, axe.FAILING_IMPACTS)
        if violations:
            self.axe.append(f"{where} at {width}:\n{axe.describe(violations)}")
        # The first screen of every page; the whole page when something is wrong with it.
        self.timed(
            "screenshot",
            page.screenshot,
            path=shot,
            type="jpeg",
            quality=JPEG_QUALITY,
            full_page=bool(wide or violations or found),
        )

    def report(self) -> str:
        spent = ", ".join(f"{what} {seconds:.1f}s" for what, seconds in self.seconds.items())
        return f"walk in {self.language}: {self.visited} pages, {spent}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_of_every_role_at_both_widths(browser, live_server, world, axe_js, language):
    """Each page is loaded once per role and language, at the phone's width, then checked again
    at the desktop's width in the same page (the viewport resized)."""
    started = time.perf_counter()
    walk = Walk(language)
    walk.axe_js = axe_js
    # One page per role and URL pattern (the same page for another object differs in its
    # data, not its layout); Dutch and French each take every other one (TURNS).
    seen: set = set()
    for role in matrix.ROLES:
        user = None if role == "anonymous" else world.users[role]
        # bypass_csp only so that axe can be injected; the application's policy stays as it is.
        context = signed_in_context(
            browser, live_server, user, WIDTHS["phone"], language, bypass_csp=True
        )
        # axe in every document as it is created: cheaper than injecting it into each page.
        context.add_init_script(script=axe_js)
        page = context.new_page()
        page.on("pageerror", lambda error, role=role: walk.errors.append(f"{role}: {error}"))
        for label, url in pages_for(world, role, seen, TURNS[language]):
            where = f"{role} {label} {url}"
            page.set_viewport_size(WIDTHS["phone"])
            try:
                response = walk.timed("load", page.goto, url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # an attachment: a file, not a page
                raise
            assert response.status == 200, f"{where}: HTTP {response.status}"
            if "text/html" not in response.headers.get("content-type", ""):
                continue  # a CSV or JSON answer has no layout
            if "<html" not in response.text()[:500].lower():
                continue  # an htmx fragment (the live meeting's poll): a part of a page
            walk.visited += 1
            lang = page.locator("html").get_attribute("lang")
            assert lang == language, f"{where} speaks {lang}, not {language}"
            found = walk.timed("reference data", reference_data.shown_on, page, walk.english_texts)
            if found:
                walk.untranslated.append(f"{where}: {found}")
            if walk.translated_texts:
                walk.translated_seen.update(reference_data.shown_on(page, walk.translated_texts))
            for width, viewport in WIDTHS.items():
                if width != "phone":
                    walk.timed("resize", page.set_viewport_size, viewport)
                walk.check(page, where, width, walk.folder / width / f"{role}-{label}.jpg", found)
        context.close()
    report = f"{walk.report()}; {time.perf_counter() - started:.1f}s in all"
    (walk.folder / "timing.txt").write_text(report + "\n")
    print(f"\n{report}")
    least = 200 if TURNS[language] is None else 100
    assert walk.visited > least, f"only {walk.visited} pages seen: the walk lost its way"
    assert walk.errors == [], "\n".join(walk.errors)
    assert walk.too_wide == [], "wider than the screen:\n" + "\n".join(walk.too_wide)
    assert walk.axe == [], "axe-core, serious and critical:\n" + "\n".join(walk.axe)
    # The check has something to find: the reference data shows, in this language, somewhere.
    if language != "en":
        assert len(walk.translated_seen) >= 5, f"reference data seen: {walk.translated_seen}"
    assert walk.untranslated == [], f"English reference data on pages in {language}:\n" + "\n".join(
        walk.untranslated
    )


def test_the_menu_holds_the_account_and_language_on_a_phone(browser, live_server, world):
    context = signed_in_context(browser, live_server, world.users["social_worker"])
    page = context.new_page()
    page.goto("/")
    language = page.locator("#language-select")
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible() and not language.is_visible()
    menu.click()
    assert language.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    box = menu.bounding_box()
    assert box["height"] >= 44, "the menu button is too small to tap"
    context.close()


def test_the_case_lists_folded_filters_open_and_fit_on_a_phone(browser, live_server, world):
    """The walk sees the case list with its "More filters" closed; opened, they fit too."""
    context = signed_in_context(browser, live_server, world.users["social_worker"])
    page = context.new_page()
    page.goto(reverse("cases:list"))
    assert not page.get_by_label("Overdue actions only").is_visible()
    page.get_by_text("More filters").click()
    expect(page.get_by_label("Overdue actions only")).to_be_visible()
    assert page.evaluate(TOO_WIDE) == []
    page.get_by_label("Overdue actions only").check()
    page.get_by_role("button", name="Filter").click()
    # The filter in use keeps the fold open, and says so.
    expect(page.get_by_text("More filters (1 in use)")).to_be_visible()
    assert page.get_by_label("Overdue actions only").is_checked()
    assert page.evaluate(TOO_WIDE) == []
    context.close()


def error_case(page, folder, name: str) -> None:
    """The page came back with errors: summary focused and in view, title says so."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(folder / f"{name}.jpg"), type="jpeg", quality=JPEG_QUALITY)
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    page.wait_for_function("() => document.activeElement.matches('.govuk-error-summary')")
    top, height = summary.evaluate("el => [el.getBoundingClientRect().top, window.innerHeight]")
    assert -10 < top < height - 100, f"{name}: the error summary is not in view ({top}px)"
    assert page.title().startswith("Error: "), f"{name}: title {page.title()!r}"
    first_link = summary.locator("a").first
    if first_link.count():
        target = first_link.get_attribute("href")
        assert page.locator(target).count() == 1, f"{name}: {target} links to nothing"
    page.screenshot(path=str(folder / f"{name}.jpg"), type="jpeg", quality=JPEG_QUALITY)


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["phone", "wide"])
def test_forms_sent_empty_show_the_error_summary_focused(browser, live_server, world, viewport):
    folder = ARTIFACTS / "errors"
    folder.mkdir(parents=True, exist_ok=True)
    width = viewport["width"]
    with translation.override("en"):
        # A partner's referral, sent with nothing filled in.
        context = signed_in_context(browser, live_server, world.users["partner"], viewport)
        page = context.new_page()
        page.goto(reverse("referrals:new"))
        page.get_by_role("button", name="Send the referral").click()
        error_case(page, folder, f"referral-{width}")
        context.close()

        # A social worker opening a case with nothing filled in.
        context = signed_in_context(browser, live_server, world.users["social_worker"], viewport)
        page = context.new_page()
        page.goto(reverse("cases:open"))
        page.get_by_role("button", name="Open the case").click()
        error_case(page, folder, f"case-open-{width}")
        context.close()

        # The chair adding a case to the agenda without its reference.
        context = signed_in_context(browser, live_server, world.users["coordinator"], viewport)
        page = context.new_page()
        page.goto(reverse("conferences:agenda", kwargs={"meeting_id": world.meeting_in.pk}))
        add_case = page.locator("section", has=page.get_by_role("heading", name="Add a case"))
        add_case.get_by_role("button", name="Add").click()
        error_case(page, folder, f"agenda-add-case-{width}")
        context.close()
