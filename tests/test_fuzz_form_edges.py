"""Every form of the project, filled in as a user would, with one kind of field at a time set to
a value at or past the edge of what Django lets through: dates of year 1 and 9999, ids of 2^63
and 2^64 (in single and multiple choices), a NUL byte and 100 kB of text. The form may refuse
them; the server never fails (test_fuzz_forms.py tries random text; this file the edges)."""

import logging
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from tests.test_authorization import world  # noqa: F401 (fixture)
from tests.test_fuzz_forms import _user_and_url, fuzzable

BIG, BIGGER = str(2**63), str(2**64)
EDGES = {
    "year 1": {"date": "0001-01-01", "datetime": "0001-01-01T00:30"},
    "year 9999": {"date": "9999-12-31", "datetime": "9999-12-31T23:59"},
    "id 2^63": {"choice": BIG, "number": BIG},
    "id 2^64": {"choice": BIGGER, "number": BIGGER},
    "NUL byte": {"text": "a\x00b", "choice": "1\x00", "number": "1\x00"},
    "100 kB": {"text": "x" * 100_000},
}


class PostForm(HTMLParser):
    """The page's own POST form: each field's kind, and a value a user could have given."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url, self.in_form, self.select = url, False, None
        self.fields: dict[str, dict] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "form":
            self.in_form = a.get("method", "").lower() == "post" and a.get("action") in (
                None,
                "",
                self.url,
            )
        elif not self.in_form or not name or name == "csrfmiddlewaretoken":
            if tag == "option" and self.in_form and self.select and a.get("value"):
                self.fields[self.select]["options"].append(a["value"])
        elif tag == "select":
            self.select = name
            self.fields[name] = {"kind": "choice", "options": [], "multiple": "multiple" in a}
        elif tag == "textarea":
            self.fields[name] = {"kind": "text"}
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("submit", "button", "file"):
                return
            value = a.get("value", "")
            if kind in ("hidden", "checkbox", "radio"):
                if kind != "radio" or name not in self.fields:
                    digits = value.isdigit()
                    self.fields[name] = {"kind": "number" if digits else "fixed", "value": value}
                return
            self.fields[name] = {
                "kind": {"date": "date", "datetime-local": "datetime", "number": "number"}.get(
                    kind, "text"
                )
            }

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None

    def filled(self, edge: dict) -> dict:
        """The form as a user would fill it, with the edge's kinds set to the edge's values."""
        now = timezone.localtime()
        usual = {
            "date": (now + timedelta(days=7)).date().isoformat(),
            "datetime": (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "number": "1",
            "text": "Routine visit at home",
        }
        data = {}
        for name, field in self.fields.items():
            kind = field["kind"]
            if kind == "choice":
                usual_choice = next((o for o in field["options"] if o), "")
                value = edge.get("choice", usual_choice)
                data[name] = [usual_choice, value] if field["multiple"] else value
            elif kind == "fixed":
                data[name] = field["value"]
            elif kind == "number" and "value" in field:
                data[name] = edge.get("number", field["value"])
            else:
                data[name] = edge.get(kind, usual[kind])
        return data


@pytest.mark.parametrize("name", fuzzable())
def test_every_form_survives_values_at_the_edges(client, world, name, caplog):  # noqa: F811
    caplog.set_level(logging.CRITICAL, logger="django.request")
    client.raise_request_exception = False
    user, url = _user_and_url(world, name)
    client.force_login(user)
    form = PostForm(url)
    form.feed(client.get(url).content.decode())
    assert form.fields, f"{name}: no form found on {url}"
    errors = []
    for edge, values in EDGES.items():
        if not {field["kind"] for field in form.fields.values()} & set(values):
            continue
        response = client.post(url, form.filled(values))
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else ""
            errors.append(f"{edge}: {response.status_code} {error!r:.300}")
    assert errors == [], f"{name} ({url}):\n" + "\n".join(errors)
