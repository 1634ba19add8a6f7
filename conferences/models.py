from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Level
from cases.models import Case, Escalation


class ConferenceSeries(models.Model):
    class Kind(models.TextChoices):
        CASE_CONFERENCE = "case_conference", _("Police-prevention case conference")
        CASE_MEETING = "case_meeting", _("Hands-on case meeting")
        MAC = "mac", _("Mayor's Advisory Council (escalations)")
        AD_HOC = "ad_hoc", _("Ad hoc or emergency meeting")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_series",
        verbose_name=_("chair"),
    )
    core_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="conference_series", verbose_name=_("core members")
    )
    cadence_days = models.PositiveSmallIntegerField(_("every how many days"), default=14)
    weekday = models.PositiveSmallIntegerField(
        _("weekday"),
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
        ],
        default=1,
    )
    start_time = models.TimeField(_("start time"), default="09:30")
    default_location = models.CharField(_("default location"), max_length=200, blank=True)
    cutoff_days = models.PositiveSmallIntegerField(_("agenda cut-off, days before"), default=2)
    is_active = models.BooleanField(_("active"), default=True)
    # The sharing agreement the series discloses under (issue 18): it must be in force and
    # cover every member's and guest's agency when an agenda is published or a meeting opens.
    # Null only for a series from before agreements were named: it publishes nothing until
    # the coordinator names one.
    agreement = models.ForeignKey(
        "privacy.SharingAgreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conference_series",
        verbose_name=_("sharing agreement"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("conference series")
        verbose_name_plural = _("conference series")

    def __str__(self) -> str:
        return f"series {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("conferences:series", args=[self.pk])


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Agenda in preparation")
        PUBLISHED = "published", _("Agenda published")
        OPEN = "open", _("In session")
        CLOSED = "closed", _("Closed, minutes in draft")
        FINAL = "final", _("Minutes final")
        CANCELLED = "cancelled", _("Cancelled")

    # The meeting's life (issue 17): in preparation, agenda published, in session (the only
    # state where outcomes are recorded), closed (minutes in draft), final (read-only). A
    # closed meeting may be reopened, with a reason. conferences.services holds each step.
    TRANSITIONS: dict[str, frozenset[str]] = {
        Status.PLANNED: frozenset({Status.PUBLISHED}),
        Status.PUBLISHED: frozenset({Status.OPEN}),
        Status.OPEN: frozenset({Status.CLOSED}),
        Status.CLOSED: frozenset({Status.OPEN, Status.FINAL}),
        Status.FINAL: frozenset(),
        Status.CANCELLED: frozenset(),
    }

    series = models.ForeignKey(ConferenceSeries, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    agenda_cutoff = models.DateTimeField(_("agenda cut-off"), null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_ad_hoc = models.BooleanField(default=False)
    reminders_sent = models.JSONField(default=list, blank=True)
    # --- Live meeting (issue 17) ---
    closed_at = models.DateTimeField(null=True, blank=True)
    # The item the chair has on the table: attendees' screens follow it.
    current_item = models.ForeignKey(
        "AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current_item_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["series", "starts_at"])]

    def __str__(self) -> str:
        return f"meeting {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("conferences:meeting", args=[self.pk])

    def may_become(self, status: str) -> bool:
        """Whether the meeting's life allows this next state (not who may move it)."""
        return status in self.TRANSITIONS.get(self.status, frozenset())

    @property
    def is_in_session(self) -> bool:
        return self.status == self.Status.OPEN


class AgendaItem(models.Model):
    class Reason(models.TextChoices):
        NEW_CASE = "new_case", _("Accepted, not yet discussed")
        REVIEW_DUE = "review_due", _("Review falls due")
        OVERDUE_ACTIONS = "overdue_actions", _("Overdue actions")
        OPEN_ACTIONS = "open_actions", _("Open actions due")
        CARRIED_OVER = "carried_over", _("Carried over")
        ESCALATION = "escalation", _("Escalation")
        AFTERCARE_6 = "aftercare_6", _("6-month aftercare review")
        AFTERCARE_12 = "aftercare_12", _("12-month aftercare review")
        PRISON_RELEASE = "prison_release", _("Release from prison approaching")
        ADDED = "added", _("Added by the chair")

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt (active support)")
        CONTINUE = "continue", _("Continue")
        CLOSE = "close", _("Close")
        ESCALATE = "escalate", _("Escalate")
        REFER_ON = "refer_on", _("Refer on")
        NO_FURTHER_ACTION = "nfa", _("No further action")

    class MovedTo(models.TextChoices):
        NEXT_MEETING = "next_meeting", _("Moved to the next meeting")
        BACKLOG = "backlog", _("Moved to the series backlog")

    # Set by conferences.selectors.agenda for its reader: whether they may read the minute.
    minute_visible: bool

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="agenda_items",
        null=True,
        blank=True,
    )
    # For the MAC: the escalation discussed (the case itself stays out of the mayor's sight).
    escalation = models.ForeignKey(
        "cases.Escalation",
        on_delete=models.PROTECT,
        related_name="agenda_items",
        null=True,
        blank=True,
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)
    reason = models.CharField(max_length=32, choices=Reason.choices, default=Reason.ADDED)
    reason_detail = models.CharField(max_length=300, blank=True)
    # Restricted items are hidden, existence included, from attendees below this level.
    restricted_to_level = models.PositiveSmallIntegerField(
        _("restricted to level"), choices=Level.choices, null=True, blank=True
    )
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guest_items",
        verbose_name=_("guest for this item"),
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    # The minute of this item.
    discussion = models.TextField(_("discussion"), blank=True)
    minute_level = models.PositiveSmallIntegerField(
        _("level of the minute"), choices=Level.choices, default=Level.L2
    )
    minute_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    minuted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    minuted_at = models.DateTimeField(null=True, blank=True)
    status_before = models.CharField(max_length=32, blank=True)
    # --- Live meeting (issue 17) ---
    # Optimistic locking of the minute: every save bumps it; a save based on an older one is
    # refused (two people editing the same minute never overwrite each other).
    version = models.PositiveIntegerField(default=1)
    time_budget_minutes = models.PositiveSmallIntegerField(_("time budget, minutes"), default=10)
    risk_before = models.CharField(max_length=16, blank=True)
    risk_after = models.CharField(max_length=16, blank=True)
    moved_to = models.CharField(max_length=16, choices=MovedTo.choices, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=models.Q(case__isnull=False),
                name="one_item_per_case_per_meeting",
            )
        ]

    def __str__(self) -> str:
        return f"agenda item {self.pk} of meeting {self.meeting_id}"

    def heading(self) -> str:
        """An item without a case: its escalation, in the reader's language, or its title."""
        if self.escalation_id and not self.case_id:
            return gettext("Escalation %(id)s") % {"id": self.escalation_id}
        return self.title

    def detail_text(self) -> str:
        return reason_detail_text(self.reason, self.reason_detail)

    def risk_labels(self) -> tuple[str, str]:
        """The risk before and after it was re-scored at this meeting, in the reader's words."""

        def label(code: str) -> str:
            return str(Case.RiskLevel(code).label) if code in Case.RiskLevel.values else code

        return label(self.risk_before), label(self.risk_after)


def reason_detail_text(reason: str, detail: str) -> str:
    """The detail of an agenda reason, stored as a code, in the reader's language: an
    escalation's audience by its label, an ISO day in the reader's format."""
    if reason == AgendaItem.Reason.ESCALATION and detail in Escalation.Audience.values:
        return str(Escalation.Audience(detail).label)
    try:
        return date_format(date.fromisoformat(detail))
    except ValueError:
        return detail


class MeetingStateChange(models.Model):
    """One step of a meeting's life, kept as a history row (a reopening with its reason)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="state_changes")
    from_status = models.CharField(max_length=16, choices=Meeting.Status.choices)
    to_status = models.CharField(max_length=16, choices=Meeting.Status.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"meeting {self.meeting_id}: {self.from_status} -> {self.to_status}"


class BacklogItem(models.Model):
    """An item the chair moved off a meeting to the series' backlog, to be put on a later
    agenda. It keeps the item's case, escalation and restriction (the same field names as an
    agenda item, so the policy's agenda_item_filter applies to it as is)."""

    series = models.ForeignKey(ConferenceSeries, on_delete=models.CASCADE, related_name="backlog")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    escalation = models.ForeignKey(
        "cases.Escalation", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    title = models.CharField(max_length=200, blank=True)
    restricted_to_level = models.PositiveSmallIntegerField(
        choices=Level.choices, null=True, blank=True
    )
    moved_from = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="+")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField(auto_now_add=True)
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["moved_at", "pk"]

    def __str__(self) -> str:
        return f"backlog item {self.pk} of series {self.series_id}"


class Amendment(models.Model):
    """A correction to final minutes: the minute stays as it was; the amendment is added."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="amendments")
    text = models.TextField(_("amendment"))
    reason = models.TextField(_("reason"))
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.L2)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["written_at"]

    def __str__(self) -> str:
        return f"amendment {self.pk} of item {self.item_id}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        PRESENT = "present", _("Present")
        APOLOGIES = "apologies", _("Apologies")
        DELEGATE = "delegate", _("Delegate")
        OBSERVER = "observer", _("Observer")
        GUEST = "guest", _("Guest for one item")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INVITED)
    information_sent = models.BooleanField(_("information sent in"), default=False)
    delegate_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_each")
        ]

    def __str__(self) -> str:
        return f"attendance {self.user_id} at meeting {self.meeting_id}"


class DeclarationSignature(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.CharField(max_length=20)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_signature_each")
        ]

    def __str__(self) -> str:
        return f"signature {self.user_id} at meeting {self.meeting_id}"


# --- Minutes as a document (issue 17, part 7) -------------------------------------------------


class AgreedAction(models.Model):
    """An action of the support plan agreed at an agenda item: the minutes list it under the
    item (who, what, by when). The action itself is the case's (cases.Action, L1)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="agreed_actions")
    action = models.OneToOneField(
        "cases.Action", on_delete=models.CASCADE, related_name="agreed_at"
    )

    class Meta:
        ordering = ["action__due_date", "pk"]

    def __str__(self) -> str:
        return f"action {self.action_id} agreed at item {self.item_id}"


class MinutesApproval(models.Model):
    """The chair's approval of final minutes as a true record. A new row each time: minutes
    amended after an approval are approved again."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="approvals")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()

    class Meta:
        ordering = ["-approved_at", "-pk"]
        get_latest_by = ["approved_at", "pk"]

    def __str__(self) -> str:
        return f"approval {self.pk} of the minutes of meeting {self.meeting_id}"


class DocumentCopy(models.Model):
    """The register of the PDF copies issued of a meeting's documents (minutes, briefing
    packs): each copy has a number, unique per document, and the reader it was made for."""

    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Minutes")
        BRIEFING_PACK = "briefing_pack", _("Briefing pack")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="copies")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    number = models.PositiveIntegerField()
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["meeting", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "number"], name="one_copy_number_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"copy {self.number} of the {self.kind} of meeting {self.meeting_id}"


# --- Attendance on one screen: recusals (issue 17, part 4) -----------------------------------


class Recusal(models.Model):
    """A declared conflict of interest: the attendee is recused from one item, which is then
    hidden from them everywhere (access.policy.agenda_item_filter) and listed in the minutes."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recusals",
        verbose_name=_("attendee"),
    )
    interest = models.CharField(_("interest declared"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("declared at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Withdrawn by the chair (declared in error, or the interest has gone): the item shows to
    # the attendee again; the row stays, so the minutes still list it, as withdrawn.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    withdrawal_reason = models.CharField(_("why withdrawn"), max_length=300, blank=True)

    class Meta:
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "user"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_active_recusal_per_item_each",
            )
        ]

    def __str__(self) -> str:
        return f"recusal {self.user_id} from item {self.item_id}"


# --- Agency checks before the meeting (issue 17, part 5) -------------------------------------


class AgencyCheck(models.Model):
    """One agency's answer, for one case on a published agenda, to "what do you hold on this
    person?". It carries a level and its agency like any case item: its content is read only
    by those who may read an item at that level from that agency."""

    class Answer(models.TextChoices):
        NO_TRACE = "no_trace", _("No trace")
        NOT_RELEVANT = "not_relevant", _("Trace, not relevant")
        SHARED = "shared", _("Relevant, shared")
        HELD = "held", _("Relevant, held but not shared")
        UNCLEAR = "unclear", _("Unclear")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="agency_checks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=16, choices=Answer.choices)
    reason = models.TextField(_("reason for not sharing"), blank=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.L2)
    entry = models.ForeignKey(
        "cases.ChronologyEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["agency__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="one_check_per_item_agency")
        ]

    def __str__(self) -> str:
        return f"agency check {self.agency_id} on item {self.item_id}"
