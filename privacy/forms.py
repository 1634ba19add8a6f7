from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Level
from core.forms import DATE
from privacy.models import LegalGateway, SharingAgreement


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
