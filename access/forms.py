from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DATE


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
