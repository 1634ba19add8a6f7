from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DestructionRecord(models.Model):
    """What remains of a case destroyed at the end of its retention period: its reference, the
    rule applied, who confirmed and when, and the non-personal facts the statistics count."""

    reference = models.CharField(_("case reference"), max_length=20, unique=True)
    rule = models.CharField(_("rule"), max_length=200)
    closure_reason = models.CharField(_("closure reason"), max_length=32)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True)
    lead_agency_kind = models.CharField(max_length=32, blank=True)
    risk_level = models.CharField(max_length=16, blank=True)
    categories = models.CharField(max_length=500, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    destroyed_at = models.DateTimeField(_("destroyed at"), auto_now_add=True)

    class Meta:
        ordering = ["-destroyed_at"]
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        permissions = [
            ("confirm_destruction", _("Confirm the destruction of cases (data protection officer)"))
        ]

    def __str__(self) -> str:
        return f"{self.reference} destroyed"


class CaseRestriction(models.Model):
    """Restriction of processing (GDPR art. 18): while in force, nobody adds to or changes the
    case; it stays readable. Lifting keeps the row (lifted_at), so the history remains."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="restrictions")
    reason = models.TextField(_("why processing is restricted"))
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    restricted_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-restricted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_restriction_in_force_per_case",
            )
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"restriction {self.pk} of case {self.case_id}"
