from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from core.forms import DATE
from privacy import selectors as privacy_selectors
from privacy.models import SharingAgreement
from releases import selectors


# The recipients are chosen by search on the page (releases/partials/recipient_picker.html);
# a form that renders itself shows only those already chosen, as hidden fields, never everyone.
class ReleaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary for the recipients"),
        max_length=20_000,
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
    agreement = forms.ModelChoiceField(
        label=_("Sharing agreement"),
        required=False,
        queryset=SharingAgreement.objects.none(),
        empty_label=_("The agreement in force that covers every recipient"),
        help_text=_(
            "Every release goes under a signed agreement in force whose parties include each "
            "recipient's agency."
        ),
        error_messages={"invalid_choice": _("That agreement is not in force today.")},
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DATE,
        help_text=_("Recipients read it until the end of that day."),
    )
    recipient_users = forms.ModelMultipleChoiceField(
        label=_("People"),
        required=False,
        queryset=Agency.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": _("One of the people cannot receive this release.")},
    )
    recipient_agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies"),
        required=False,
        queryset=Agency.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"invalid_choice": _("One of the agencies cannot receive this release.")},
    )

    DETAILS = ("title", "summary", "purpose", "legal_basis", "agreement", "expires_on")

    def __init__(self, *args, author, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["recipient_users"].queryset = selectors.release_recipient_candidates(
            author=author
        )
        self.fields["recipient_agencies"].queryset = selectors.release_recipient_agencies()
        self.fields["agreement"].queryset = privacy_selectors.agreements_in_force()

    def details(self) -> list:
        return [self[name] for name in self.DETAILS]


class ReleaseSearchForm(forms.Form):
    # A form field refuses NUL characters and bounds the length before the text reaches SQL.
    q = forms.CharField(label=_("Search title or case"), required=False, max_length=100)
    expiring = forms.IntegerField(required=False, min_value=0, max_value=366)


class UnreadForm(forms.Form):
    unread = forms.BooleanField(label=_("Only those you have not read yet"), required=False)


class RecipientSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search people and agencies"),
        required=False,
        max_length=100,
        help_text=_("A name, or an agency."),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why revoke"), widget=forms.Textarea(attrs={"rows": 3}))
