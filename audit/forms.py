from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from audit.models import ProcessingActivity
from core.forms import DATE


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("User"), required=False, queryset=get_user_model().objects.none()
    )
    object_type = forms.ModelChoiceField(
        label=_("Kind of object"), required=False, queryset=ContentType.objects.none()
    )
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=40)
    activity = forms.ModelChoiceField(
        label=_("Processing activity"),
        required=False,
        queryset=ProcessingActivity.objects.none(),
        to_field_name="code",
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = get_user_model().objects.order_by("username")
        self.fields["object_type"].queryset = ContentType.objects.order_by("app_label", "model")
        self.fields["activity"].queryset = ProcessingActivity.objects.order_by("code")

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end is before the start."))
        return data


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


class ProcessingActivityForm(forms.Form):
    """What the register says of one activity (GDPR art. 30(1)); the code only when a new one
    is registered."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Lower-case letters, digits and underscores; it never changes."),
    )
    name_en = forms.CharField(label=_("Name in English"), max_length=200)
    name_nl = forms.CharField(label=_("Name in Dutch"), max_length=200, required=False)
    name_fr = forms.CharField(label=_("Name in French"), max_length=200, required=False)
    purpose = _text(_("Purpose"))
    legal_basis = _text(
        _("Legal basis"), _("For example: GDPR art. 6(1)(e); LIVC-R law of 30 July 2018.")
    )
    data_subjects = _text(_("Categories of data subjects"))
    data_categories = _text(_("Categories of personal data"))
    recipients = _text(_("Recipients"))
    retention = _text(_("Retention"))
    security_measures = forms.CharField(
        label=_("Security measures"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, activity: ProcessingActivity | None = None, **kwargs) -> None:
        if activity is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(activity, name) for name in self.base_fields if name != "code"},
            )
        super().__init__(*args, **kwargs)
        if activity is not None:
            del self.fields["code"]
