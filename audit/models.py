from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AuditSeal(models.Model):
    """The audit chain: one row per audit log entry, in the order sealed. `digest` is a keyed
    hash of the entry's content and the previous row's digest, so changing, removing or
    reordering a row breaks every digest after it (`manage.py verify_audit_chain`)."""

    sequence = models.BigAutoField(primary_key=True)
    # No foreign key: the seal must outlive tampering with the row it seals, to name it.
    log_entry_id = models.BigIntegerField(unique=True)
    previous_digest = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"seal {self.sequence} of log entry {self.log_entry_id}"


class AuditRetentionRun(models.Model):
    """Old audit rows removed by the audit log's retention rule. The last removed seal becomes
    the anchor from which the remaining chain is verified."""

    ran_at = models.DateTimeField(auto_now_add=True)
    cutoff = models.DateTimeField()
    rule = models.CharField(max_length=100)
    entries_removed = models.PositiveIntegerField()
    anchor_sequence = models.BigIntegerField()
    anchor_digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["-anchor_sequence"]

    def __str__(self) -> str:
        return f"audit retention up to seal {self.anchor_sequence}"


class ProcessingActivity(models.Model):
    """An entry of the register of processing activities (GDPR art. 30), kept by the data
    protection officer. Every audit row names, by its code, the activity it served
    (audit.activities). The activities the application performs are seeded (Code); the
    officer may register more, and edits what each says, never its code: rows carry it."""

    class Code(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Case management")
        CASE_CONFERENCE = "case_conference", _("Case conference")
        RELEASES = "releases", _("Releases")
        REFERRALS = "referrals", _("Referrals")
        OVERSIGHT = "oversight", _("Oversight and statistics")
        SUBJECT_RIGHTS = "subject_rights", _("Data subjects' rights")
        RETENTION = "retention", _("Retention and destruction")
        GOVERNANCE = "governance", _("Information governance")
        SECURITY = "security", _("Security and audit")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.TextField(_("legal basis"))
    data_subjects = models.TextField(_("categories of data subjects"))
    data_categories = models.TextField(_("categories of personal data"))
    recipients = models.TextField(_("recipients"))
    retention = models.TextField(_("retention"))
    security_measures = models.TextField(_("security measures"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("processing:detail", args=[self.code])
