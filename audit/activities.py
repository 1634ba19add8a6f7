"""Which processing activity (the GDPR art. 30 register, audit.models.ProcessingActivity) an
audit row served. Every row names one, in its `additional_data` under ACTIVITY_KEY, written in
the same INSERT (no query of its own) and sealed with the rest of the row (audit.chain).

The activity is, first to last:
1. the one a service, task or command declares with `serving(code)` around its work;
2. the one of the page the request is for: its URL name (VIEW_ACTIVITY), else its namespace
   (NAMESPACE_ACTIVITY), else the app of its view (APP_ACTIVITY), settled by
   AuditAddressMiddleware once the URL is resolved, before the view runs (a row written by
   middleware before that, a sign-in throttle's say, falls to 3);
3. outside a request (a periodic job), the one of the app of the object the row is about
   (MODEL_ACTIVITY, else APP_ACTIVITY).
Every installed model resolves under 3 (tests/audit/test_processing_activities.py walks them
and every URL pattern), so a row without an activity cannot be written: the writer refuses.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.urls import ResolverMatch

from audit.models import ProcessingActivity

Code = ProcessingActivity.Code
ACTIVITY_KEY = "activity"

# By app label (of a model) or top-level package (of a view).
APP_ACTIVITY: dict[str, str] = {
    "cases": Code.CASE_MANAGEMENT,
    "access": Code.CASE_MANAGEMENT,
    "guardian": Code.CASE_MANAGEMENT,
    "home": Code.CASE_MANAGEMENT,
    "conferences": Code.CASE_CONFERENCE,
    "releases": Code.RELEASES,
    "referrals": Code.REFERRALS,
    "oversight": Code.OVERSIGHT,
    "privacy": Code.GOVERNANCE,
    "audit": Code.SECURITY,
    "auditlog": Code.SECURITY,
    "accounts": Code.SECURITY,
    "core": Code.SECURITY,
    "config": Code.SECURITY,
    "django": Code.SECURITY,
    "auth": Code.SECURITY,
    "admin": Code.SECURITY,
    "contenttypes": Code.SECURITY,
    "sessions": Code.SECURITY,
    "axes": Code.SECURITY,
    "otp_totp": Code.SECURITY,
    "otp_static": Code.SECURITY,
    "django_otp": Code.SECURITY,
    "django_otp_webauthn": Code.SECURITY,
    "mozilla_django_oidc": Code.SECURITY,
    "django_celery_beat": Code.SECURITY,
    "django_celery_results": Code.SECURITY,
}
# Models whose app serves more than one activity.
MODEL_ACTIVITY: dict[tuple[str, str], str] = {
    ("privacy", "caserestriction"): Code.SUBJECT_RIGHTS,
    ("privacy", "destructionrecord"): Code.RETENTION,
    ("privacy", "destructionlist"): Code.RETENTION,
    ("privacy", "destructionlistitem"): Code.RETENTION,
    ("privacy", "legalhold"): Code.RETENTION,
    ("audit", "processingactivity"): Code.GOVERNANCE,
}
NAMESPACE_ACTIVITY: dict[str, str] = {
    "cases": Code.CASE_MANAGEMENT,
    "access_requests": Code.CASE_MANAGEMENT,
    "conferences": Code.CASE_CONFERENCE,
    "releases": Code.RELEASES,
    "referrals": Code.REFERRALS,
    "oversight": Code.OVERSIGHT,
    "retention": Code.RETENTION,
    "agreements": Code.GOVERNANCE,
    "processing": Code.GOVERNANCE,
    "audit": Code.SECURITY,
    "account_changes": Code.SECURITY,
    "admin": Code.SECURITY,
}
# Pages whose namespace serves more than one activity.
VIEW_ACTIVITY: dict[str, str] = {
    "audit:person_report": Code.SUBJECT_RIGHTS,
    "audit:person_report_export": Code.SUBJECT_RIGHTS,
    "audit:restriction": Code.SUBJECT_RIGHTS,
}

_declared: ContextVar[str | None] = ContextVar("processing_activity", default=None)
_request: ContextVar[str | None] = ContextVar("request_processing_activity", default=None)


@contextmanager
def serving(code: str) -> Iterator[None]:
    """Every audit row written inside serves `code` (over the page's own activity)."""
    if code not in Code.values:
        raise ImproperlyConfigured(f"{code!r} is not an activity the application performs")
    token = _declared.set(str(code))
    try:
        yield
    finally:
        _declared.reset(token)


def for_match(match: ResolverMatch) -> str | None:
    """The activity a page serves, from its URL (None: no rule names it)."""
    if match.view_name in VIEW_ACTIVITY:
        return VIEW_ACTIVITY[match.view_name]
    for namespace in reversed(match.namespaces):
        if namespace in NAMESPACE_ACTIVITY:
            return NAMESPACE_ACTIVITY[namespace]
    module = getattr(match.func, "__module__", "") or ""
    return APP_ACTIVITY.get(module.split(".", 1)[0])


@contextmanager
def serving_request() -> Iterator[None]:
    """For the length of a request (AuditAddressMiddleware): its page's activity once it is
    resolved (serving_page), none before."""
    token = _request.set(None)
    try:
        yield
    finally:
        _request.reset(token)


def serving_page(match: ResolverMatch | None) -> None:
    """The page the request resolved to: its activity is the request's from here on."""
    _request.set(for_match(match) if match is not None else None)


def for_model(app_label: str, model: str) -> str | None:
    return MODEL_ACTIVITY.get((app_label, model)) or APP_ACTIVITY.get(app_label)


def current() -> str | None:
    """The activity declared or of the current page (None outside both)."""
    return _declared.get() or _request.get()


def stamp(sender: type[LogEntry], instance: LogEntry, **kwargs: object) -> None:  # noqa: ARG001
    """pre_save receiver on auditlog's LogEntry: name the activity in a new row, always from
    here (a caller's details never name it: a search field called "activity" cannot file a
    read under another activity)."""
    if not instance._state.adding:
        return
    data = instance.additional_data
    if data is None:
        data = {}
    elif not isinstance(data, dict):
        data = {"data": data}
    code = current()
    if code is None:
        # ContentType's cache answers after its first lookup of the kind: no query per row.
        kind = ContentType.objects.get_for_id(instance.content_type_id)
        code = for_model(kind.app_label, kind.model)
    if code is None:
        raise ImproperlyConfigured(
            f"No processing activity for an audit row about {instance.content_type_id}: "
            "name its app in audit.activities.APP_ACTIVITY"
        )
    instance.additional_data = {**data, ACTIVITY_KEY: str(code)}
