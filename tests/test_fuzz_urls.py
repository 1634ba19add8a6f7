"""Every URL pattern of the project, with hostile values: no server error anywhere.

For each role (and the anonymous visitor), every path parameter of every pattern is replaced in
turn by hostile values (a NUL byte, ids of 2^63 and 2^64, a 100 000-digit id, dates of year 1
and 9999, a 100 kB string) while the others name real objects of the authorization test's
world; and every page the role may open is asked again with hostile query strings: `q`, `page`
and every field of the page's own search and filter forms, with the same values. Whatever the
answer (404, 400, a form with errors), it is never a 5xx. Runs on SQLite and PostgreSQL.
"""

import logging
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

from tests.test_authorization import ROLES, World, world  # noqa: F401 (fixture)

BIG = str(2**63)  # one above the largest 64-bit signed integer
BIGGER = str(2**64)
HUGE_NUMBER = "1" * 100_000
LONG = "x" * 100_000
LONGISH = "y" * 900  # long, but short enough to reach the view
NUL = "ref\x00erence"
FIRST_DAY, LAST_DAY = "0001-01-01", "9999-12-31"

# Path parameters: values that fit the converter (others do not resolve: a plain 404).
TEXT_PATH = [NUL, LONG, LONGISH, FIRST_DAY, LAST_DAY]
HOSTILE_PATH = {"int": [BIG, BIGGER, HUGE_NUMBER], "str": TEXT_PATH, "path": TEXT_PATH}
# The administrator's site: its object pages, for the administrator only.
HOSTILE_ADMIN_PATH = [NUL, LONG, BIGGER, FIRST_DAY]
# Query strings: the fields of one kind at a time get the hostile value for that kind; the first
# two sets reach the views, the last two are refused before them.
QUERY_SETS = [
    {"date": FIRST_DAY, "datetime": "0001-01-01T00:00", "number": BIG, "text": FIRST_DAY},
    {"date": LAST_DAY, "datetime": "9999-12-31T23:59", "number": BIGGER, "text": "y" * 1000},
    {"date": NUL, "datetime": NUL, "number": NUL, "text": NUL},
    {"date": LONG, "datetime": LONG, "number": LONG, "text": LONG},
]


def patterns(resolver=None, namespace: str = "") -> list[tuple[str, dict[str, str]]]:
    """(name, {parameter: converter}) of every pattern in the URLconf; a regular expression's
    named groups count as text."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found.extend(patterns(pattern, inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = {
                name: type(converter).__name__.removesuffix("Converter").lower()
                for name, converter in pattern.pattern.converters.items()
            }
            if isinstance(pattern.pattern, RegexPattern):
                converters = dict.fromkeys(pattern.pattern.regex.groupindex, "str")
            found.append((f"{namespace}{pattern.name}", converters))
    return found


def real_value(w: World, url_name: str, parameter: str) -> str:
    """A value for `parameter` that names an object of the world (the one inside the grants)."""
    objects = {
        "reference": w.case_in.reference,
        "code": w.case_in.person.code,
        "entry_id": w.entry_in.pk,
        "attachment_id": w.attachment_in.pk,
        "action_id": w.action_in.pk,
        "escalation_id": (
            w.mayor_escalation_in if url_name.startswith("oversight:") else w.escalation_in
        ).pk,
        "release_id": w.release_in.pk,
        "request_id": w.request_in.pk,
        "referral_id": w.referral_in.pk,
        "outbound_id": w.outbound_in.pk,
        "series_id": w.series_in.pk,
        "meeting_id": w.item_in.meeting_id,
        "item_id": w.item_in.pk,
        "app_label": "auth",
    }
    return str(objects.get(parameter, 1))


class GetFormFields(HTMLParser):
    """The fields of the page's search and filter forms (method GET), each with its kind."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form, self.fields = False, {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = (a.get("method") or "get").lower() == "get"
        elif self.in_form and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            self.fields[a["name"]] = {
                "date": "date",
                "datetime-local": "datetime",
                "number": "number",
                "select": "number",
                "checkbox": "number",
                "hidden": "number",
            }.get(kind, "text")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _reverse(name: str, kwargs: dict) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None  # a regular expression that does not take this value: nothing to ask


def _walk(client, w: World, role: str) -> list[str]:
    """Every pattern, as `role`: the server errors met."""
    client.logout()
    if role != "anonymous":
        client.force_login(w.users[role])
    errors = []

    def ask(method: str, url: str | None):
        response = getattr(client, method)(url)
        if response.status_code >= 500:
            error = response.exc_info[1] if response.exc_info else ""
            errors.append(f"{method.upper()} {url[:100]!r}: {response.status_code} {error!r:.200}")
        return response

    for name, converters in patterns():
        admin_site = name.startswith("admin:")
        if admin_site and role != "admin" and converters:
            continue  # the sign-in page of the admin site, as for any other admin page
        valid = {p: real_value(w, name, p) for p in converters}
        url = _reverse(name, valid)
        response = ask("get", url)
        # A page that takes POST only is asked by POST.
        method = "post" if response.status_code == 405 else "get"
        # Each path parameter in turn, the others naming real objects.
        for parameter, converter in converters.items():
            values = HOSTILE_ADMIN_PATH if admin_site else HOSTILE_PATH.get(converter, TEXT_PATH)
            for hostile in values:
                hostile_url = _reverse(name, {**valid, parameter: hostile})
                if hostile_url:
                    ask(method, hostile_url)
        # The page's search and filter forms (and q and page), with hostile values.
        if response.status_code != 200 or response.streaming or admin_site:
            continue
        parser = GetFormFields()
        parser.feed(_body(response).decode(errors="replace"))
        fields = {"q": "text", "page": "number", **parser.fields}
        # With a form, one kind of field at a time: a form refused for one field would not use
        # the others. Without one, q and page together, and one set of values that reach the
        # view is enough (a paginator takes 2^63 and 2^64 alike).
        kinds = sorted(set(fields.values())) if parser.fields else [None]
        for values in QUERY_SETS if parser.fields else QUERY_SETS[1:]:
            for kind in kinds:
                query = {f: values[k] for f, k in fields.items() if kind in (None, k)}
                ask("get", f"{url}?{urlencode(query)}")

    return [f"{role}: {error}" for error in errors]


# One test per role, so that the parallel workers share them out (together they take two
# minutes, which one worker alone made the tail of the suite's run).
@pytest.mark.parametrize("role", ROLES)
def test_no_hostile_path_or_query_gets_a_server_error(client, world, caplog, role):  # noqa: F811
    # 404s and 400s by the hundred are expected; the server errors are collected and listed.
    caplog.set_level(logging.CRITICAL, logger="django.request")
    client.raise_request_exception = False
    errors = _walk(client, world, role)
    assert errors == [], "server errors:\n" + "\n".join(errors)
