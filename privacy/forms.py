from django import forms
from django.utils.translation import gettext_lazy as _

from access import policy
from accounts.models import Agency, Level
from core.forms import DATE
from privacy import selectors
from privacy.models import LegalGateway, SharingAgreement, SharingDecision


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person contests the accuracy of the data (GDPR art. 18)."),
    )


class AgreementForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Protocol of cooperation to prevent violent radicalisation."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=SharingAgreement.Kind.choices, widget=forms.RadioSelect
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    gateways = forms.ModelMultipleChoiceField(
        label=_("Legal gateways"),
        queryset=LegalGateway.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    data_categories = forms.CharField(
        label=_("Categories of data"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: identity, concerns, support plan; no police intelligence."),
    )
    max_level = forms.TypedChoiceField(
        label=_("Highest level it allows"),
        coerce=int,
        choices=[(level.value, level.label) for level in Level if level >= Level.L1],
        widget=forms.RadioSelect,
    )
    retention = forms.CharField(
        label=_("Retention"),
        max_length=300,
        help_text=_("For example: five years after the case is closed."),
    )
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each agency that shares or receives under it. Each must sign."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    review_on = forms.DateField(label=_("Review on"), widget=DATE)
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty if it runs until ended."),
    )


class SignOffForm(forms.Form):
    signatory = forms.CharField(
        label=_("Signed for the agency by"),
        max_length=200,
        help_text=_("Name and function, as on the signed copy."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)


class AgreementEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=DATE,
        help_text=_("No new release or referral goes under it after this day."),
    )


def level_readers(level: int, agency: object) -> str:
    """Who reads a decision at this level, in plain words (as cases.forms says of an entry)."""
    readers = {
        Level.L2: _("L2 — the case team, under shared professional secrecy"),
        Level.L3: _("L3 — only %(agency)s on the case team, and the information officer"),
        Level.L4: _("L4 — police only: %(agency)s and the information officer"),
    }
    return str(readers[level]) % {"agency": agency}


class SharingDecisionForm(forms.Form):
    """A decision to share or not to share. Its level is the writer's usual one unless they
    choose another; a wider one (more readers) is saved only once they tick "Yes, share more
    widely", as for a chronology entry."""

    kind = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    information = forms.CharField(
        label=_("What information"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was asked for, shared or held back, without repeating it in full."),
    )
    recipient = forms.CharField(
        label=_("With whom, or asked by whom"),
        max_length=300,
        required=False,
        help_text=_("Needed when the information was shared or disclosed."),
    )
    gateway = forms.ModelChoiceField(
        label=_("Legal gateway"),
        queryset=LegalGateway.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    agreement = forms.ModelChoiceField(
        label=_("Sharing agreement"),
        queryset=SharingAgreement.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Only agreements in force today."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    level = forms.TypedChoiceField(label=_("Who may read it"), coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kinds = policy.sharing_decision_kinds(user)
        self.fields["kind"].choices = [
            (value, label) for value, label in SharingDecision.Kind.choices if value in kinds
        ]
        self.fields["gateway"].queryset = selectors.gateways_in_use()
        self.fields["agreement"].queryset = selectors.agreements_in_force()
        agency = user.profile.agency if policy.role_of(user) else ""
        self.usual_level = policy.usual_level(user)
        self.fields["level"].choices = [
            (level, level_readers(level, agency))
            for level in policy.writable_levels(user)
            if level >= Level.L2
        ]
        self.fields["level"].initial = self.usual_level
        if self._wider_than_usual(self.data.get("level")):
            # Added last, so right under the level (the last field).
            self.fields["share_widely"] = forms.BooleanField(
                label=_("Yes, share more widely"), required=False
            )

    def _wider_than_usual(self, level) -> bool:
        try:
            return self.usual_level is not None and int(level) < self.usual_level
        except (TypeError, ValueError):
            return False

    def clean(self) -> dict:
        data = super().clean() or {}
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


class LegalHoldForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        required=False,
        help_text=_("Suspends the destruction of this case."),
    )
    person_code = forms.CharField(
        label=_("Or a person's code"),
        max_length=20,
        required=False,
        help_text=_("Suspends the destruction of every case of this person."),
    )
    reason = forms.CharField(
        label=_("Why destruction is suspended"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: an inquest, a complaint, a court order; with its reference."),
    )


class LegalHoldLiftForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the hold is lifted"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
