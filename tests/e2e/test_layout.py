"""Phones and errors, in Chromium (issue 16).

Every page each role may open (the pages and objects of tests/test_authorization.py) is shown at
390 px wide: nothing may be wider than the screen. A few forms sent empty come back with the
error summary in view and focused, and "Error:" first in the title. Screenshots go to
test-artifacts/e2e/phone/ and test-artifacts/e2e/errors/.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Error as PlaywrightError

from tests import test_authorization as matrix
from tests.e2e.conftest import ARTIFACTS, TIMEOUT_MS

# The users, cases, meetings and referrals of the authorization matrix, as this file's fixture.
world = matrix.world

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}

# What is wider than the screen, for the failure message: the outermost offenders.
TOO_WIDE = """() => {
  const limit = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter(
    el => el.getBoundingClientRect().right > limit + 1 && el.getClientRects().length);
  return wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5).map(el =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ').join('.')
      : '') + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
}"""


def signed_in_context(browser, live_server, user, viewport=PHONE):
    """A browser context with the user's session, made by Django's test client (the sign-in
    page itself is walked in test_story)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale="en-GB",
        timezone_id=settings.TIME_ZONE,
    )
    context.set_default_timeout(TIMEOUT_MS)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
        )
    return context


def pages_for(world, role) -> list[tuple[str, str]]:
    """(label, url) of every page the role may open with GET."""
    pages = []
    for label, method, url, statuses in matrix._requests(world):
        if method == "get" and statuses[role] == 200:
            pages.append((label.removeprefix("GET ").replace(" ", "_"), url))
    return pages


def test_every_page_of_every_role_fits_a_phone(browser, live_server, world):
    folder = ARTIFACTS / "phone"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    too_wide, errors, visited = [], [], 0
    for role in matrix.ROLES:
        user = None if role == "anonymous" else world.users[role]
        context = signed_in_context(browser, live_server, user)
        page = context.new_page()
        page.on("pageerror", lambda error, role=role: errors.append(f"{role}: {error}"))
        for label, url in pages_for(world, role):
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                if "Download is starting" in str(error):
                    continue  # an attachment: a file, not a page
                raise
            assert response.status == 200, f"{role} {label}: HTTP {response.status}"
            if "text/html" not in response.headers.get("content-type", ""):
                continue  # a CSV or JSON answer has no layout
            visited += 1
            scrolls = page.evaluate(
                "() => document.documentElement.scrollWidth > window.innerWidth"
            )
            wide = page.evaluate(TOO_WIDE)
            if scrolls or wide:
                too_wide.append(f"{role} {label} {url}: {wide}")
                page.screenshot(path=str(folder / f"{role}-{label}.png"), full_page=True)
            elif label.startswith("home"):
                page.screenshot(path=str(folder / f"{role}-{label}.png"))
        context.close()
    assert visited > 100, f"only {visited} pages seen: the walk lost its way"
    assert errors == [], "\n".join(errors)
    assert too_wide == [], "wider than a 390 px phone:\n" + "\n".join(too_wide)


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


def error_case(page, folder, name: str) -> None:
    """The page came back with errors: summary focused and in view, title says so."""
    page.wait_for_load_state("load")
    page.screenshot(path=str(folder / f"{name}.png"))
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
    page.screenshot(path=str(folder / f"{name}.png"))


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
