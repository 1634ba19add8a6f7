from django import forms
from django.utils.translation import gettext_lazy as _


class RestrictionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the person contests the accuracy of the data (GDPR art. 18)."),
    )
