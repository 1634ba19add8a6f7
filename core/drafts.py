"""A disclosure's draft, between its form and its "check your answers" page.

The form's text waits in the session (so "Change" is a plain link back to the form, with what
was typed), keyed by what is being written. The check page sends back a signed copy of exactly
what it showed: the final POST discloses that, re-validated by the form and the service, never
what another tab may have put in the session since. The signature binds the draft to the user
and to the object it is about, and expires.
"""

import uuid
from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.http import HttpRequest, QueryDict

MAX_AGE = 2 * 60 * 60  # seconds a check page may wait before its button is pressed
MAX_CHARS = 100_000
MAX_VALUES = 500
# Fields of the page, not of the draft.
NOT_DRAFTED = frozenset({"csrfmiddlewaretoken", "action", "q", "draft"})

Draft = dict[str, list[str]]


def from_post(post: QueryDict) -> Draft:
    """What the form posted, bounded (the session is no place for megabytes)."""
    draft, size = {}, 0
    for name in post:
        if name in NOT_DRAFTED:
            continue
        values = [v for v in post.getlist(name)[:MAX_VALUES] if isinstance(v, str)]
        size += sum(len(v) for v in values)
        if size > MAX_CHARS:
            break
        draft[name] = values
    return draft


def as_data(draft: Draft) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in draft.items():
        data.setlist(name, list(values))
    return data


def ids(draft: Draft, name: str) -> list[int]:
    return [int(v) for v in draft.get(name, []) if v.isdigit() and len(v) < 12]


def _session_key(key: str) -> str:
    return f"drafts.{key}"


def keep(request: HttpRequest, key: str, draft: Draft) -> None:
    request.session[_session_key(key)] = draft


def kept(request: HttpRequest, key: str) -> Draft | None:
    draft = request.session.get(_session_key(key))
    return draft if isinstance(draft, dict) else None


def drop(request: HttpRequest, key: str) -> None:
    request.session.pop(_session_key(key), None)


def _salt(user: AbstractBaseUser | AnonymousUser, key: str) -> str:
    return f"core.drafts:{user.pk}:{key}"


ONCE = "_once"
SPENT = "drafts.spent"


def sign(draft: Draft, *, user: AbstractBaseUser | AnonymousUser, key: str) -> str:
    """A check page's copy of the draft, with a number used once (see spend)."""
    once = {ONCE: [uuid.uuid4().hex]}
    return signing.dumps({**draft, **once}, salt=_salt(user, key), compress=True)


def unsign(token: str, *, user: AbstractBaseUser | AnonymousUser, key: str) -> tuple[Draft, str]:
    """The draft the check page showed, and its number used once; raises
    signing.BadSignature when it was changed, was signed for someone or something else, or
    waited longer than MAX_AGE."""
    draft = signing.loads(token, salt=_salt(user, key), max_age=MAX_AGE)
    if not isinstance(draft, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in draft.values()
    ):
        raise signing.BadSignature("not a draft")
    once = draft.pop(ONCE, [""])[0]
    if not once:
        raise signing.BadSignature("no number used once")
    return draft, once


def spend(request: HttpRequest, once: str) -> bool:
    """Whether this check page's button is pressed for the first time: the same page sent
    again (back and resend, a retry) is not disclosed twice. The session is kept in the
    database, so every worker sees it; two clicks in the same instant are held back in the
    browser (data-prevent-double-click)."""
    spent = request.session.get(SPENT, [])
    if once in spent:
        return False
    request.session[SPENT] = [*spent[-49:], once]
    return True


def initial_from(form: forms.BaseForm) -> dict[str, Any]:
    """A bound form's values as the initial values of an unbound one: a kept draft shown again
    without its errors (whatever the widgets, a date in three boxes included)."""
    return {name: form[name].value() for name in form.fields}
