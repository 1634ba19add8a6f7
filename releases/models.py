from datetime import date

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency


class Release(models.Model):
    """A need-to-know summary written by the information officer for named recipients.

    Revising makes a new row (the old one kept, `replaced_by` set); revoking hides it at once.
    Recipients see the text and nothing behind it: never the case.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="releases", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary for the recipients"))
    purpose = models.CharField(_("purpose"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    expires_on = models.DateField(_("expires on"))
    # Null only for releases made before agreements were registered (privacy 0003).
    agreement = models.ForeignKey(
        "privacy.SharingAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="releases",
        verbose_name=_("sharing agreement"),
    )
    recipient_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="releases_received",
        verbose_name=_("recipients (people)"),
    )
    recipient_agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="releases_received",
        verbose_name=_("recipients (agencies)"),
    )
    version = models.PositiveIntegerField(default=1)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        # The information officer's home counts the live releases expiring within 14 days:
        # a range of this index, not a scan of every release (bench/README.md).
        indexes = [models.Index(fields=["expires_on"], name="release_expires_on")]

    def __str__(self) -> str:
        return f"release {self.pk} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("releases:detail", args=[self.pk])

    class Status(models.TextChoices):
        LIVE = "live", _("Live")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced")

    def status_on(self, today: date) -> "Release.Status":
        """The one rule for a release's state, as access.policy.live_release_filter has it in
        SQL: revoked, else replaced by a newer version, else expired after its expiry day
        (it is still live on that day), else live. Lists select_related("replaced_by")."""
        if self.revoked_at is not None:
            return self.Status.REVOKED
        try:
            self.replaced_by  # noqa: B018 (the reverse one-to-one: a newer version)
        except ObjectDoesNotExist:
            pass
        else:
            return self.Status.REPLACED
        if self.expires_on < today:
            return self.Status.EXPIRED
        return self.Status.LIVE

    @property
    def status(self) -> "Release.Status":
        return self.status_on(timezone.localdate())


class ReleaseAcknowledgement(models.Model):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "user"], name="one_acknowledgement_each")
        ]

    def __str__(self) -> str:
        return f"acknowledgement of release {self.release_id} by {self.user_id}"
