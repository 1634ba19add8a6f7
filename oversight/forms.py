from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Escalation


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]


class MayorDecisionForm(forms.Form):
    # Radios with none chosen: an empty submit is refused, never taken for a decision.
    status = forms.ChoiceField(
        label=_("What you record"),
        choices=[
            (Escalation.Status.DECIDED, _("Decided: record the decision taken")),
            (Escalation.Status.UNDER_REVIEW, _("Under review: no decision yet")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you record a decision or a review.")},
    )
    decision = forms.CharField(
        label=_("Decision taken"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, escalation: Escalation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.escalation = escalation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        status, decision = cleaned.get("status"), cleaned.get("decision", "").strip()
        if status == Escalation.Status.UNDER_REVIEW:
            if decision:
                self.add_error(
                    "decision",
                    _("A decision is recorded only with “Decided”: choose it, or clear the text."),
                )
            elif self.escalation.status == Escalation.Status.UNDER_REVIEW:
                self.add_error(
                    "status",
                    _("It is already under review: nothing would change. Record the decision."),
                )
        return cleaned


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
