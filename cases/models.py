from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Agency, Level
from core.aggregates import Joined, split_joined


class ConcernCategory(models.Model):
    """Reference data the administrator can extend."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone at risk. Shown by a pseudonymous code unless the reader may read L2 on a case."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Unknown")

    code = models.CharField(_("code"), max_length=20, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(
        _("gender"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    school_or_employer = models.CharField(_("school or employer"), max_length=200, blank=True)
    is_minor = models.BooleanField(_("minor"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return self.code


def concern_names(case_field: str = "pk") -> models.Subquery:
    """The names of a case's concerns in the reader's language (the default language where a
    name has no translation, as the field does), joined (core.aggregates.Joined), as a column
    of the query that reads the case: the case page and the live item show them without a
    query of their own. core.aggregates.split_joined gives them back, sorted."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    name = Coalesce(
        NullIf(models.F(f"concerncategory__name_{language}"), models.Value("")),
        models.F(f"concerncategory__name_{settings.LANGUAGE_CODE}"),
    )
    names = (
        Case.categories.through.objects.filter(case_id=models.OuterRef(case_field))
        .order_by()
        .values("case_id")
        .annotate(names=Joined(name))
        .values("names")[:1]
    )
    return models.Subquery(names, output_field=models.CharField())


class Case(models.Model):
    # A person referred again within this many days of a case closing is a repeat referral.
    REPEAT_WINDOW_DAYS = 365

    class Status(models.TextChoices):
        INTAKE = "intake", _("Intake")
        INFORMATION_GATHERING = "information_gathering", _("Information gathering")
        ON_AGENDA = "on_agenda", _("On agenda")
        ACTIVE_SUPPORT = "active_support", _("Active support")
        UNDER_REVIEW = "under_review", _("Under review")
        ESCALATED = "escalated", _("Escalated")
        CLOSED = "closed", _("Closed")
        AFTERCARE = "aftercare", _("Aftercare")

    class RiskLevel(models.TextChoices):
        LOW = "low", _("Low")
        MODERATE = "moderate", _("Moderate")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent of the person")
        PARENTAL_CONSENT = "parental_consent", _("Consent of a parent or guardian")
        LIVC_LAW = "livc_law", _("Law of 30 July 2018 on the LIVC-R (shared professional secrecy)")
        VITAL_INTEREST = "vital_interest", _("Vital interest of the person or others")
        PUBLIC_TASK = "public_task", _("Public task of the municipality")

    class ClosureReason(models.TextChoices):
        RISK_REMOVED = "risk_removed", _("Risk removed")
        RISK_REDUCED = "risk_reduced", _("Risk reduced")
        CONSENT_REFUSED = "consent_refused", _("Consent refused")
        TRANSFERRED = "transferred", _("Transferred to another service")
        CRIMINAL_ROUTE = "criminal_route", _("Criminal or judicial route")
        MOVED_AWAY = "moved_away", _("Moved away")
        DECEASED = "deceased", _("Deceased")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.INTAKE
    )
    categories = models.ManyToManyField(
        ConcernCategory, related_name="cases", verbose_name=_("concern categories")
    )
    risk_level = models.CharField(
        _("risk level"), max_length=16, choices=RiskLevel.choices, default=RiskLevel.MODERATE
    )
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="led_cases", verbose_name=_("lead agency")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("case owner"),
    )
    next_review_date = models.DateField(_("next review date"), null=True, blank=True)
    person_informed = models.BooleanField(_("person informed"), default=False)
    not_informed_reason = models.TextField(_("why the person is not informed"), blank=True)
    legal_basis = models.CharField(
        _("consent or legal basis"), max_length=32, choices=LegalBasis.choices
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: every change bumps it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["next_review_date"]),
            # Every case list is newest first: a page is read from the index, not sorted.
            models.Index(fields=["-opened_at", "-id"], name="case_newest_first"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.reference])

    def concerns(self) -> list[str]:
        """The names of its concerns, sorted: those its door read with it (concern_names), or
        asked now."""
        if hasattr(self, "concern_names_joined"):
            return split_joined(self.concern_names_joined)
        return sorted(str(category) for category in self.categories.all())

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.CLOSED, self.Status.AFTERCARE)


def _in_words(text: str, params: dict, note: str) -> str:
    """A text the system wrote, in the reader's language: a day in the reader's format, a
    label stored as written in the code translated, and `note` (a person's words) as is."""
    params = dict(params)
    if "day" in params:
        params["day"] = date_format(date.fromisoformat(params["day"]))
    if "decision" in params:
        params["decision"] = gettext(params["decision"])
    return text % {**params, "reason": note}


class GrantEvent(models.TextChoices):
    """Why the system put a person or an agency on a case team."""

    OPENED_THE_CASE = "opened_the_case", _("Opened the case")
    LEAD_AGENCY = "lead_agency", _("Lead agency")
    CASE_OWNER = "case_owner", _("Case owner")
    CONFERENCE_GUEST = "conference_guest", _("Guest at a conference")
    ACCESS_REQUEST = "access_request", _("Access request")
    PRISON_OUTREACH = "prison_outreach", _("Outreach worker of the prison-release protocol")


GRANT_TEXTS = {
    GrantEvent.OPENED_THE_CASE: _("Opened the case"),
    GrantEvent.LEAD_AGENCY: _("Lead agency"),
    GrantEvent.CASE_OWNER: _("Case owner"),
    GrantEvent.CONFERENCE_GUEST: _("Guest at the conference of %(day)s"),
    GrantEvent.ACCESS_REQUEST: _("Access request: %(reason)s"),
    GrantEvent.PRISON_OUTREACH: _("Outreach worker of the prison-release protocol"),
}


class TeamGrant:
    """Why a grant was given: the system's `event` and its `params` ("day", an ISO date), or a
    person's words in `reason`."""

    event: str
    params: dict
    reason: str

    def why(self) -> str:
        if not self.event:
            return self.reason
        return _in_words(GRANT_TEXTS[self.event], self.params, self.reason)


class CaseUserObjectPermission(UserObjectPermissionBase, TeamGrant):
    """A case granted to one user (guardian direct foreign key: the case team)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    event = models.CharField(max_length=32, choices=GrantEvent.choices, blank=True)
    params = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True, null=True)
    expires_on = models.DateField(null=True, blank=True)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission", "content_object"])]


class CaseGroupObjectPermission(GroupObjectPermissionBase, TeamGrant):
    """A case granted to an agency's group (every member of the agency)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    event = models.CharField(max_length=32, choices=GrantEvent.choices, blank=True)
    params = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    granted_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission", "content_object"])]


class StatusChange(models.Model):
    """One step of a case's status history. What the system records is a code with its
    parameters, put into words in the reader's language by text(); `reason` is what a person
    wrote, kept as written."""

    class Event(models.TextChoices):
        CHANGED = "changed", _("Status changed")
        OPENED = "opened", _("Case opened")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted at screening")
        PUT_ON_AGENDA = "put_on_agenda", _("Put on a conference agenda")
        CONFERENCE_DECISION = "conference_decision", _("Conference decision")

    # params: "number" (a referral number), "day" (an ISO date), "decision" (the untranslated
    # label of a conference decision, translated when read).
    TEXTS = {
        Event.OPENED: _("Case opened."),
        Event.REFERRAL_ACCEPTED: _("Referral %(number)s accepted at screening."),
        Event.PUT_ON_AGENDA: _("On the agenda of the conference of %(day)s"),
        Event.CONFERENCE_DECISION: _("Conference decision: %(decision)s"),
    }

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=32, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=32, choices=Case.Status.choices)
    event = models.CharField(max_length=32, choices=Event.choices, default=Event.CHANGED)
    params = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"{self.case_id}: {self.from_status or '-'} -> {self.to_status}"

    def text(self) -> str:
        """The change in the reader's language: the system's words, then the person's."""
        if self.event == self.Event.CHANGED:
            return self.reason
        text = _in_words(self.TEXTS[self.event], self.params, self.reason)
        return f"{text} {self.reason}" if self.reason else text


def in_reader_language(names: dict[str, str] | str) -> str:
    """A name kept in each language ({"en": ..., "nl": ...}), in the reader's; English if it
    has none in theirs."""
    if isinstance(names, str):
        return names
    return names.get(get_language() or "en") or names.get("en") or next(iter(names.values()), "")


def referral_in_words(params: dict) -> str:
    """A referral brought into the chronology, in the reader's language. The referrer's words
    are kept as written; the labels (urgency, consent) are stored as written in the code and
    translated here, names in every language."""
    indicators = ", ".join(in_reader_language(i) for i in params.get("indicators", [])) or "—"
    lines = [
        gettext("Referral %(number)s from %(agency)s, received %(day)s (%(urgency)s).")
        % {
            "number": params["number"],
            "agency": in_reader_language(params["agency"]),
            "day": date_format(date.fromisoformat(params["day"])),
            "urgency": gettext(params["urgency"]),
        },
        gettext("Concern: %(text)s") % {"text": params["concern"]},
        gettext("Indicators: %(list)s") % {"list": indicators},
        gettext("Asked for: %(text)s") % {"text": params["request"]},
    ]
    if params.get("other_agencies", "").strip():
        lines.append(
            gettext("Other agencies involved: %(text)s") % {"text": params["other_agencies"]}
        )
    lines.append(
        gettext("Consent: %(consent)s. The person knows about the referral: %(aware)s.")
        % {
            "consent": gettext(params["consent"]),
            "aware": gettext("yes") if params["aware"] else gettext("no"),
        }
    )
    if params.get("no_consent_reason"):
        lines.append(gettext("Why not: %(text)s") % {"text": params["no_consent_reason"]})
    return "\n".join(lines)


def escalation_decision_in_words(params: dict) -> str:
    """The decision on an escalation, as the case's chronology records it: the audience (its
    code) in the reader's words, the decision as its author wrote it."""
    return gettext("Decision on the escalation to %(audience)s: %(decision)s") % {
        "audience": Escalation.Audience(params["audience"]).label,
        "decision": params["decision"],
    }


class ChronologyEntry(models.Model):
    """One dated fact on a case. Never edited: a correction supersedes it, and both remain.
    An entry the system writes has an `event` and its `params`, and reads in the reader's
    language (in_words); `text` keeps it in English, for search and the subject's report."""

    class Event(models.TextChoices):
        REFERRAL_RECEIVED = "referral_received", _("Referral brought into the case")
        ESCALATION_DECIDED = "escalation_decided", _("Decision on an escalation")

    WORDS = {
        Event.REFERRAL_RECEIVED: referral_in_words,
        Event.ESCALATION_DECIDED: escalation_decision_in_words,
    }

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CONTACT = "contact", _("Contact")
        OBSERVATION = "observation", _("Observation")
        POLICE_INFORMATION = "police_information", _("Police information")
        DECISION = "decision", _("Decision")
        DOCUMENT = "document", _("Document")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    text = models.TextField(_("text"))
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    event = models.CharField(max_length=32, choices=Event.choices, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("chronology entry")
        verbose_name_plural = _("chronology entries")
        indexes = [
            models.Index(fields=["case", "level", "agency"]),
            # "New entries by others this week" on the homes: per visible case, a range of
            # this index (bench/README.md: 21 ms to about 3 at 1 944 cases).
            models.Index(fields=["case", "created_at"], name="entry_case_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=Level.L1, level__lte=Level.L4),
                name="entry_level_l1_to_l4",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"

    def in_words(self) -> str:
        """The entry in the reader's language: the system's words from its event, a person's
        as written (and entries written before events existed, as they were stored)."""
        if not self.event:
            return self.text
        return self.WORDS[self.Event(self.event)](self.params)


class Attachment(models.Model):
    entry = models.ForeignKey(ChronologyEntry, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"attachment {self.pk} of entry {self.entry_id}"

    def get_absolute_url(self) -> str:
        return reverse("cases:attachment", args=[self.entry.case.reference, self.pk])


class Indicator(models.Model):
    """One indicator of the assessment framework (reference data)."""

    class Domain(models.TextChoices):
        ENGAGEMENT = "engagement", _("Engagement")
        INTENT = "intent", _("Intent")
        CAPABILITY = "capability", _("Capability")
        PROTECTIVE = "protective", _("Protective factors")

    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    name = models.CharField(_("indicator"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["domain", "order", "name"]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One version of the structured assessment of a case."""

    class Judgement(models.TextChoices):
        NO_CONCERN = "no_concern", _("No current concern")
        LOW = "low", _("Low concern")
        MODERATE = "moderate", _("Moderate concern")
        HIGH = "high", _("High concern")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField()
    overall_judgement = models.CharField(
        _("overall judgement"), max_length=20, choices=Judgement.choices
    )
    what_changed = models.TextField(_("what changed since the last version"), blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.L2)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="assessment_version_unique")
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"assessment v{self.version} of case {self.case_id}"


class AssessmentRating(models.Model):
    class Rating(models.IntegerChoices):
        NOT_PRESENT = 0, _("Not present")
        SOME = 1, _("Some")
        CLEAR = 2, pgettext_lazy("indicator rating", "Clear")
        STRONG = 3, _("Strong")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="one_rating_each")
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"rating {self.indicator_id} of assessment {self.assessment_id}"


class Action(models.Model):
    """A support-plan action. Actions and their owners are L1: the whole team sees them."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        NOT_POSSIBLE = "not_possible", _("Not possible (circumstances changed)")
        NOT_DONE = "not_done", _("Not done (the agency did not act)")

    class Consent(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        PENDING = "pending", _("Asked, no answer yet")
        GIVEN = "given", _("Given by the person")
        PARENT_GIVEN = "parent_given", _("Given by a parent or guardian")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_actions",
        verbose_name=_("owner"),
    )
    owner_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner's agency")
    )
    due_date = models.DateField(_("due date"))
    consent = models.CharField(
        _("consent"), max_length=20, choices=Consent.choices, default=Consent.NOT_NEEDED
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    status_note = models.TextField(_("note on the status"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Not a column: set on the actions of a case page (cases.selectors.case_detail).
    is_overdue: bool

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "status", "due_date"]),
            # "Has overdue actions" on every case list row: a lookup, not a scan of all actions.
            models.Index(
                fields=["case", "due_date"],
                condition=models.Q(status="open"),
                name="action_open_by_case",
            ),
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"action {self.pk} of case {self.case_id}"


class Escalation(models.Model):
    class Audience(models.TextChoices):
        COORDINATOR = "coordinator", _("Coordinator")
        MAYOR = "mayor", _("Mayor")
        MAC = "mac", _("Mayor's Advisory Council (MAC)")
        POLICE = "police", _("Police route")
        # The coordinator asks the mayor for a high-level meeting; proposed on the MAC agenda.
        MAYOR_MEETING = "mayor_meeting", _("Meeting with the mayor requested")

    class Status(models.TextChoices):
        RAISED = "raised", _("Raised")
        UNDER_REVIEW = "under_review", _("Under review")
        DECIDED = "decided", _("Decided")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)
    summary = models.TextField(_("short text for the audience"))
    decision_requested = models.TextField(_("decision asked for"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RAISED)
    decision = models.TextField(_("decision taken"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"escalation {self.pk} of case {self.case_id}"


class AftercareReview(models.Model):
    class Kind(models.IntegerChoices):
        SIX_MONTHS = 6, _("6-month aftercare review")
        TWELVE_MONTHS = 12, _("12-month aftercare review")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="aftercare_reviews")
    months = models.PositiveSmallIntegerField(choices=Kind.choices)
    due_date = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date"]
        constraints = [
            models.UniqueConstraint(fields=["case", "months", "due_date"], name="one_review_each")
        ]

    def __str__(self) -> str:
        # Ids only: this text is copied into the audit log.
        return f"{self.months}-month review of case {self.case_id}"
