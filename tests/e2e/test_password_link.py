"""A forgotten password, on a phone, in Chromium: asked for from the sign-in page, the e-mailed
link opened, a mistyped confirmation shown in the error summary (in view, focused), the new
password chosen and used to sign in. The link's form is the one page of the flow the page walk
cannot open (it needs a token): here it is checked as the walk checks a page (nothing wider than
the phone, no serious axe violation)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from tests.e2e import axe
from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_layout import PHONE, TOO_WIDE
from tests.factories import make_user

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "a-brand-new-passphrase-4417"


def test_a_forgotten_password_is_chosen_again_through_the_link(browser, live_server, axe_js):
    worker = make_user(role=Role.SOCIAL_WORKER, email="worker@example.org")
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()

    page.goto(reverse("login"))
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Your e-mail address").fill("worker@example.org")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", name="Check your e-mail").wait_for()

    [message] = mail.outbox
    link = re.search(r"http://\S+/accounts/password/choose/\S+/", message.body).group(0)
    page.goto(link)
    page.get_by_role("heading", name="Choose your password").wait_for()
    assert worker.username in page.content()
    assert page.evaluate(TOO_WIDE) == []
    assert axe.run_axe(page, axe_js, axe.FAILING_IMPACTS) == []

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD + "-typo")
    page.get_by_role("button", name="Save the password").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error:")
    assert page.evaluate("() => document.activeElement.closest('.govuk-error-summary') !== null")
    assert summary.is_visible() and summary.bounding_box()["y"] < PHONE["height"]

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password confirmation").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()
    page.get_by_role("heading", name="Your password is saved").wait_for()

    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Username").fill(worker.username)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(re.compile(r"^http://[^/]+/$"))
    context.close()
