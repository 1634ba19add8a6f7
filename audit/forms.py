from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from core.forms import DATE


class AuditFilterForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("User"), required=False, queryset=get_user_model().objects.none()
    )
    object_type = forms.ModelChoiceField(
        label=_("Kind of object"), required=False, queryset=ContentType.objects.none()
    )
    object_id = forms.CharField(label=_("Object number"), required=False, max_length=40)
    since = forms.DateField(label=_("From"), required=False, widget=DATE)
    until = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = get_user_model().objects.order_by("username")
        self.fields["object_type"].queryset = ContentType.objects.order_by("app_label", "model")

    def clean(self) -> dict:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end is before the start."))
        return data
