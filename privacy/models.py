from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Level


class DestructionList(models.Model):
    """What the retention job proposes to destroy (DESIGN 8): the closed cases past their
    period, each an item. Nothing goes until the process owner (the coordinator) and the data
    protection officer, two different people, have each approved it; then its items are
    destroyed, those under a legal hold skipped."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Waiting for approval")
        DESTROYED = "destroyed", _("Destroyed")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    owner_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    owner_approved_at = models.DateTimeField(null=True)
    officer_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    officer_approved_at = models.DateTimeField(null=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("destruction list")
        verbose_name_plural = _("destruction lists")

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("retention:list", args=[self.pk])


class DestructionListItem(models.Model):
    """A case on a destruction list, and what became of it."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        DESTROYED = "destroyed", _("Destroyed")
        HELD = "held", _("Skipped: under a legal hold")
        NOT_DUE = "not_due", _("Skipped: no longer due")

    destruction_list = models.ForeignKey(
        DestructionList, on_delete=models.PROTECT, related_name="items"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    rule = models.CharField(_("rule"), max_length=200)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.WAITING
    )

    class Meta:
        ordering = ["destruction_list", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["destruction_list", "case"], name="one_item_per_case_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"item {self.pk} of destruction list {self.destruction_list_id}"


class LegalHold(models.Model):
    """A legal hold (an inquest, a complaint, a court's order) on a case or on a person: while
    in force, nothing of it is destroyed. Lifting keeps the row (lifted_at), with its reason."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    person = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="legal_holds"
    )
    reason = models.TextField(_("why destruction is suspended"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False, person__isnull=True)
                | Q(case__isnull=True, person__isnull=False),
                name="legal_hold_on_a_case_or_a_person",
            )
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"legal hold {self.pk}"


class DestructionRecord(models.Model):
    """The certificate of destruction: what remains of a case destroyed at the end of its
    retention period: its reference, the rule applied, the two reviewers (the process owner and
    the data protection officer) and when, what was erased (counts), and the non-personal facts
    the statistics count. `reapplied_at`: when a restore from a backup erased it again."""

    reference = models.CharField(_("case reference"), max_length=20, unique=True)
    rule = models.CharField(_("rule"), max_length=200)
    closure_reason = models.CharField(_("closure reason"), max_length=32)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True)
    lead_agency_kind = models.CharField(max_length=32, blank=True)
    risk_level = models.CharField(max_length=16, blank=True)
    categories = models.CharField(max_length=500, blank=True)
    # The destruction list it was on (a reference, not a key: a restore re-creates the
    # certificate of a destruction made after the backup, when the list is not in the backup).
    list_reference = models.CharField(_("destruction list"), max_length=20, blank=True)
    # The data protection officer; with the process owner, the two reviewers. Null only where a
    # restore re-applied a destruction confirmed by an account the backup does not hold.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    owner_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # Names of the reviewers as they were, for the certificate whatever happens to the accounts.
    reviewers = models.CharField(_("reviewers"), max_length=300, blank=True)
    erased = models.JSONField(_("what was erased"), default=dict)
    destroyed_at = models.DateTimeField(_("destroyed at"), default=timezone.now)
    reapplied_at = models.DateTimeField(_("re-applied after a restore at"), null=True)

    class Meta:
        ordering = ["-destroyed_at"]
        verbose_name = _("destruction record")
        verbose_name_plural = _("destruction records")
        permissions = [
            (
                "confirm_destruction",
                _("Approve the destruction of cases (data protection officer)"),
            )
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


# --- Sharing agreements (DESIGN 8) -----------------------------------------------------------


class LegalGateway(models.Model):
    """A legal ground a disclosure may rest on (the LIVC-R law of 30 July 2018, art. 458ter of
    the Criminal Code, a GDPR art. 6/9/10 ground...): reference data, kept by the administrator.
    Retired with "active", never deleted: agreements signed under it keep naming it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("legal gateway")
        verbose_name_plural = _("legal gateways")

    def __str__(self) -> str:
        return self.name


class SharingAgreementQuerySet(models.QuerySet):
    def in_force(self, on: date) -> "SharingAgreementQuerySet":
        """Started, not ended, and signed by every one of its parties by that day."""
        unsigned = AgreementParty.objects.filter(agreement=OuterRef("pk")).filter(
            Q(signed_on__isnull=True) | Q(signed_on__gt=on)
        )
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on),
            Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"))),
            ~Exists(unsigned),
            starts_on__lte=on,
        )

    def covering(self, agency_ids: Iterable[int]) -> "SharingAgreementQuerySet":
        """Those whose parties include every one of these agencies."""
        qs = self
        for agency_id in set(agency_ids):
            qs = qs.filter(
                Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), agency_id=agency_id))
            )
        return qs


class SharingAgreement(models.Model):
    """A protocol, covenant or prosecutor's permission under which the parties share: its
    purpose, legal gateways, the data and levels it allows, and its dates. In force from its
    start until its end, once every party has signed it (AgreementParty)."""

    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protocol of cooperation")
        COVENANT = "covenant", _("Covenant")
        PROSECUTOR_PERMISSION = "prosecutor_permission", _("Prosecutor's permission")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    purpose = models.TextField(_("purpose"))
    gateways = models.ManyToManyField(
        LegalGateway, related_name="agreements", verbose_name=_("legal gateways")
    )
    data_categories = models.TextField(_("categories of data"))
    max_level = models.PositiveSmallIntegerField(
        _("highest level it allows"), choices=Level.choices, default=Level.L2
    )
    retention = models.CharField(_("retention"), max_length=300)
    starts_on = models.DateField(_("starts on"))
    review_on = models.DateField(_("review on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Null for an agreement loaded by a migration or a command rather than registered on screen.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["review_on", "pk"]
        verbose_name = _("sharing agreement")
        verbose_name_plural = _("sharing agreements")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    def is_in_force(self, on: date) -> bool:
        return SharingAgreement.objects.in_force(on).filter(pk=self.pk).exists()


class AgreementParty(models.Model):
    """An agency party to an agreement, and its sign-off: who signed for it and when, as the
    coordinator recorded it from the signed copy."""

    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.CASCADE, related_name="parties"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="agreements_signed"
    )
    signatory = models.CharField(_("signed for the agency by"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="one_party_per_agency")
        ]

    def __str__(self) -> str:
        return f"party {self.agency_id} to agreement {self.agreement_id}"


# --- The sharing-decision log (DESIGN 8) ------------------------------------------------------


class SharingDecision(models.Model):
    """One decision to share, or not to share, information on a case: its kind, the legal
    gateway and/or sharing agreement it rests on, the reason, and who decided. A case item
    like any other (DESIGN 3): it carries a level and the agency it came from, and is read by
    those access.policy.sharing_decision_filter lets through. Never changed nor deleted by the
    application: a later decision is a new row. Releases and outbound referrals (made and
    revoked) and agency checks (answered "relevant, shared" or "held but not shared") write
    theirs themselves (release, outbound_referral, agency_check say which); the others are
    recorded on the case's log page."""

    class Kind(models.TextChoices):
        SHARED = "shared", _("Shared")
        NOT_SHARED = "not_shared", _("Not shared")
        HELD = "held", _("Held but not shared")
        SECRECY = "secrecy", _("Refused under professional secrecy")
        THIRD_PARTY = "third_party", _("Disclosed to a third party outside the conference")
        # Written by the revocation of a release or an outbound referral, never by hand.
        REVOKED = "revoked", _("Revoked: no longer shared")

    # The kinds that disclose: they rest on a gateway or an agreement, and name the recipient.
    DISCLOSURES = frozenset({Kind.SHARED, Kind.THIRD_PARTY})

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="sharing_decisions"
    )
    kind = models.CharField(_("decision"), max_length=16, choices=Kind.choices)
    information = models.TextField(_("what information"), blank=True)
    recipient = models.CharField(_("with whom, or asked by whom"), max_length=300, blank=True)
    gateway = models.ForeignKey(
        LegalGateway,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_decisions",
        verbose_name=_("legal gateway"),
    )
    agreement = models.ForeignKey(
        SharingAgreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_decisions",
        verbose_name=_("sharing agreement"),
    )
    reason = models.TextField(_("reason"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.L2)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    release = models.ForeignKey(
        "releases.Release", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outbound_referral = models.ForeignKey(
        "referrals.OutboundReferral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # An agenda item taken off the agenda takes its checks with it; the decision stays.
    agency_check = models.ForeignKey(
        "conferences.AgencyCheck",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("sharing decision")
        verbose_name_plural = _("sharing decisions")

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"sharing decision {self.pk} on case {self.case_id}"

    def get_absolute_url(self) -> str:
        url = reverse("sharing:log", kwargs={"reference": self.case.reference})
        return f"{url}#decision-{self.pk}"
