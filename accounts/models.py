"""Who uses the application: agencies, their people's profiles (role, clearance, language),
and the security record of their accounts (sign-ins, two-factor, changes that wait for a
second person)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """Information levels (DESIGN section 3). A user's clearance is the highest they may read."""

    L0 = 0, _("L0 aggregate")
    L1 = 1, _("L1 case existence")
    L2 = 2, _("L2 professional secrecy")
    L3 = 3, _("L3 agency-held")
    L4 = 4, _("L4 police / intelligence")


class Role(models.TextChoices):
    """Every user has one role; each role is also a Django group of the same name."""

    SOCIAL_WORKER = "social_worker", _("Social worker")
    YOUTH_WORKER = "youth_worker", _("Youth or street-corner worker")
    POLICE = "police", _("Police")
    INFORMATION_OFFICER = "information_officer", _("Information officer")
    COORDINATOR = "coordinator", _("Coordinator")
    MAYOR_OFFICE = "mayor_office", _("Mayor's office")
    PARTNER = "partner", _("Partner")
    ADMIN = "admin", _("Technical administrator")


# The highest level each role may ever read; None: no case content at all.
ROLE_CLEARANCE: dict[str, int | None] = {
    Role.SOCIAL_WORKER: Level.L2,
    Role.YOUTH_WORKER: Level.L1,
    Role.POLICE: Level.L4,
    Role.INFORMATION_OFFICER: Level.L4,
    Role.COORDINATOR: Level.L2,
    Role.MAYOR_OFFICE: Level.L0,
    Role.PARTNER: Level.L0,
    Role.ADMIN: None,
}


def protective_marking(level: int) -> str:
    """The protective marking of a document (a PDF copy) whose most sensitive content is at
    `level`: the marking class, then the level, e.g. "OFFICIAL-SENSITIVE — L3". Case existence
    and below is OFFICIAL; anything shared under professional secrecy or above is SENSITIVE."""
    marking = _("OFFICIAL-SENSITIVE") if level >= Level.L2 else _("OFFICIAL")
    return f"{marking} — L{int(level)}"


class Agency(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        SOCIAL_SERVICES = "social_services", _("Social services")
        YOUTH_WORK = "youth_work", _("Youth work")
        POLICE = "police", _("Police")
        PRISON = "prison", _("Prison")
        SCHOOL = "school", _("School")
        SPORT_CLUB = "sport_club", _("Sport club")
        GRASSROOTS = "grassroots", _("Grassroots organisation")
        HEALTH = "health", _("Health")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    # The agency's members as a Django group, so a case can be granted to a whole agency.
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="profiles", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # At most the role's ceiling; a site may set it lower for one person.
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Level.choices, null=True, blank=True
    )
    # The interface language the user chose; blank: the browser's.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(clearance__isnull=True) | models.Q(clearance__lte=Level.L4),
                name="profile_clearance_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.agency})"


class SecurityEvent(models.Model):
    """A sign-in, a failure, a lockout, a two-factor change, an account disabled. Kept with the
    audit: append-only on PostgreSQL, each row sealed in the audit chain through auditlog."""

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out after repeated failures")
        SIGNED_OUT_IDLE = "signed_out_idle", _("Signed out after inactivity")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor sign-in set up")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Two-factor code refused")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("Recovery codes renewed")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset by an administrator")
        ACCOUNT_DISABLED = "account_disabled", _("Account disabled")
        AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
        # The administration (issue 14): who changed whose account, and who confirmed it.
        PASSWORD_SET = "password_set", _("Password set by an administrator")
        ACCOUNT_CHANGE_REQUESTED = (
            "account_change_requested",
            _("Account change asked for, waiting for a second person"),
        )
        ACCOUNT_CHANGE_CONFIRMED = "account_change_confirmed", _("Account change confirmed")
        ACCOUNT_CHANGE_DECLINED = "account_change_declined", _("Account change declined")
        ACCOUNT_CHANGE_REFUSED = (
            "account_change_refused",
            _("Account change refused (one's own account)"),
        )
        DPO_GRANTED = "dpo_granted", _("Data-protection-officer permission given")
        DPO_REMOVED = "dpo_removed", _("Data-protection-officer permission taken away")
        ADMIN_ACTION = "admin_action", _("Change made in the administration site")
        AUDIT_CHECK_FAILED = "audit_check_failed", _("Audit log check failed")
        AUDIT_LATE_SEALED = "audit_late_sealed", _("Late audit rows sealed by hand")
        # Sessions and the identity provider (issue 19).
        SESSION_ENDED = "session_ended", _("Signed out of one session")
        SESSIONS_ENDED = "sessions_ended", _("Signed out everywhere")
        SESSIONS_ENDED_BY_ADMIN = (
            "sessions_ended_by_admin",
            _("All sessions ended by an administrator"),
        )
        PROVIDER_REFUSED = (
            "provider_refused",
            _("Session ended: the identity provider no longer accepts the account"),
        )
        # Choosing a password through an e-mailed link: a new account, or a forgotten password.
        PASSWORD_LINK_ASKED = "password_link_asked", _("Link to choose a password asked for")
        PASSWORD_LINK_SENT = "password_link_sent", _("Link to choose a password sent")
        PASSWORD_CHOSEN = "password_chosen", _("Password chosen through an e-mailed link")
        EMAIL_CHANGED = "email_changed", _("E-mail address changed by an administrator")

    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="security_events",
    )
    # As typed at sign-in, also when no such account exists.
    username = models.CharField(max_length=150, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security event")
        verbose_name_plural = _("security events")

    def __str__(self) -> str:
        return f"{self.kind} {self.username}"


class AccountChange(models.Model):
    """A change to an account that takes effect only once a second person confirms it (DESIGN
    section 7: no role grants itself more). Until then the account keeps its role, clearance,
    permissions and credentials; the row says who asked, when, and who confirmed or declined."""

    class Kind(models.TextChoices):
        PROFILE = "profile", _("Agency, role or clearance")
        DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data-protection-officer permission")
        PASSWORD = "password", _("New password")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Reset of the two-factor sign-in")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a second person")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Replaced by a later request")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="account_changes",
        verbose_name=_("account"),
    )
    kind = models.CharField(_("change"), max_length=32, choices=Kind.choices)
    # A profile change: what the account is to become.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, blank=True)
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Level.choices, null=True, blank=True
    )
    # A new password, hashed as in auth_user; blank: password sign-in turned off. Never audited.
    password = models.CharField(max_length=128, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(status="pending"),
                name="one_pending_account_change_per_kind",
            )
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"account change {self.pk} ({self.kind}) of user {self.user_id}"


class SignedInSession(models.Model):
    """One signed-in session of a user, as its owner sees it on the sessions page: which
    device, from where, last seen when (to the minute: accounts.middleware). The session
    itself is Django's; ending one here deletes it from the session store."""

    class Via(models.TextChoices):
        PASSWORD = "password", _("Password")
        PROVIDER = "provider", _("Identity provider")

    session_key = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    user_agent = models.CharField(max_length=300, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=16, choices=Via.choices, default=Via.PASSWORD)
    signed_in_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        verbose_name = _("signed-in session")
        verbose_name_plural = _("signed-in sessions")

    def __str__(self) -> str:
        return f"session {self.pk} of user {self.user_id}"


class ProviderIdentity(models.Model):
    """The account an OpenID Connect subject signs in to: matched on the provider's subject
    identifier (`sub`), never on an e-mail address, which a provider lets people change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="provider_identities"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity at the provider")
        verbose_name_plural = _("identities at the provider")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_subject")
        ]

    def __str__(self) -> str:
        return f"identity {self.pk} of user {self.user_id}"


class ProviderGroupMapping(models.Model):
    """The administrator's table: a group at the identity provider gives its members an agency
    and a role here. A role above L1 applies only once a second person confirms it, as when
    an administrator gives it by hand (accounts.security.profile_change): the administrator
    who made the row is the one who asked."""

    group = models.CharField(
        _("group at the provider"),
        max_length=200,
        unique=True,
        help_text=_("As the provider's groups claim names it (a name, or an id for Entra ID)."),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    clearance = models.PositiveSmallIntegerField(
        _("clearance"), choices=Level.choices, null=True, blank=True
    )
    # When someone is in several mapped groups, the lowest number wins.
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["priority", "pk"]
        verbose_name = _("provider group mapping")
        verbose_name_plural = _("provider group mappings")

    def __str__(self) -> str:
        return f"{self.group} -> {self.role} at {self.agency}"
