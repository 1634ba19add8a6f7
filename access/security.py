"""Sign-in security: the second factor, idle sessions, security events, dormant accounts.

Writes here are atomic and leave a trace: a SecurityEvent row (itself audited and sealed) and,
for changes to accounts and grants, auditlog's before-and-after rows.
"""

import logging
import time
from datetime import timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import policy
from access.middleware import LAST_ACTIVITY_KEY
from access.models import AccessRequest, SecurityEvent

logger = logging.getLogger("msc.security")

RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_DEVICE_NAME = "authenticator app"


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def event_record(
    *,
    kind: str,
    user=None,
    username: str = "",
    request: HttpRequest | None = None,
    detail: str = "",
) -> SecurityEvent:
    if user is not None and not username:
        username = user.get_username()
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        remote_addr=client_address(request),
        detail=detail[:300],
    )
    logger.info("security event %s user=%s addr=%s", kind, username, event.remote_addr)
    return event


# --- The second factor -----------------------------------------------------------------------


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_needed(user) -> bool:
    """The policy's requirement, or the user's own choice once they set one up."""
    return policy.must_use_second_factor(user) or has_second_factor(user)


@transaction.atomic
def totp_device_for_setup(*, user) -> TOTPDevice:
    """The unconfirmed device a user is setting up (a new secret only once per setup)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as an SVG element: no script, no style, no external request."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def _clean_token(token: str) -> str:
    return "".join(token.split()).lower()


@transaction.atomic
def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> list[str]:
    """Confirm a new authenticator app with a code from it; returns fresh recovery codes."""
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("Start the set-up again."))
    if not device.verify_token(_clean_token(token)):
        event_record(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED, user=user, request=request)
        raise ValidationError({"token": _("That code is not right. Try the newest one.")})
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    codes = recovery_codes_renew(user=user, request=request, log=False)
    otp_login(request, device)
    event_record(kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED, user=user, request=request)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user, request: HttpRequest | None = None, log: bool = True):
    """New single-use recovery codes; the old ones stop working. Shown to the user once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _i in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    if log:
        event_record(kind=SecurityEvent.Kind.RECOVERY_CODES_RENEWED, user=user, request=request)
    return codes


def recovery_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the app, or a recovery code (used up), and mark the session verified."""
    user = request.user
    token = _clean_token(token)
    # Six digits: the app; anything else: a recovery code. Each kind is throttled by
    # django-otp after failures, so trying one kind must not slow down the other.
    app_code = token.isdigit() and len(token) == 6
    for device in TOTPDevice.objects.filter(user=user, confirmed=True) if app_code else ():
        if device.verify_token(token):
            otp_login(request, device)
            return True
    for device in () if app_code else StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            event_record(kind=SecurityEvent.Kind.RECOVERY_CODE_USED, user=user, request=request)
            return True
    event_record(kind=SecurityEvent.Kind.TWO_FACTOR_FAILED, user=user, request=request)
    return False


@transaction.atomic
def second_factor_reset(*, user, reset_by, request: HttpRequest | None = None) -> None:
    """An administrator's answer to a lost phone: the user sets up a new app at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    event_record(
        kind=SecurityEvent.Kind.TWO_FACTOR_RESET,
        user=user,
        request=request,
        detail=f"by {reset_by.get_username()}",
    )


# --- Sessions --------------------------------------------------------------------------------


def session_seconds_left(request: HttpRequest) -> int:
    last = request.session.get(LAST_ACTIVITY_KEY)
    if last is None:
        return settings.SESSION_IDLE_TIMEOUT
    return max(0, settings.SESSION_IDLE_TIMEOUT - (int(time.time()) - last))


def session_touch(request: HttpRequest) -> None:
    request.session[LAST_ACTIVITY_KEY] = int(time.time())


def session_expire_idle(*, request: HttpRequest) -> None:
    event_record(kind=SecurityEvent.Kind.SIGNED_OUT_IDLE, user=request.user, request=request)
    logout(request)


# --- Accounts --------------------------------------------------------------------------------


def accounts_dormant(*, days: int | None = None) -> QuerySet:
    """Active accounts nobody has signed in to for `days` (never: counted from their creation)."""
    days = settings.DORMANT_ACCOUNT_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("pk")
    )


@transaction.atomic
def account_disable(*, user, reason: str, disabled_by=None) -> None:
    """Disable an account and take away what it was given: its case grants, its agency and role
    groups (and so its agency's grants) and its pending access requests. Each removal is
    audited one by one. An administrator re-enables by saving the profile again."""
    from cases.models import CaseUserObjectPermission

    if user.is_active:
        user.is_active = False
        user.save()
    for grant in CaseUserObjectPermission.objects.filter(user=user):
        grant.delete()
    user.groups.clear()
    for request in AccessRequest.objects.filter(
        requested_by=user, status=AccessRequest.Status.PENDING
    ):
        request.status = AccessRequest.Status.WITHDRAWN
        request.decision_note = _("Withdrawn: the account was disabled.")
        request.save()
    by = f" by {disabled_by.get_username()}" if disabled_by is not None else ""
    event_record(kind=SecurityEvent.Kind.ACCOUNT_DISABLED, user=user, detail=f"{reason}{by}")


def accounts_disable_dormant() -> list[str]:
    """The periodic job: disable every dormant account. Returns the usernames disabled."""
    days = settings.DORMANT_ACCOUNT_DAYS
    disabled = []
    for user in accounts_dormant(days=days):
        account_disable(user=user, reason=f"not used for {days} days")
        disabled.append(user.get_username())
    return disabled


@transaction.atomic
def data_protection_officer_set(*, user, is_officer: bool) -> None:
    """Give or take the data-protection-officer permission (confirming destruction)."""
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(
        codename="confirm_destruction", content_type__app_label="access"
    )
    if is_officer:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
