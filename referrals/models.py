"""Referrals in and out of the case conference (DESIGN section 4, steps 1 and 2).

An inbound referral is written by anyone with an account, screened by the coordinator (with the
police and the information officer), and either accepted into a case or answered otherwise. An
outbound referral asks a service to do something for a person on a case. The prison-release
protocol schedules the work around a release from prison.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from cases.models import Case, Indicator, Person


class Referral(models.Model):
    """A concern about a person, in the referrer's words. Drafts are the referrer's alone."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (not sent)")
        SUBMITTED = "submitted", _("Awaiting screening")
        INFORMATION_REQUESTED = "information_requested", _("More information needed")
        NO_FURTHER_ACTION = "no_further_action", _("No further action")
        SIGNPOSTED = "signposted", _("Signposted to another service")
        POLICE_ROUTE = "police_route", _("Police or judicial route")
        ACCEPTED = "accepted", _("Accepted")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        PRIORITY = "priority", _("Priority: please screen within two working days")
        URGENT = "urgent", _("Urgent: please screen today")

    class Consent(models.TextChoices):
        GIVEN = "given", _("Yes, the person agreed to this referral")
        PARENT_GIVEN = "parent_given", _("Yes, a parent or guardian agreed")
        NOT_ASKED = "not_asked", _("No, consent was not asked")
        REFUSED = "refused", _("No, consent was refused")

    # Statuses in which a screening decision has been taken and is final.
    DECIDED = (
        Status.NO_FURTHER_ACTION,
        Status.SIGNPOSTED,
        Status.POLICE_ROUTE,
        Status.ACCEPTED,
    )

    # One per form: a second submission of the same form (double click, retry) finds this row.
    form_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals_made",
        verbose_name=_("referrer"),
    )
    referrer_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_made", verbose_name=_("agency")
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFT
    )

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Person.Gender.choices, default=Person.Gender.UNKNOWN
    )
    is_minor = models.BooleanField(_("minor"), default=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    school_or_employer = models.CharField(_("school or employer"), max_length=200, blank=True)

    concern = models.TextField(_("the concern"), blank=True)
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="+", verbose_name=_("indicators")
    )
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ROUTINE
    )
    request = models.TextField(_("what you ask for"), blank=True)
    other_agencies = models.TextField(_("other agencies involved"), blank=True)
    person_aware = models.BooleanField(_("the person knows about this referral"), default=False)
    consent = models.CharField(_("consent"), max_length=16, choices=Consent.choices, blank=True)
    no_consent_reason = models.TextField(_("why not"), blank=True)
    legal_basis = models.CharField(
        _("legal basis without consent"), max_length=32, choices=Case.LegalBasis.choices, blank=True
    )

    # A matching person's case was closed less than twelve months before the submission.
    is_repeat = models.BooleanField(_("repeat"), default=False)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["referrer", "status"]),
            models.Index(fields=["date_of_birth"]),
            # The dashboard's screening and conference times, over the last year's decisions.
            models.Index(fields=["decided_at"], name="referral_decided_at"),
            # The screening queue, oldest first (referrals.selectors.AWAITING): the first page
            # read in order from this index, where the queue was read whole and sorted (7 ms
            # to 0.1 at ten times the city; bench/README.md).
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status__in=["submitted", "information_requested"]),
                name="referral_awaiting_screening",
            ),
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"referral {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"R-{self.pk:05d}"

    @property
    def person_name(self) -> str:
        """The person as referred, first name then last (the form asks for at least one)."""
        return " ".join(name for name in (self.first_name.strip(), self.last_name.strip()) if name)

    @property
    def initials(self) -> str:
        """What the referrer's own list shows of the person: enough to tell referrals apart."""
        letters = [name.strip()[:1].upper() for name in (self.first_name, self.last_name)]
        return ". ".join(letter for letter in letters if letter) + ("." if any(letters) else "")

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED

    @property
    def age_days(self) -> int | None:
        """Days since the referral was sent."""
        if self.submitted_at is None:
            return None
        return (timezone.localdate() - timezone.localdate(self.submitted_at)).days


class Screening(models.Model):
    """One screening decision on a referral, with its reasons and who took it."""

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "no_further_action", _("No further action")
        MORE_INFORMATION = "more_information", _("More information needed")
        SIGNPOSTED = "signposted", _("Signposted to another service")
        POLICE_ROUTE = "police_route", _("Police or judicial route")
        ACCEPTED = "accepted", _("Accepted")

    class Acceptance(models.TextChoices):
        NEW_PERSON = "new_person", _("A new case for a new person")
        EXISTING_PERSON = "existing_person", _("A new case for a person already known")
        EXISTING_CASE = "existing_case", _("Linked to an existing case")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="screenings")
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    # What deconfliction answered when the decision was taken.
    deconfliction_hit = models.BooleanField(_("deconfliction hit"), default=False)
    question = models.TextField(_("question to the referrer"), blank=True)
    answer = models.TextField(_("the referrer's answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    signposted_to = models.CharField(_("signposted to"), max_length=200, blank=True)
    note_to_referrer = models.TextField(_("note to the referrer"), blank=True)
    acceptance = models.CharField(
        _("accepted as"), max_length=20, choices=Acceptance.choices, blank=True
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"screening {self.pk} of referral {self.referral_id}"


class OutboundReferral(models.Model):
    """A request from a case to a service. The provider sees what it says and nothing else."""

    class Service(models.TextChoices):
        OUTREACH_WORKER = "outreach_worker", _("Outreach worker")
        PRISON_OUTREACH = "prison_outreach", _("Prison outreach programme")
        MENTAL_HEALTH = "mental_health", _("Mental health")
        EMPLOYMENT_EDUCATION = "employment_education", _("Employment or education support")
        FAMILY_SUPPORT = "family_support", _("Family support")

    class Consent(models.TextChoices):
        GIVEN = "given", _("Given by the person")
        PARENT_GIVEN = "parent_given", _("Given by a parent or guardian")
        OVERRIDDEN = "overridden", _("Not given: sent under an override")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        REVOKED = "revoked", _("Revoked")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outbound_referrals")
    service = models.CharField(_("service"), max_length=32, choices=Service.choices)
    provider = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="outbound_referrals_received",
        verbose_name=_("provider agency"),
    )
    # Null only for referrals sent before agreements were registered (privacy 0003).
    agreement = models.ForeignKey(
        "privacy.SharingAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outbound_referrals",
        verbose_name=_("sharing agreement"),
    )
    person_details = models.TextField(_("who the person is, for the provider"))
    request = models.TextField(_("what is asked"))
    consent = models.CharField(_("consent"), max_length=16, choices=Consent.choices)
    override_reason = models.TextField(_("why it is sent without consent"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SENT
    )
    answer_note = models.TextField(_("note from the provider"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(_("why it is revoked"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("outbound referral")
        verbose_name_plural = _("outbound referrals")
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"outbound referral {self.pk} of case {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:outbound_detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"O-{self.pk:05d}"


class PrisonRelease(models.Model):
    """The prison-release protocol on a case: when and from where, and what is planned."""

    case = models.OneToOneField(
        Case, on_delete=models.PROTECT, related_name="prison_release", verbose_name=_("case")
    )
    institution = models.CharField(_("prison"), max_length=200)
    expected_release_date = models.DateField(_("expected release date"))
    conditions = models.TextField(_("release conditions"), blank=True)
    outreach_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("outreach worker"),
    )
    outbound_referral = models.OneToOneField(
        OutboundReferral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The smallest lead time (days before release) a reminder was sent for; None: none yet.
    reminded_lead_days = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expected_release_date", "pk"]
        verbose_name = _("prison release")
        verbose_name_plural = _("prison releases")
        indexes = [models.Index(fields=["expected_release_date"])]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"prison release of case {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("referrals:prison_release", args=[self.case.reference])


class PrisonReleaseTask(models.Model):
    """A support-plan action created by the protocol, so a new date moves it along."""

    class For(models.TextChoices):
        OUTREACH_WORKER = "outreach_worker", _("Outreach worker")
        CASE_OWNER = "case_owner", _("Case owner")

    protocol = models.ForeignKey(PrisonRelease, on_delete=models.CASCADE, related_name="tasks")
    action = models.OneToOneField("cases.Action", on_delete=models.CASCADE, related_name="+")
    lead_days = models.PositiveSmallIntegerField()
    for_whom = models.CharField(max_length=20, choices=For.choices)

    class Meta:
        ordering = ["-lead_days", "for_whom"]
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "lead_days", "for_whom"], name="one_protocol_task_each"
            )
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"task {self.lead_days}d/{self.for_whom} of prison release {self.protocol_id}"
