from django import forms
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


class MayorMeetingRequestForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=20)
    summary = forms.CharField(
        label=_("Short text for the mayor"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only what the mayor needs to decide: no names, no police information."),
    )
    decision_requested = forms.CharField(
        label=_("What you ask of the mayor"), widget=forms.Textarea(attrs={"rows": 2})
    )
