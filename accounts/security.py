"""Sign-in security: the second factor, idle sessions, security events, dormant accounts.

Writes here are atomic and leave a trace: a SecurityEvent row (itself audited and sealed) and,
for changes to accounts and grants, auditlog's before-and-after rows.
"""

import logging
import time
from datetime import timedelta
from importlib import import_module

import qrcode
import qrcode.image.svg
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model, logout
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.dispatch import Signal
from django.http import Http404, HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import notifications, rules, services
from accounts.models import (
    ROLE_CLEARANCE,
    AccountChange,
    Profile,
    ProviderGroupMapping,
    ProviderIdentity,
    SecurityEvent,
    SignedInSession,
)

logger = logging.getLogger("msc.security")

# When the session last saw a request (accounts.middleware.IdleTimeoutMiddleware).
LAST_ACTIVITY_KEY = "msc_last_activity"
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


def second_factor_columns() -> dict[str, Exists]:
    """Whether a user has a confirmed authenticator app or security key, as columns of the
    query that reads the user at the start of every request (accounts.backends)."""
    return {
        "request_has_totp": Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        "request_has_key": Exists(
            WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)
        ),
    }


def has_second_factor(user, *, as_read_with_user: bool = False) -> bool:
    """A confirmed authenticator app or security key. The two-factor middleware takes the
    answer read with the user at the start of the request (no query of its own); a view that
    may just have confirmed a device asks afresh."""
    if as_read_with_user and hasattr(user, "request_has_totp"):
        return user.request_has_totp or user.request_has_key
    totp, key = second_factor_columns().values()
    return get_user_model().objects.filter(pk=user.pk).filter(totp | key).exists()


def has_security_key(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def security_key_count(*, user) -> int:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).count()


def webauthn_rp_id(request: HttpRequest) -> str:
    """The relying party of passkeys: this site's host name (validated by ALLOWED_HOSTS)."""
    domain, _port = split_domain_port(request.get_host())
    return domain


def security_key_registered(*, credential) -> None:
    event_record(
        kind=SecurityEvent.Kind.TWO_FACTOR_ENROLLED,
        user=credential.user,
        detail=f"security key {credential.pk}",
    )


def second_factor_needed(user, *, as_read_with_user: bool = False) -> bool:
    """The policy's requirement, or the user's own choice once they set one up."""
    return rules.must_use_second_factor(user) or has_second_factor(
        user, as_read_with_user=as_read_with_user
    )


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
def second_factor_reset(
    *, user, reset_by, request: HttpRequest | None = None, detail: str = ""
) -> None:
    """An administrator's answer to a lost phone: the user sets up a new app at next sign-in.
    Applies at once; the administration goes through `second_factor_reset_request`."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    event_record(
        kind=SecurityEvent.Kind.TWO_FACTOR_RESET,
        user=user,
        request=request,
        detail=detail or f"by {reset_by.get_username()}",
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


# Which session record this session was last seen under, and when: [key, unix time].
SESSION_RECORD_KEY = "msc_session_record"
# The sessions page says when a session was last seen to the minute: one write a minute at most.
SESSION_SEEN_EVERY = 60
PROVIDER_BACKEND = "accounts.backends.ProviderBackend"


def session_record(*, request: HttpRequest, user=None, force: bool = False) -> None:
    """Keep the record of this signed-in session (its device, address, last request). Called
    on sign-in (force) and by the middleware on every request, which writes at most once a
    minute; a session whose key changed (a new password) keeps its record under the new key."""
    session = request.session
    key = session.session_key
    user = user if user is not None else request.user
    if key is None or not user.is_authenticated:
        return
    now = timezone.now()
    recorded = session.get(SESSION_RECORD_KEY)
    fresh = (
        isinstance(recorded, list)
        and len(recorded) == 2
        and recorded[0] == key
        and int(now.timestamp()) - int(recorded[1]) < SESSION_SEEN_EVERY
    )
    if fresh and not force:
        return
    if isinstance(recorded, list) and recorded and recorded[0] != key:
        SignedInSession.objects.filter(session_key=recorded[0], user=user).update(session_key=key)
    via = (
        SignedInSession.Via.PROVIDER
        if session.get(BACKEND_SESSION_KEY) == PROVIDER_BACKEND
        else SignedInSession.Via.PASSWORD
    )
    agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    updated = SignedInSession.objects.filter(session_key=key, user=user).update(
        last_seen_at=now, remote_addr=client_address(request), user_agent=agent
    )
    if not updated:
        SignedInSession.objects.filter(session_key=key).delete()
        SignedInSession.objects.create(
            session_key=key,
            user=user,
            user_agent=agent,
            remote_addr=client_address(request),
            via=via,
            signed_in_at=now,
            last_seen_at=now,
        )
    session[SESSION_RECORD_KEY] = [key, int(now.timestamp())]


def sessions_of(*, user) -> QuerySet[SignedInSession]:
    """The user's sessions that are still alive in the session store (database sessions: a
    record whose session was flushed or expired is not shown)."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return SignedInSession.objects.filter(user=user, session_key__in=live).order_by(
        "-last_seen_at", "-pk"
    )


def _end(records) -> int:
    """Delete each session from the store and its record; the count ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for record in list(records):
        store(session_key=record.session_key).delete()
        record.delete()
        ended += 1
    return ended


@transaction.atomic
def session_end(*, user, session_id: int, request: HttpRequest) -> None:
    """Sign out of one of one's own sessions; 404 for a session that is not the user's."""
    record = sessions_of(user=user).filter(pk=session_id).first()
    if record is None:
        raise Http404
    detail = f"session {record.pk}: {device_label(record.user_agent)}"
    this_one = record.session_key == request.session.session_key
    _end([record])
    event_record(kind=SecurityEvent.Kind.SESSION_ENDED, user=user, request=request, detail=detail)
    if this_one:
        logout(request)


@transaction.atomic
def sessions_end_all(*, user, request: HttpRequest | None = None, ended_by=None) -> int:
    """Sign the account out everywhere: by its holder, or by an administrator (a leaver, a
    lost laptop). The holder's own session of this request is ended as well."""
    if ended_by is not None and ended_by.pk != user.pk:
        if not rules.may_administer_accounts(ended_by):
            raise PermissionDenied(_("Only an administrator ends someone else's sessions."))
        kind, detail = SecurityEvent.Kind.SESSIONS_ENDED_BY_ADMIN, f"by {ended_by.get_username()}"
    else:
        kind, detail = SecurityEvent.Kind.SESSIONS_ENDED, ""
    ended = _end(SignedInSession.objects.filter(user=user))
    event_record(kind=kind, user=user, request=request, detail=f"{ended} session(s) {detail}")
    if request is not None and getattr(request, "user", None) == user:
        logout(request)
    return ended


def device_label(user_agent: str) -> str:
    """A short name for a browser's User-Agent: "Firefox on Windows"."""
    browsers = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Safari/", "Safari"),
    ]
    systems = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    browser = next((name for token, name in browsers if token in user_agent), "")
    system = next((name for token, name in systems if token in user_agent), "")
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown device")


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


# Sent inside account_disable's transaction with `user`: the apps above accounts that gave the
# account something take it back (access: its case grants and pending access requests).
account_disabled = Signal()


@transaction.atomic
def account_disable(*, user, reason: str, disabled_by=None) -> None:
    """Disable an account and take away what it was given: its agency and role groups (and so
    its agency's grants) here, its case grants and pending access requests through
    account_disabled. Each removal is audited one by one. An administrator re-enables by saving
    the profile again."""
    if user.is_active:
        user.is_active = False
        user.save()
    user.groups.clear()
    _end(SignedInSession.objects.filter(user=user))
    account_disabled.send(sender=get_user_model(), user=user)
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
def data_protection_officer_set(
    *, user, is_officer: bool, by=None, request: HttpRequest | None = None, detail: str = ""
) -> None:
    """Give or take the data-protection-officer permission (confirming destruction), at once.
    For setting up a site (seed, shell); people ask through `data_protection_officer_request`,
    which waits for a second person."""
    permission = Permission.objects.get(
        codename=rules.DATA_PROTECTION_OFFICER, content_type__app_label="privacy"
    )
    if is_officer:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
    for cache in ("_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    event_record(
        kind=SecurityEvent.Kind.DPO_GRANTED if is_officer else SecurityEvent.Kind.DPO_REMOVED,
        user=user,
        request=request,
        detail=detail or (f"by {by.get_username()}" if by is not None else ""),
    )


# --- Account changes that wait for a second person (policy: "Administration") ----------------


def account_change_check(*, account, requested_by, what: str, request=None) -> None:
    """Refuse a change to one's own account (and any change by a non-administrator). A refusal
    of one's own account is a security event, written before the refusal is raised: call this
    outside a transaction that the refusal rolls back (a form's clean, for the admin)."""
    if rules.may_request_account_change(requested_by, account):
        return
    if account.pk == requested_by.pk:
        event_record(
            kind=SecurityEvent.Kind.ACCOUNT_CHANGE_REFUSED,
            user=account,
            request=request,
            detail=what,
        )
        raise PermissionDenied(
            _("Nobody changes their own account here: ask another administrator.")
        )
    raise PermissionDenied(_("Only an administrator changes accounts."))


def _change_summary(change: AccountChange) -> str:
    if change.kind == AccountChange.Kind.PROFILE:
        level = "-" if change.clearance is None else f"L{change.clearance}"
        return f"{change.kind}: {change.role} at {change.agency}, clearance {level}"
    return change.kind


def _change_request(*, account, kind: str, requested_by, request=None, **fields) -> AccountChange:
    """The pending row; an earlier pending request of the same kind is replaced (kept)."""
    pending = AccountChange.objects.select_for_update().filter(
        user=account, kind=kind, status=AccountChange.Status.PENDING
    )
    for earlier in pending:
        same = all(getattr(earlier, name) == value for name, value in fields.items())
        if same and kind != AccountChange.Kind.PASSWORD:
            return earlier
        earlier.status, earlier.password = AccountChange.Status.WITHDRAWN, ""
        earlier.decided_at = timezone.now()
        earlier.save()
    change = AccountChange.objects.create(
        user=account, kind=kind, requested_by=requested_by, **fields
    )
    event_record(
        kind=SecurityEvent.Kind.ACCOUNT_CHANGE_REQUESTED,
        user=account,
        request=request,
        detail=f"{_change_summary(change)}; asked by {requested_by.get_username()}",
    )
    return change


# Each of these checks first, outside its transaction, so that a refusal stays recorded.


def profile_change(
    *, account, agency, role: str, clearance: int | None, requested_by, request=None
) -> AccountChange | None:
    """Give an account its agency, role and clearance: at once when that grants nothing more,
    otherwise as a pending change (returned) that a second person confirms. Saving a profile
    unchanged restores its groups (re-enabling a disabled account), as before."""
    if not rules.may_administer_accounts(requested_by):
        raise PermissionDenied(_("Only an administrator changes accounts."))
    if clearance is None:
        clearance = ROLE_CLEARANCE[role]
    profile = Profile.objects.filter(user=account).first()
    if profile is not None and (profile.agency_id, profile.role, profile.clearance) == (
        agency.pk,
        role,
        clearance,
    ):
        services.profile_set(user=account, agency=agency, role=role, clearance=clearance)
        return None
    account_change_check(account=account, requested_by=requested_by, what="profile")
    services.check_clearance(role, clearance)
    with transaction.atomic():
        if rules.profile_change_needs_confirmation(
            profile, agency_id=agency.pk, role=role, clearance=clearance
        ):
            return _change_request(
                account=account,
                kind=AccountChange.Kind.PROFILE,
                requested_by=requested_by,
                request=request,
                agency=agency,
                role=role,
                clearance=clearance,
            )
        services.profile_set(user=account, agency=agency, role=role, clearance=clearance)
        return None


def data_protection_officer_request(*, account, requested_by, request=None) -> AccountChange:
    """Ask for the data-protection-officer permission for someone else; a second person
    confirms it. Never for the technical administrator, who must not see case references."""
    account_change_check(account=account, requested_by=requested_by, what="dpo")
    if not rules.may_hold_data_protection_officer(account):
        raise ValidationError(
            _("%(user)s cannot be data protection officer: not with their role.")
            % {"user": account.get_username()}
        )
    if rules.holds_data_protection_officer(account):
        raise ValidationError(
            _("%(user)s is already data protection officer.") % {"user": account.get_username()}
        )
    with transaction.atomic():
        return _change_request(
            account=account,
            kind=AccountChange.Kind.DATA_PROTECTION_OFFICER,
            requested_by=requested_by,
            request=request,
        )


def data_protection_officer_remove(*, account, removed_by, request=None) -> None:
    """Taking the permission away grants nothing: at once."""
    account_change_check(account=account, requested_by=removed_by, what="dpo removal")
    with transaction.atomic():
        AccountChange.objects.filter(
            user=account,
            kind=AccountChange.Kind.DATA_PROTECTION_OFFICER,
            status=AccountChange.Status.PENDING,
        ).update(status=AccountChange.Status.WITHDRAWN, decided_at=timezone.now())
        data_protection_officer_set(user=account, is_officer=False, by=removed_by, request=request)


def _password_apply(*, account, hashed: str, detail: str, request=None) -> None:
    account.password = hashed
    account.save(update_fields=["password"])
    event_record(kind=SecurityEvent.Kind.PASSWORD_SET, user=account, request=request, detail=detail)


def password_set(*, account, password: str | None, set_by, request=None) -> AccountChange | None:
    """An administrator sets someone else's password (None: password sign-in turned off, at
    once). On an account whose holder reads case content, or confirms, the new password waits
    for a second person: whoever knows it can sign in as the holder."""
    account_change_check(account=account, requested_by=set_by, what="password")
    hashed = make_password(password)
    with transaction.atomic():
        if password is None or not rules.credentials_need_confirmation(account):
            what = "set" if password is not None else "sign-in with a password turned off"
            _password_apply(
                account=account,
                hashed=hashed,
                detail=f"{what} by {set_by.get_username()}",
                request=request,
            )
            return None
        return _change_request(
            account=account,
            kind=AccountChange.Kind.PASSWORD,
            requested_by=set_by,
            request=request,
            password=hashed,
        )


def account_created(*, account, created_by, request=None) -> None:
    """A new account with its first password, set by an administrator: a security event."""
    event_record(
        kind=SecurityEvent.Kind.PASSWORD_SET,
        user=account,
        request=request,
        detail=f"first password, account created by {created_by.get_username()}",
    )


# --- Choosing a password through an e-mailed link ---------------------------------------------
# A new account's holder chooses their first password, and whoever forgot theirs chooses a new
# one, through a one-time link sent to the account's e-mail address: nobody else ever knows the
# password. The link (Django's token: it stops working once the password changes, or after
# PASSWORD_RESET_TIMEOUT) replaces only the password: the second factor is still asked for.

# At most this many links to one account, and asks from one network address, an hour: nobody
# fills a mailbox, or tries address after address, through the "forgotten" page.
PASSWORD_LINKS_PER_HOUR = 3
PASSWORD_ASKS_PER_HOUR = 10


def password_links_allowed() -> bool:
    return settings.PASSWORD_SIGN_IN


def _recent(**filters) -> int:
    since = timezone.now() - timedelta(hours=1)
    return SecurityEvent.objects.filter(at__gte=since, **filters).count()


def _links_used_up(account) -> bool:
    """Whether the account had its PASSWORD_LINKS_PER_HOUR links in the last hour."""
    sent = _recent(kind=SecurityEvent.Kind.PASSWORD_LINK_SENT, user=account)
    return sent >= PASSWORD_LINKS_PER_HOUR


def _send_password_link(*, account, request: HttpRequest, first: bool, detail: str) -> None:
    """Queue the link and record it. The e-mail goes from the worker once this write commits:
    the page answers as fast whether or not it sent one, and the token is made there, never put
    in the broker."""
    notifications.password_link_mail.delay_on_commit(
        account.pk, request.build_absolute_uri("/"), first
    )
    event_record(
        kind=SecurityEvent.Kind.PASSWORD_LINK_SENT, user=account, request=request, detail=detail
    )


@transaction.atomic
def password_link_send(*, account, sent_by, request: HttpRequest) -> None:
    """An administrator sends an account's holder a link to choose their password: a new
    account made without one, or a holder who cannot sign in. The administrator never sees the
    link or the password."""
    if not rules.may_administer_accounts(sent_by):
        raise PermissionDenied(_("Only an administrator sends a link to choose a password."))
    if not password_links_allowed():
        raise ValidationError(_("Signing in with a password is switched off on this site."))
    if not account.is_active:
        raise ValidationError(_("The account is disabled."))
    if not account.email:
        raise ValidationError(_("The account has no e-mail address to send the link to."))
    if _links_used_up(account):
        raise ValidationError(_("Links were sent to this account in the last hour: wait a while."))
    first = account.last_login is None
    _send_password_link(
        account=account,
        request=request,
        first=first,
        detail=f"{'first password' if first else 'new password'}, by {sent_by.get_username()}",
    )


@transaction.atomic
def password_forgotten(*, email: str, request: HttpRequest) -> None:
    """Someone says they forgot their password: each active account with this address and a
    password to sign in with gets a link. The answer is the same whether or not such an account
    exists; only too many asks from one address are refused (ValidationError)."""
    if not password_links_allowed():
        raise Http404
    address = client_address(request)
    if address and _recent(kind=SecurityEvent.Kind.PASSWORD_LINK_ASKED, remote_addr=address) >= (
        PASSWORD_ASKS_PER_HOUR
    ):
        raise ValidationError(_("Too many asks from your network in the last hour: try later."))
    accounts = [
        account
        for account in get_user_model()
        .objects.filter(email__iexact=email.strip(), is_active=True)
        .order_by("pk")
        if account.has_usable_password() and account.email
    ]
    if not accounts:
        # Who asked is kept, never the address typed: it may be anyone's.
        event_record(kind=SecurityEvent.Kind.PASSWORD_LINK_ASKED, request=request)
        return
    for account in accounts:
        event_record(kind=SecurityEvent.Kind.PASSWORD_LINK_ASKED, user=account, request=request)
        if not _links_used_up(account):
            _send_password_link(
                account=account,
                request=request,
                first=False,
                detail="new password, asked on the sign-in page",
            )


def password_link_account(uidb64: str):
    """The active account a link names, or None. Whether its token holds is the view's check
    (Django's PasswordResetConfirmView), and again password_choose's."""
    if not password_links_allowed():
        raise Http404
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


@transaction.atomic
def password_choose(*, account, token: str, password: str, request: HttpRequest) -> None:
    """The holder chooses their password through the link: the link stops working, every
    session of the account ends (whoever signed in with the old password is out), and a
    lock-out from failed sign-ins is lifted."""
    if not password_links_allowed():
        raise Http404
    if not account.is_active or not default_token_generator.check_token(account, token):
        raise PermissionDenied(_("This link no longer works."))
    account.set_password(password)
    account.save(update_fields=["password"])
    ended = _end(SignedInSession.objects.filter(user=account))
    axes_reset(username=account.get_username())
    event_record(
        kind=SecurityEvent.Kind.PASSWORD_CHOSEN,
        user=account,
        request=request,
        detail=f"{ended} session(s) ended",
    )


@transaction.atomic
def account_email_changed(*, account, old_email: str, changed_by, request=None) -> None:
    """An administrator changed the address where links to choose a password go: the holder is
    told at the old one, so that a link cannot be sent elsewhere unnoticed."""
    event_record(
        kind=SecurityEvent.Kind.EMAIL_CHANGED,
        user=account,
        request=request,
        detail=f"by {changed_by.get_username()}",
    )
    if old_email and old_email.lower() != (account.email or "").lower():
        notifications.email_changed_mail.delay_on_commit(account.pk, old_email)


def second_factor_reset_request(*, account, requested_by, request=None) -> AccountChange | None:
    """A lost phone: reset at once, or, on an account that reads case content or confirms,
    once a second person confirms (a reset lets whoever holds the password enrol their own)."""
    account_change_check(account=account, requested_by=requested_by, what="second factor")
    with transaction.atomic():
        if not rules.credentials_need_confirmation(account):
            second_factor_reset(user=account, reset_by=requested_by, request=request)
            return None
        return _change_request(
            account=account,
            kind=AccountChange.Kind.SECOND_FACTOR_RESET,
            requested_by=requested_by,
            request=request,
        )


def account_changes_pending(*, user) -> QuerySet:
    """The pending changes the user takes part in confirming, oldest first."""
    if not rules.may_see_account_changes(user):
        return AccountChange.objects.none()
    return (
        AccountChange.objects.filter(
            rules.account_change_filter(user), status=AccountChange.Status.PENDING
        )
        .select_related("user__profile__agency", "agency", "requested_by")
        .order_by("requested_at", "pk")
    )


def account_change_get(*, user, change_id: int) -> AccountChange:
    """The door to one account change: 404 unless the user takes part in confirming it."""
    change = (
        AccountChange.objects.filter(rules.account_change_filter(user), pk=change_id)
        .select_related("user__profile", "requested_by")
        .first()
    )
    if change is None or not rules.may_see_account_changes(user):
        raise Http404
    return change


@transaction.atomic
def account_change_decide(*, change_id: int, user, confirm: bool, request=None) -> AccountChange:
    """The second person confirms (the change takes effect now) or declines it."""
    visible = AccountChange.objects.filter(rules.account_change_filter(user), pk=change_id)
    if not rules.may_see_account_changes(user) or not visible.exists():
        raise PermissionDenied
    change = AccountChange.objects.select_for_update().get(pk=change_id)
    if not rules.may_confirm_account_change(user, change):
        raise PermissionDenied(_("Someone other than the person who asked must decide this."))
    if change.status != AccountChange.Status.PENDING:
        raise ValidationError(_("This change has already been decided."))
    account = change.user
    if (
        confirm
        and change.kind == AccountChange.Kind.DATA_PROTECTION_OFFICER
        and not rules.may_hold_data_protection_officer(account)
    ):
        raise ValidationError(_("This account's role cannot hold the permission any more."))
    asked = change.requested_by.get_username()
    detail = f"{_change_summary(change)}; asked by {asked}, decided by {user.get_username()}"
    change.status = AccountChange.Status.CONFIRMED if confirm else AccountChange.Status.DECLINED
    change.decided_by, change.decided_at = user, timezone.now()
    hashed, change.password = change.password, ""
    change.save()
    if not confirm:
        event_record(
            kind=SecurityEvent.Kind.ACCOUNT_CHANGE_DECLINED,
            user=account,
            request=request,
            detail=detail,
        )
        return change
    event_record(
        kind=SecurityEvent.Kind.ACCOUNT_CHANGE_CONFIRMED,
        user=account,
        request=request,
        detail=detail,
    )
    by = f"asked by {asked}, confirmed by {user.get_username()}"
    if change.kind == AccountChange.Kind.PROFILE:
        services.profile_set(
            user=account, agency=change.agency, role=change.role, clearance=change.clearance
        )
    elif change.kind == AccountChange.Kind.DATA_PROTECTION_OFFICER:
        data_protection_officer_set(user=account, is_officer=True, request=request, detail=by)
    elif change.kind == AccountChange.Kind.PASSWORD:
        _password_apply(account=account, hashed=hashed, detail=by, request=request)
    elif change.kind == AccountChange.Kind.SECOND_FACTOR_RESET:
        second_factor_reset(user=account, reset_by=change.requested_by, request=request, detail=by)
    return change


# --- Sign-in through the city's identity provider (OpenID Connect) ----------------------------


def _claim(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def provider_groups(claims: dict) -> list[str]:
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    return [str(group) for group in groups if isinstance(group, str | int)]


def _free_username(wanted: str) -> str:
    """The provider's username where it is free here; otherwise with a number after it (a
    name is only a label: the account is found by its subject)."""
    users = get_user_model().objects
    base = (wanted or "user")[:140]
    candidate, number = base, 1
    while users.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def provider_sign_in(*, user, claims: dict, request: HttpRequest | None = None):
    """The account a provider's subject signs in to, created on first sign-in, with its agency
    and role from the first of its groups in the administrator's table. The role applies as an
    administrator's change would (profile_change): at once when it gives nothing more, otherwise
    once a second person confirms it; the administrator who made the mapping is the one who
    asked. No mapped group: refused. Returns the account, or None when refused."""
    subject = str(claims["sub"])
    username = _claim(claims, settings.OIDC_USERNAME_CLAIM) or subject
    mapping = (
        ProviderGroupMapping.objects.filter(group__in=provider_groups(claims))
        .select_related("agency", "created_by")
        .order_by("priority", "pk")
        .first()
    )
    if mapping is None:
        event_record(
            kind=SecurityEvent.Kind.SIGN_IN_FAILED,
            user=user,
            username=username,
            request=request,
            detail="identity provider: no group of the account is mapped to a role here",
        )
        return None
    names = {
        "first_name": _claim(claims, settings.OIDC_FIRST_NAME_CLAIM)[:150],
        "last_name": _claim(claims, settings.OIDC_LAST_NAME_CLAIM)[:150],
        "email": _claim(claims, settings.OIDC_EMAIL_CLAIM)[:254],
    }
    with transaction.atomic():
        if user is None:
            user = get_user_model().objects.create_user(
                username=_free_username(username), password=None, **names
            )
            ProviderIdentity.objects.create(user=user, issuer=settings.OIDC_ISSUER, subject=subject)
        elif any(getattr(user, field) != value for field, value in names.items()):
            for field, value in names.items():
                setattr(user, field, value)
            user.save(update_fields=list(names))
    try:
        profile_change(
            account=user,
            agency=mapping.agency,
            role=mapping.role,
            clearance=mapping.clearance,
            requested_by=mapping.created_by,
            request=request,
        )
    except (PermissionDenied, ValidationError) as refusal:
        # The mapping's own author signing in: their account keeps what it has.
        logger.warning("provider group mapping %s not applied to %s: %s", mapping.pk, user, refusal)
    return user


PROVIDER_MFA_KEY = "msc_provider_mfa"


def provider_second_factor_note(*, request: HttpRequest, id_token_claims: dict) -> None:
    """Whether the provider's own second factor (the ID token's `amr`) counts for this session,
    as OIDC_MFA_AMR allows."""
    amr = id_token_claims.get("amr") or []
    counted = (
        bool(set(map(str, amr)) & set(settings.OIDC_MFA_AMR)) if isinstance(amr, list) else False
    )
    request.session[PROVIDER_MFA_KEY] = counted


def provider_second_factor_passed(request: HttpRequest) -> bool:
    return bool(
        settings.OIDC_MFA_AMR
        and request.session.get(BACKEND_SESSION_KEY) == PROVIDER_BACKEND
        and request.session.get(PROVIDER_MFA_KEY)
    )


def provider_session_refused(*, request: HttpRequest) -> None:
    """The provider no longer accepts the account of this session (removed, disabled, signed
    out there): the session ends here, recorded."""
    user = request.user
    if user.is_authenticated:
        event_record(kind=SecurityEvent.Kind.PROVIDER_REFUSED, user=user, request=request)
        SignedInSession.objects.filter(session_key=request.session.session_key).delete()
        logout(request)
