import uuid

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from access import policy
from accounts.models import Agency
from cases import selectors as case_selectors
from cases.forms import case_team_users
from cases.models import Case, Indicator, Person
from core.forms import DATE, UserChoiceField
from referrals.models import OutboundReferral, Referral, Screening
from referrals.services import OUTBOUND_ANSWERS, REFERRAL_FIELDS

TOKEN_SALT = "referrals.form-token"
ROWS = {"rows": 4}


# --- The form token --------------------------------------------------------------------------
# Each referral form carries a token: the referral's idempotency key, signed together with the
# account it was opened for, so text kept over a session timeout goes back to that account only.


def sign_token(user, token: uuid.UUID) -> str:
    return signing.dumps({"user": user.pk, "token": str(token)}, salt=TOKEN_SALT)


def read_token(value: str) -> tuple[int, uuid.UUID] | None:
    try:
        payload = signing.loads(value, salt=TOKEN_SALT)
        return int(payload["user"]), uuid.UUID(payload["token"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.get_domain_display()}: {obj.name}"


# Bases that do not rest on consent: the only ones that make sense when there is none.
NO_CONSENT_BASES = [
    (value, label)
    for value, label in Case.LegalBasis.choices
    if value not in (Case.LegalBasis.CONSENT, Case.LegalBasis.PARENTAL_CONSENT)
]


class ReferralForm(forms.Form):
    """Every field is optional here so a draft can be saved at any point; what a referral needs
    before it is sent is checked by services.referral_save."""

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=Person.Gender.choices, initial=Person.Gender.UNKNOWN
    )
    is_minor = forms.BooleanField(label=_("The person is a minor (under 18)"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    school_or_employer = forms.CharField(
        label=_("School or employer"), max_length=200, required=False
    )
    concern = forms.CharField(
        label=_("Your concern, in your own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What did you see or hear, when, and what worries you about it?"),
    )
    indicators = IndicatorChoiceField(
        label=_("What you noticed"),
        required=False,
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what applies. Leave empty what you do not know."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Referral.Urgency.choices,
        initial=Referral.Urgency.ROUTINE,
        help_text=_("If someone is in danger now, call the emergency number (112) first."),
    )
    request = forms.CharField(
        label=_("What you ask the case conference for"),
        required=False,
        widget=forms.Textarea(attrs=ROWS),
    )
    other_agencies = forms.CharField(
        label=_("Other agencies involved"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Who else works with the person or the family?"),
    )
    person_aware = forms.BooleanField(
        label=_("The person knows about this referral"), required=False
    )
    consent = forms.ChoiceField(
        label=_("Did the person agree to this referral?"),
        required=False,
        choices=[("", "—")] + Referral.Consent.choices,
    )
    no_consent_reason = forms.CharField(
        label=_("If not, why not"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    legal_basis = forms.ChoiceField(
        label=_("If not, on what legal basis do you refer"),
        required=False,
        choices=[("", "—")] + NO_CONSENT_BASES,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = case_selectors.active_indicators()

    def clean_token(self) -> tuple[int, uuid.UUID] | None:
        token = read_token(self.cleaned_data["token"])
        if token is None:
            # Above the form: the partial shows no errors of hidden fields.
            self.add_error(None, _("This form has expired. Copy your text and reload the page."))
        return token

    @staticmethod
    def initial_for(referral: Referral, user) -> dict:
        initial = {name: getattr(referral, name) for name in REFERRAL_FIELDS}
        initial["indicators"] = list(referral.indicators.all())
        initial["token"] = sign_token(user, referral.form_token)
        return initial

    def referral_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in REFERRAL_FIELDS}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class MyReferralsForm(SearchForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any"))] + list(Referral.Status.choices),
    )


class ScreeningFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name or number"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("Being screened")), ("all", _("All"))]
        + [(value, label) for value, label in Referral.Status.choices if value != "draft"],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 6}))


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        born = f", {obj.date_of_birth:%d/%m/%Y}" if obj.date_of_birth else ""
        return f"{obj.code} · {obj.first_name} {obj.last_name}{born}"


class CaseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Case) -> str:
        return f"{obj.reference} · {obj.person.code} · {obj.get_status_display()}"


class ScreeningForm(forms.Form):
    # Each outcome shows only its own fields, under its radio (core.forms.GovukBoundField).
    conditional_fields = {
        "outcome": {
            Screening.Outcome.MORE_INFORMATION: ["question"],
            Screening.Outcome.SIGNPOSTED: ["signposted_to"],
            Screening.Outcome.ACCEPTED: ["acceptance", "owner", "lead_agency", "risk_level"],
        },
        "acceptance": {
            Screening.Acceptance.EXISTING_PERSON: ["person"],
            Screening.Acceptance.EXISTING_CASE: ["case"],
        },
    }

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Screening.Outcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs=ROWS),
        help_text=_("For the record; the referrer does not see them."),
    )
    question = forms.CharField(
        label=_("Question to the referrer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For “more information needed”. The referrer sees this question."),
    )
    signposted_to = forms.CharField(
        label=_("Signposted to"),
        required=False,
        max_length=200,
        help_text=_("For “signposted”: the service. The referrer sees it."),
    )
    note_to_referrer = forms.CharField(
        label=_("Note to the referrer (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Plain words, nothing about the person's case."),
    )
    acceptance = forms.ChoiceField(
        label=_("Accepted as"),
        required=False,
        choices=Screening.Acceptance.choices,
        widget=forms.RadioSelect,
        help_text=_("For “accepted”."),
    )
    person = PersonChoiceField(
        label=_("The known person"),
        required=False,
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("For a new case for a person already known: one of the matches you can see."),
    )
    case = CaseChoiceField(
        label=_("The existing case"),
        required=False,
        queryset=Case.objects.none(),
        help_text=_("For linking to an existing case: an open case of a match you can see."),
    )
    owner = UserChoiceField(
        label=_("Owner of the new case"), required=False, queryset=case_team_users()
    )
    lead_agency = forms.ModelChoiceField(
        label=_("Lead agency of the new case"), required=False, queryset=Agency.objects.none()
    )
    risk_level = forms.ChoiceField(
        label=_("Risk level of the new case"),
        choices=Case.RiskLevel.choices,
        initial=Case.RiskLevel.MODERATE,
    )

    def __init__(self, *args, persons, cases, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["case"].queryset = cases
        self.fields["owner"].queryset = case_team_users()
        self.fields["lead_agency"].queryset = Agency.objects.filter(is_active=True)


def provider_choices():
    return Agency.objects.filter(is_active=True)


class OutboundForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=OutboundReferral.Service.choices)
    provider = forms.ModelChoiceField(label=_("Provider agency"), queryset=Agency.objects.none())
    person_details = forms.CharField(
        label=_("Who the person is, for the provider"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only what the provider needs to find and approach the person. The provider sees "
            "this text and nothing else of the case."
        ),
    )
    request = forms.CharField(label=_("What you ask"), widget=forms.Textarea(attrs=ROWS))
    consent = forms.ChoiceField(label=_("Consent"), choices=OutboundReferral.Consent.choices)
    override_reason = forms.CharField(
        label=_("Why it is sent without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = provider_choices()
        if not policy.may_override_outbound_consent(user):
            self.fields["consent"].choices = [
                choice
                for choice in OutboundReferral.Consent.choices
                if choice[0] != OutboundReferral.Consent.OVERRIDDEN
            ]
            del self.fields["override_reason"]


class OutboundAnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Your answer"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline: say why."),
    )

    def __init__(self, *args, outbound: OutboundReferral, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        allowed = OUTBOUND_ANSWERS.get(outbound.status, frozenset())
        self.fields["status"].choices = [
            (value, label) for value, label in OutboundReferral.Status.choices if value in allowed
        ]


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class PrisonReleaseEditForm(forms.Form):
    institution = forms.CharField(label=_("Prison"), max_length=200)
    expected_release_date = forms.DateField(label=_("Expected release date"), widget=DATE)
    conditions = forms.CharField(
        label=_("Release conditions"), required=False, widget=forms.Textarea(attrs=ROWS)
    )


class PrisonReleaseStartForm(PrisonReleaseEditForm, OutboundForm):
    outreach_worker = UserChoiceField(
        label=_("Outreach worker"),
        queryset=case_team_users(),
        help_text=_("Owns the outreach tasks; added to the case team if needed."),
    )

    field_order = [
        "institution",
        "expected_release_date",
        "conditions",
        "outreach_worker",
        "provider",
        "person_details",
        "request",
        "consent",
        "override_reason",
    ]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        del self.fields["service"]
        self.fields["outreach_worker"].queryset = case_team_users()
        self.fields["provider"].label = _("Prison outreach programme (provider agency)")
