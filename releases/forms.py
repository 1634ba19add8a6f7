from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from core.forms import DATE
from releases import selectors


class RecipientChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.profile.agency}, {obj.profile.get_role_display()})"


class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary for the recipients"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write it for them, in your own words. Do not paste entries. Nothing here "
            "links to the case."
        ),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("For example: to plan outreach after release from prison."),
    )
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE)
    recipient_users = RecipientChoiceField(
        label=_("People"),
        required=False,
        queryset=selectors.release_recipients_choices(),
        widget=forms.CheckboxSelectMultiple,
    )
    recipient_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies"),
        required=False,
        queryset=Agency.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_users"].queryset = selectors.release_recipients_choices()
        self.fields["recipient_agencies"].queryset = Agency.objects.filter(is_active=True)


class ReleaseSearchForm(forms.Form):
    # A form field refuses NUL characters and bounds the length before the text reaches SQL.
    q = forms.CharField(label=_("Search title or case"), required=False, max_length=100)
    expiring = forms.IntegerField(required=False, min_value=0, max_value=366)


class UnreadForm(forms.Form):
    unread = forms.BooleanField(label=_("Only those you have not read yet"), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why revoke"), widget=forms.Textarea(attrs={"rows": 3}))
