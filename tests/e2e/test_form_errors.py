"""Every form sent with an error comes back with GOV.UK's error summary (issue 16), in Chromium.

Which forms: every page each role may open with GET (the pages and objects of the read matrix,
tests/test_authorization.py, which itself fails when a URL pattern has no expectation), and on
it every form inside <main> that is sent with POST and has at least one field a person fills in
(a visible input, a textarea or a select). Nothing is listed by hand, so a new form page is
tried as soon as the matrix knows it. Left out, by rule:
- forms sent with GET (filters and searches: they have nothing to refuse);
- forms with no field to fill (only hidden inputs and a button: they confirm, e.g. "Sign the
  declaration", "Remove", "Acknowledge"), which cannot be sent "wrong" by a person.

Each form is sent with its main button (the first not marked secondary, else the first) and
sent wrong: every text box emptied, every choice unticked, every select set to its
empty choice (or to a value it does not offer, when it has no empty one or is the form's only
field, where "none" may be a fair answer) and every date set to
31 February, which does not exist. The page must come back with the error summary in view and
focused, "Error:" first in the title, each of its links pointing at a control (or the group of
controls) it names, and
none of Django's generic messages ("This field is required.") in it. A screenshot of each form
that fails goes to test-artifacts/e2e/form-errors/.
"""

import contextlib
import re

import pytest
from django.forms import fields as django_fields
from django.utils import translation

from tests import test_authorization as matrix
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_layout import PHONE, pages_for, signed_in_context

world = matrix.world

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# The forms of a page worth sending wrong: see the module's docstring.
FORMS_WITH_FIELDS = """() => [...document.querySelectorAll('main form')].map((form, index) => ({
  index,
  post: (form.getAttribute('method') || 'get').toLowerCase() === 'post',
  fields: form.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select').length,
}))"""

# Empty what a person fills in; an impossible date; a select with no empty choice gets one it
# does not offer. Radios and checkboxes unticked.
SEND_WRONG = """(index) => {
  const form = document.querySelectorAll('main form')[index];
  const fields = [...form.querySelectorAll('input, textarea, select')].filter(el =>
    !['hidden', 'submit', 'button'].includes((el.getAttribute('type') || '').toLowerCase()));
  const alone = fields.length === 1;
  fields.forEach(el => {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (type === 'radio' || type === 'checkbox') { el.checked = false; return; }
    if (el.tagName === 'SELECT') {
      const empty = [...el.options].find(o => o.value === '');
      if (empty && !alone) { el.value = ''; return; }
      const wrong = document.createElement('option');
      wrong.value = '999999999'; wrong.textContent = 'wrong';
      el.appendChild(wrong); el.value = wrong.value; return;
    }
    if (type === 'file') { el.value = ''; return; }
    const name = el.getAttribute('name') || '';
    if (name.endsWith('_day')) { el.value = '31'; return; }
    if (name.endsWith('_month')) { el.value = '2'; return; }
    if (name.endsWith('_year')) { el.value = '2026'; return; }
    if (name.endsWith('_time')) { el.value = '09:30'; return; }
    el.value = '';
  });
}"""

# Where the summary is, and whether it has the focus, once the page has settled.
SUMMARY_STATE = """() => {
  const summary = document.querySelector('.govuk-error-summary');
  if (!summary) return null;
  const box = summary.getBoundingClientRect();
  return {
    top: box.top, height: window.innerHeight,
    focused: document.activeElement === summary,
    text: summary.innerText,
    links: [...summary.querySelectorAll('a')].map(a => {
      const id = (a.getAttribute('href') || '').replace(/^#/, '');
      const target = id && document.getElementById(id);
      return {href: a.getAttribute('href'),
              control: !!target && (target.matches('input, select, textarea')
                       || !!target.querySelector('input, select, textarea'))};
    }),
  };
}"""


def generic_messages() -> set[str]:
    """Django's own error messages, in English: none of them may reach a person."""
    messages = set()
    for name in dir(django_fields):
        field = getattr(django_fields, name)
        if isinstance(field, type) and issubclass(field, django_fields.Field):
            for cls in field.__mro__:
                for text in getattr(cls, "default_error_messages", {}).values():
                    with translation.override("en"):
                        messages.add(re.sub(r"%\(\w+\)s", "", str(text)).strip(" .:"))
    # The shortest ones ("Enter a number") only mean something as a whole sentence.
    return {m for m in messages if len(m) > 8}


def test_every_form_sent_wrong_shows_the_error_summary_focused(browser, live_server, world):
    folder = ARTIFACTS / "form-errors"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    generic = generic_messages()
    problems, tried, errors = [], [], []
    # The same page on another object has the same forms: once per role and page is enough.
    seen: set = set()
    for role in matrix.ROLES:
        user = None if role == "anonymous" else world.users[role]
        context = signed_in_context(browser, live_server, user, PHONE)
        page = context.new_page()
        page.on("pageerror", lambda error, role=role: errors.append(f"{role}: {error}"))
        for label, url in pages_for(world, role, seen):
            try:
                response = page.goto(url)
            except Exception as error:  # noqa: BLE001 - an attachment is a download, not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            candidates = [f for f in page.evaluate(FORMS_WITH_FIELDS) if f["post"] and f["fields"]]
            for number, form in enumerate(candidates):
                if number:
                    page.goto(url)
                name = f"{role}-{label}-{form['index']}"
                tried.append(name)
                page.evaluate(SEND_WRONG, form["index"])
                buttons = (
                    page.locator("main form")
                    .nth(form["index"])
                    .locator("button:not([type=button]), input[type=submit]")
                )
                # The form's own action, not a secondary one beside it (e.g. "Search").
                primary = buttons.locator("xpath=self::*[not(contains(@class, '--secondary'))]")
                with page.expect_navigation():
                    (primary if primary.count() else buttons).first.click()
                page.wait_for_load_state("load")
                problems += check_error_page(page, name, folder, generic)
        context.close()
    assert len(tried) > 30, f"only {len(tried)} forms tried: the walk lost its way"
    assert errors == [], "\n".join(errors)
    assert problems == [], f"{len(problems)} of {len(tried)} forms:\n" + "\n".join(problems)


def check_error_page(page, name: str, folder, generic: set[str]) -> list[str]:
    # Reported below, with what the page shows, if it never comes.
    with contextlib.suppress(Exception):
        page.wait_for_function(
            "() => document.activeElement?.matches('.govuk-error-summary')", timeout=2_000
        )
    state = page.evaluate(SUMMARY_STATE)
    where = f"{name} ({page.url})"
    if state is None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        return [f"{where}: no error summary"]
    found = []
    if not state["focused"]:
        found.append(f"{where}: the error summary does not have the focus")
    if not -10 < state["top"] < state["height"] - 100:
        found.append(f"{where}: the error summary is not in view ({state['top']:.0f}px)")
    if not page.title().startswith("Error: "):
        found.append(f"{where}: title {page.title()!r}")
    if not state["links"] and "\n" not in state["text"].strip():
        found.append(f"{where}: the summary lists nothing")
    found += [
        f"{where}: {link['href']} is not a control of the form"
        for link in state["links"]
        if not link["control"]
    ]
    found += [f"{where}: Django's message {m!r}" for m in generic if m in state["text"]]
    if found:
        page.screenshot(path=str(folder / f"{name}.png"))
    return found


def test_the_generic_messages_are_known():
    """Guards the check above: it must know Django's messages to find them."""
    assert "This field is required" in generic_messages()
    assert "Enter a valid date" in generic_messages()
