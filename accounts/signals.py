"""Receivers that turn sign-in events into security events."""

from django.conf import settings
from django.contrib.auth import get_user_model

from accounts import security
from accounts.models import SecurityEvent


def _user_named(username: str):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


def on_signed_in(sender, request, user, **kwargs) -> None:
    security.event_record(kind=SecurityEvent.Kind.SIGNED_IN, user=user, request=request)
    if request is not None and hasattr(request, "session"):
        security.session_touch(request)
        security.session_record(request=request, user=user, force=True)


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))
    security.event_record(
        kind=SecurityEvent.Kind.SIGN_IN_FAILED,
        user=_user_named(username),
        username=username,
        request=request,
    )


def on_locked_out(sender, request, username, **kwargs) -> None:
    security.event_record(
        kind=SecurityEvent.Kind.LOCKED_OUT,
        user=_user_named(username or ""),
        username=username or "",
        request=request,
        detail=f"after {_failure_limit()} failed sign-ins",
    )


def _failure_limit() -> int:
    return settings.AXES_FAILURE_LIMIT


def on_security_key_saved(sender, instance, created: bool = False, **kwargs) -> None:
    if created:
        security.security_key_registered(credential=instance)
