from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access import policy
from accounts.models import Agency, Level
from cases.models import (
    Action,
    Assessment,
    AssessmentRating,
    Case,
    ChronologyEntry,
    ConcernCategory,
    Escalation,
    Indicator,
    Person,
)
from cases.selectors import case_team_members
from cases.services import ALLOWED_TRANSITIONS
from core.dates import FUTURE_TOLERANCE
from core.forms import DATE, UserChoiceField, WallClockDateTimeField


def case_team_users():
    return (
        get_user_model()
        .objects.filter(is_active=True, profile__role__in=policy.CASE_TEAM_ROLES)
        .select_related("profile__agency")
        .order_by("last_name", "first_name")
    )


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + Case.Status.choices
    )
    category = forms.ModelChoiceField(
        label=_("Concern"),
        required=False,
        queryset=ConcernCategory.objects.all(),
        empty_label=_("Any"),
    )
    risk_level = forms.ChoiceField(
        label=_("Risk"), required=False, choices=[("", _("Any"))] + Case.RiskLevel.choices
    )
    # A name, not a list of every case worker (over a thousand options in a large city, a
    # quarter of the list page's time: bench/README.md).
    owner = forms.CharField(
        label=_("Owner"),
        required=False,
        max_length=100,
        help_text=_("Their name, or part of it"),
    )
    # A name too: a large city has more agencies than a list can offer (1 500 options made the
    # list page three times slower at ten times the city; bench/README.md).
    agency = forms.CharField(
        label=_("Lead agency"),
        required=False,
        max_length=100,
        help_text=_("Its name, or part of it"),
    )
    overdue = forms.BooleanField(label=_("Overdue actions only"), required=False)
    my_overdue = forms.BooleanField(
        label=_("Only cases where your actions are overdue"), required=False
    )
    to_decide = forms.BooleanField(
        label=_("Only cases with an escalation waiting for your decision"), required=False
    )
    new_within = forms.IntegerField(
        label=_("New entries by others within (days)"), required=False, min_value=0, max_value=366
    )
    repeat = forms.BooleanField(label=_("Repeats only"), required=False)
    review_within = forms.IntegerField(
        label=_("Review due within (days)"), required=False, min_value=0, max_value=366
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        required=False,
        choices=[("", _("Any"))] + Case.ClosureReason.choices,
    )
    # From the dashboard: cases with overdue actions owned by this agency.
    action_agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(), required=False, widget=forms.HiddenInput
    )


class PersonFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Person.Gender.choices, initial=Person.Gender.UNKNOWN
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    school_or_employer = forms.CharField(
        label=_("School or employer"), max_length=200, required=False
    )
    is_minor = forms.BooleanField(label=_("The person is a minor"), required=False)


class CaseOpenForm(PersonFields):
    existing_person = forms.CharField(
        label=_("Existing person's code"),
        max_length=20,
        required=False,
        help_text=_(
            "If the person already has a case you can see, give their code (e.g. "
            "JD-0042) and leave the person's details empty."
        ),
    )
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.none())
    owner = UserChoiceField(label=_("Case owner"), queryset=case_team_users())
    categories = forms.ModelMultipleChoiceField(
        label=_("Concern categories"),
        queryset=ConcernCategory.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=Case.RiskLevel.choices, initial=Case.RiskLevel.MODERATE
    )
    legal_basis = forms.ChoiceField(
        label=_("Consent or legal basis"), choices=Case.LegalBasis.choices
    )
    person_informed = forms.BooleanField(label=_("The person is informed"), required=False)
    not_informed_reason = forms.CharField(
        label=_("If not, why not"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    field_order = ["existing_person"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].queryset = Agency.objects.filter(is_active=True)
        self.fields["owner"].queryset = case_team_users()

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("existing_person"):
            for name in ("first_name", "last_name"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Give the person's name, or an existing code."))
        born = data.get("date_of_birth")
        if born and born > timezone.localdate():
            self.add_error("date_of_birth", _("The date of birth is in the future."))
        if not data.get("person_informed") and not (data.get("not_informed_reason") or "").strip():
            self.add_error("not_informed_reason", _("Say why the person is not informed."))
        return data


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseEditForm(VersionedForm):
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=Case.RiskLevel.choices)
    categories = forms.ModelMultipleChoiceField(
        label=_("Concern categories"),
        queryset=ConcernCategory.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    lead_agency = forms.ModelChoiceField(label=_("Lead agency"), queryset=Agency.objects.all())
    owner = UserChoiceField(label=_("Case owner"), queryset=case_team_users())
    next_review_date = forms.DateField(label=_("Next review date"), required=False, widget=DATE)
    legal_basis = forms.ChoiceField(
        label=_("Consent or legal basis"), choices=Case.LegalBasis.choices
    )
    person_informed = forms.BooleanField(label=_("The person is informed"), required=False)
    not_informed_reason = forms.CharField(
        label=_("If not, why not"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, may_change_owner: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_team_users()
        if not may_change_owner:
            # A new owner or lead agency joins the team: shown, kept as saved (a disabled field
            # ignores what is posted), and refused by the service anyway.
            for name in ("owner", "lead_agency"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _(
                    "Only the case owner or a coordinator changes this: it changes who sees "
                    "the case."
                )

    @staticmethod
    def initial_for(case: Case) -> dict:
        return {
            "version": case.version,
            "risk_level": case.risk_level,
            "categories": list(case.categories.all()),
            "lead_agency": case.lead_agency_id,
            "owner": case.owner_id,
            "next_review_date": case.next_review_date,
            "legal_basis": case.legal_basis,
            "person_informed": case.person_informed,
            "not_informed_reason": case.not_informed_reason,
        }


class StatusChangeForm(VersionedForm):
    # Radios, none chosen: a wrong guess moves a case.
    to_status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    next_review_date = forms.DateField(
        label=_("Next review date"),
        required=False,
        widget=DATE,
        help_text=_("Required for active support."),
    )
    closure_reason = forms.ChoiceField(
        label=_("Closure reason"),
        required=False,
        choices=[("", "—")] + Case.ClosureReason.choices,
        help_text=_("Required when closing."),
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_TRANSITIONS[case.status]
        field = self.fields["to_status"]
        # Any other status passes the form, so that the service refuses a move outside the
        # table with its reason (a case changed meanwhile); only the possible ones are offered.
        field.choices = [(v, label) for v, label in Case.Status.choices if v != case.status]
        field.widget.choices = [(v, label) for v, label in Case.Status.choices if v in allowed]


def level_readers(level: int, agency) -> str:
    """Who reads an item at this level, in plain words (the rules of access.policy)."""
    readers = {
        Level.L1: _("L1 — anyone who may see the case, even cleared for its existence only"),
        Level.L2: _("L2 — the case team, under shared professional secrecy"),
        Level.L3: _("L3 — only %(agency)s on the case team, and the information officer"),
        Level.L4: _("L4 — police only: %(agency)s and the information officer"),
    }
    return str(readers[level]) % {"agency": agency}


class SafeLevelForm(forms.Form):
    """A form whose "level": each choice a radio saying who will read it, the writer's usual level
    chosen unless they choose another, and a wider level (more readers) saved only once they
    tick "Yes, share more widely": the form is refused once, with the reason."""

    def set_levels(self, user, *, lowest: int = Level.L1) -> None:
        agency = user.profile.agency if policy.role_of(user) else ""
        self.usual_level = policy.usual_level(user)
        self.fields["level"].choices = [
            (level, level_readers(level, agency))
            for level in policy.writable_levels(user)
            if level >= lowest
        ]
        self.fields["level"].initial = self.usual_level
        if self._wider_than_usual(self.data.get(self.add_prefix("level"))):
            self.fields["share_widely"] = forms.BooleanField(
                label=_("Yes, share more widely"), required=False
            )
            names = [name for name in self.fields if name != "share_widely"]
            self.order_fields(names[: names.index("level") + 1] + ["share_widely"])

    def _wider_than_usual(self, level) -> bool:
        try:
            return self.usual_level is not None and int(level) < self.usual_level
        except (TypeError, ValueError):
            return False

    def confirm_level(self, data: dict) -> dict:
        level = data.get("level")
        if self._wider_than_usual(level) and not data.pop("share_widely", False):
            self.add_error(
                "share_widely",
                _(
                    "You chose %(chosen)s, which more people read than your usual level "
                    "(%(usual)s). Tick “Yes, share more widely” to save it at this level, or "
                    "choose your usual level."
                )
                % {"chosen": f"L{level}", "usual": f"L{self.usual_level}"},
            )
        data.pop("share_widely", None)
        return data


class EntryForm(SafeLevelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ChronologyEntry.Kind.choices)
    occurred_at = WallClockDateTimeField(label=_("When it happened"))
    level = forms.TypedChoiceField(label=_("Who may read it"), coerce=int, widget=forms.RadioSelect)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea)
    attachment = forms.FileField(
        label=_("Document"),
        required=False,
        help_text=_("PDF, image, Word, OpenDocument or text; 10 MB at most."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_levels(user)

    def clean(self) -> dict:
        return self.confirm_level(super().clean())

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError(_("This is in the future. When did it happen?"))
        return value


class ChronologyFilterForm(forms.Form):
    """The chronology's filters on the case page (GET; no JavaScript needed). The agencies to
    choose from are set by the view, from the entries the reader sees."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + ChronologyEntry.Kind.choices
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any"))] + [(level, f"L{level}") for level in Level.values if level],
    )
    agency = forms.IntegerField(label=_("Agency"), required=False, min_value=1, widget=forms.Select)

    def set_agencies(self, agencies: list[tuple[int, str]]) -> None:
        self.fields["agency"].widget.choices = [("", _("Any"))] + agencies


class CorrectionForm(forms.Form):
    text = forms.CharField(label=_("Corrected text"), widget=forms.Textarea)


class AssessmentForm(SafeLevelForm):
    overall_judgement = forms.ChoiceField(
        label=_("Overall judgement"), choices=Assessment.Judgement.choices
    )
    what_changed = forms.CharField(
        label=_("What changed since the last version"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    level = forms.TypedChoiceField(label=_("Who may read it"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, user, indicators: list[Indicator], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        # An assessment is never L1: it is read under professional secrecy at least.
        self.set_levels(user, lowest=Level.L2)
        for indicator in indicators:
            self.fields[f"rating_{indicator.pk}"] = forms.TypedChoiceField(
                label=f"{indicator.get_domain_display()}: {indicator.name}",
                choices=AssessmentRating.Rating.choices,
                coerce=int,
                help_text=indicator.description,
            )
            self.fields[f"note_{indicator.pk}"] = forms.CharField(
                label=_("Note on %(indicator)s") % {"indicator": indicator.name},
                required=False,
                max_length=500,
            )

    def clean(self) -> dict:
        return self.confirm_level(super().clean())

    def ratings(self) -> dict[int, tuple[int, str]]:
        return {
            indicator.pk: (
                self.cleaned_data[f"rating_{indicator.pk}"],
                self.cleaned_data[f"note_{indicator.pk}"],
            )
            for indicator in self.indicators
        }


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = UserChoiceField(
        label=_("Owner"),
        queryset=case_team_users().none(),
        help_text=_("Someone on the case team; add a person to the team first if needed."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    consent = forms.ChoiceField(label=_("Consent"), choices=Action.Consent.choices)

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = case_team_members(case=case)


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    status_note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the action was not possible or not done."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    consent = forms.ChoiceField(label=_("Consent"), choices=Action.Consent.choices)


class EscalationForm(forms.Form):
    audience = forms.ChoiceField(label=_("Escalate to"), choices=Escalation.Audience.choices)
    summary = forms.CharField(
        label=_("Short text for them"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Write only what they need to decide; no more than the minimum."),
    )
    decision_requested = forms.CharField(
        label=_("Decision asked for"), widget=forms.Textarea(attrs={"rows": 2})
    )


class EscalationDecisionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, label) for s, label in Escalation.Status.choices if s != "raised"],
    )
    decision = forms.CharField(
        label=_("Decision taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class TeamUserForm(forms.Form):
    user = UserChoiceField(label=_("Person"), queryset=case_team_users())
    reason = forms.CharField(label=_("Why"), max_length=300)
    expires_on = forms.DateField(label=_("Until (optional)"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = case_team_users()

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        if value and value < timezone.localdate():
            raise ValidationError(_("The end date is in the past."))
        return value


class TeamAgencyForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.filter(is_active=True)
    )
    reason = forms.CharField(label=_("Why"), max_length=300)


class TeamRemoveForm(forms.Form):
    user = forms.IntegerField(required=False)
    agency = forms.IntegerField(required=False)
