from django import forms
from django.utils.translation import gettext_lazy as _

from access import selectors
from accounts.models import Agency
from core.forms import DATE


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


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Why revoke"), widget=forms.Textarea(attrs={"rows": 3}))


class AccessRequestForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"), max_length=20, help_text=_("For example MSC-2026-0042.")
    )
    reason = forms.CharField(
        label=_("Why you need access"), widget=forms.Textarea(attrs={"rows": 4})
    )


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    until = forms.DateField(label=_("Access until (optional)"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, may_approve: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_approve:
            # Only the choices that are possible now (access.policy.may_approve_access_request).
            self.fields["decision"].choices = [("refuse", _("Refuse"))]
            del self.fields["until"]
