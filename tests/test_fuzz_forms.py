"""Every form of the project, fuzzed: for each page in the authorization test's EXPECTATIONS
that answers a POST with its form (200), a user who may use it submits hypothesis-generated
input in every field. No server error, nothing half-saved when the form is refused, and a
script payload always comes back escaped."""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conferences.models import Meeting
from tests.factories import set_meeting_status
from tests.test_authorization import EXPECTATIONS, ROLES, world  # noqa: F401 (fixture)

PAYLOAD = '<script>alert("x")</script>'
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=200,
)
value = st.one_of(
    text,
    st.just(PAYLOAD),
    st.integers(-(10**6), 10**6).map(str),
    st.just(""),
    st.just("2026-02-30"),
    st.just("1999-01-01T10:00"),
)
# Rows that a refused form may still write: the read audit and security log, sessions.
NOT_CONTENT = {
    "logentry",
    "auditseal",
    "securityevent",
    "session",
    "accessattempt",
    "accesslog",
    "accessfailurelog",
}
APPS = (
    "core",
    "accounts",
    "access",
    "cases",
    "conferences",
    "referrals",
    "releases",
    "privacy",
    "audit",
    "auth",
)


class FormFields(HTMLParser):
    """The fields of the page's own POST forms (not the language switcher or sign-out)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url, self.in_form, self.fields, self.select = url, False, {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.in_form = a.get("method", "").lower() == "post" and a.get("action") in (
                None,
                "",
                self.url,
            )
        elif self.in_form and tag in ("input", "textarea") and a.get("name"):
            kind = a.get("type", "text")
            if a["name"] == "csrfmiddlewaretoken" or kind in ("submit", "button", "file"):
                return
            self.fields[a["name"]] = (
                ("fixed", a.get("value", "")) if kind == "hidden" else ("free", "")
            )
        elif self.in_form and tag == "select" and a.get("name"):
            self.select = a["name"]
            self.fields[self.select] = ("choice", [])
        elif self.in_form and tag == "option" and self.select and a.get("value"):
            self.fields[self.select][1].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        if tag == "select":
            self.select = None


def content_rows() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in APPS and m._meta.model_name not in NOT_CONTENT
    }


# Answer POST with JSON, not a form: the idle-session keep-alive of static/js/session.js, and
# the WebAuthn ceremony of django-otp-webauthn (tests/accounts/test_security_keys.py and the
# browser's virtual authenticator in tests/e2e/test_security_keys.py try those).
NOT_FORMS = {
    "session_status",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-registration-begin",
}
# Forms shown only while the meeting is in session (issue 17): the fuzz opens the meeting first.
IN_SESSION = {"conferences:live_item"}


def fuzzable() -> list[str]:
    names = []
    for name, expect in EXPECTATIONS.items():
        if name in NOT_FORMS:
            continue
        tables = expect.post if isinstance(expect.post, tuple) else (expect.post,)
        if expect.post and any(200 in t.values() for t in tables):
            names.append(name)
    return sorted(names)


def _user_and_url(world, name):  # noqa: F811
    expect = EXPECTATIONS[name]
    tables = expect.post if isinstance(expect.post, tuple) else (expect.post,)
    scopes = ("in", "out") if expect.kwargs else (None,)
    for scope, table in zip(scopes, tables, strict=False):
        for role in ROLES:
            if table.get(role) == 200 and role != "anonymous":
                kwargs = expect.kwargs(world, scope) if expect.kwargs else {}
                if name in IN_SESSION:
                    meeting = Meeting.objects.get(pk=kwargs["meeting_id"])
                    set_meeting_status(meeting, Meeting.Status.OPEN)
                return world.users[role], reverse(name, kwargs=kwargs)
    raise AssertionError(f"{name}: nobody may use this form")


FUZZ = settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", fuzzable())
def test_every_form_survives_fuzzed_input(client, world, name):  # noqa: F811
    user, url = _user_and_url(world, name)
    client.force_login(user)
    parser = FormFields(url)
    parser.feed(client.get(url).content.decode())
    assert parser.fields, f"{name}: no form found on {url}"

    @FUZZ
    @given(data=st.data())
    def submit(data):
        posted = {}
        for field, (kind, default) in parser.fields.items():
            if kind == "fixed":
                posted[field] = data.draw(st.one_of(st.just(default), value))
            elif kind == "choice":
                posted[field] = data.draw(st.one_of(st.sampled_from(default or [""]), value))
            else:
                posted[field] = data.draw(value)
        before = content_rows()
        response = client.post(url, posted)
        assert response.status_code < 500, (name, posted)
        if response.status_code == 200:
            assert PAYLOAD not in response.content.decode(), (name, posted)
            assert content_rows() == before, f"{name}: a refused form wrote rows"

    submit()
