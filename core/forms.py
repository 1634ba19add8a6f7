"""Form helpers every app uses: GOV.UK Frontend's markup for every form (the renderer), the
date widgets, a date-and-time field read on the site's wall clock, the choice of people, and
showing a service's refusal where the user asked for the write."""

import datetime as dt
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core import validators
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorList
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.dates import FUTURE_TOLERANCE

# --- GOV.UK Frontend's form markup ---------------------------------------------------------
# Every form renders through templates/forms/: {{ form }} gives the error summary and each
# field as a govuk-form-group (label, hint, error message, control). The control's classes are
# added here, by widget kind, so no form declares them.

CONTROL_CLASSES = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


def control_kind(widget: forms.Widget) -> str:
    if isinstance(widget, GovukDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a RadioSelect, to Django
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return "hidden"
    return "input"


class GovukBoundField(BoundField):
    """A field as GOV.UK Frontend draws it: its control's class, the ids its hint and error
    message have, and, for radios, the fields each choice reveals (the form's
    `conditional_fields`: {field: {choice value: [field names]}})."""

    @property
    def kind(self) -> str:
        return control_kind(self.field.widget)

    @property
    def errors(self) -> ErrorList:
        """The field's errors, Django's generic ones ("This field is required.") put as GOV.UK
        words that name the field ("Enter the title"); a form's own messages are kept."""
        errors = super().errors
        if not errors:
            return errors
        named = [govuk_message(self, error) for error in errors.as_data()]
        return self.form.error_class(named, renderer=self.form.renderer)

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def described_by(self) -> str:
        ids = [self.hint_id] if self.help_text else []
        return " ".join([*ids, self.error_id] if self.errors else ids)

    @property
    def is_optional(self) -> bool:
        """Optional fields say so, as GOV.UK advises (most of ours are required); a single
        checkbox is optional by nature, and a label that says it already is left alone. In a
        form where every field is optional (filters, drafts) saying so of each is only noise."""
        if not any(field.required for field in self.form.fields.values()):
            return False
        return not (self.field.required or self.kind == "checkbox" or str(self.label).endswith(")"))

    @property
    def is_revealed(self) -> bool:
        """Drawn inside the radio choice that reveals it, not in the form's list of fields."""
        return self.name in revealed_field_names(self.form)

    @property
    def summary_target(self) -> str:
        """The id the error summary links to: the control itself, the first choice, the day."""
        if self.kind in ("radios", "checkboxes"):
            return f"{self.auto_id}_0"
        return self.id_for_label or self.auto_id

    @property
    def choices(self) -> list[dict]:
        """Radios or checkboxes, each with the fields it reveals when chosen."""
        reveals = getattr(self.form, "conditional_fields", {}).get(self.name, {})
        options = []
        for option in self.subwidgets:
            value = str(option.data["value"])
            revealed = [self.form[name] for name in reveals.get(value, ())]
            options.append(
                {
                    "option": option,
                    "value": value,
                    "id": option.id_for_label,
                    "checked": option.data["selected"],
                    "label": option.choice_label,
                    "revealed": revealed,
                    "conditional_id": f"conditional-{option.id_for_label}",
                }
            )
        return options

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        # GOV.UK's own messages replace the browser's: a form with required fields can be sent
        # empty, and comes back with its error summary.
        attrs.pop("required", None)
        widget = widget or self.field.widget
        css = CONTROL_CLASSES.get(control_kind(widget))
        if css:
            attrs["class"] = " ".join(filter(None, [css, str(attrs.get("class", ""))]))
        if self.errors and not self.use_fieldset:
            attrs["aria-describedby"] = self.described_by
        return attrs


# --- GOV.UK's error messages ----------------------------------------------------------------
# Django's generic messages ("This field is required.", "Enter a valid date.") do not say which
# field is wrong; GOV.UK's name it and say what to do. Every form gets them from its bound
# fields (the renderer's), so no form has to declare them; a form's own message is kept.

# A label's words, when they start one of these, need no "the" before them in English.
_NO_ARTICLE = {
    "a", "an", "the", "your", "what", "why", "who", "whom", "whose", "when", "where", "how",
    "which", "whether", "if", "at", "every", "each", "any", "some", "no",
}  # fmt: skip


def _label_in_sentence(label: str) -> str:
    """The label as it reads inside an English sentence ("Due date" -> "the due date"); in
    other languages it is left as it is, and their sentences quote it."""
    label = label.strip()
    optional = str(_("(optional)"))
    if label.endswith(optional):
        label = label[: -len(optional)].strip()
    if not (get_language() or "en").startswith("en") or not label:
        return label
    first = label.split()[0]
    if not (len(first) > 1 and first[:2].isupper()):
        label = label[0].lower() + label[1:]
    return label if first.lower() in _NO_ARTICLE else f"the {label}"


# By kind of control: what to say when nothing was given.
_REQUIRED = {
    "select": _("Choose %(label)s"),
    "radios": _("Choose %(label)s"),
    "checkboxes": _("Choose at least one of %(label)s"),
    "checkbox": _("Tick the box: %(label)s"),
    "file": _("Upload %(label)s"),
}
_INVALID_BY_FIELD: list[tuple[type[forms.Field], Promise]] = [
    (forms.DateTimeField, _("Enter a real date and time")),
    (forms.DateField, _("Enter a real date")),
    (forms.TimeField, _("Enter a real time, like 09:30")),
    (forms.IntegerField, _("Enter %(label)s as a whole number")),
    (forms.DecimalField, _("Enter %(label)s as a number")),
    (forms.FloatField, _("Enter %(label)s as a number")),
    (forms.EmailField, _("Enter an e-mail address in the right form, like name@example.be")),
    (forms.URLField, _("Enter a web address in the right form, like https://example.be")),
    (forms.FileField, _("Choose a file to upload")),
]
_BY_CODE = {
    "invalid_choice": _("Choose %(label)s from the choices given"),
    "invalid_pk_value": _("Choose %(label)s from the choices given"),
    "invalid_list": _("Choose %(label)s from the choices given"),
    "list": _("Choose %(label)s from the choices given"),
    "max_length": _("%(Label)s must be %(limit)s characters or fewer"),
    "min_length": _("%(Label)s must be %(limit)s characters or more"),
    "max_value": _("%(Label)s must be %(limit)s or less"),
    "min_value": _("%(Label)s must be %(limit)s or more"),
    "max_digits": _("%(Label)s must have at most %(limit)s digits"),
    "max_decimal_places": _("%(Label)s must have at most %(limit)s decimal places"),
    "empty": _("The chosen file is empty"),
    "missing": _("Choose a file to upload"),
    "invalid_image": _("Upload a picture (the file is not one, or is damaged)"),
    "contradiction": _("Either upload a file or remove the one there is, not both"),
    "incomplete": _("Enter %(label)s in full"),
    "overflow": _("Enter a real date"),
    "null_characters_not_allowed": _("Remove the invisible null characters from %(label)s"),
}


def generic_messages() -> set[str]:
    """Django's own field and validator messages, unformatted, in the active language: what is
    put into GOV.UK's words."""
    return _generic_messages(get_language() or "")


@functools.cache
def _generic_messages(language: str) -> set[str]:  # noqa: ARG001 - the cache's key
    texts: list[Any] = []
    for cls in vars(forms).values():
        if isinstance(cls, type) and issubclass(cls, forms.Field):
            for klass in cls.__mro__:
                texts += getattr(klass, "default_error_messages", {}).values()
    for validator in vars(validators).values():
        message = getattr(validator, "message", None)
        if isinstance(validator, type) and isinstance(message, Promise):
            texts.append(message)
    texts += validators.DecimalValidator.messages.values()
    return {str(text) for text in texts}


def govuk_message(bound: BoundField, error: ValidationError) -> ValidationError:
    """One error of a field in GOV.UK's words, if it is one of Django's generic ones."""
    return field_message(bound.field, str(bound.label or bound.name.replace("_", " ")), error)


def field_message(field: forms.Field, label: str, error: ValidationError) -> ValidationError:
    """An error of `field` (labelled `label`) in GOV.UK's words, if it is one of Django's."""
    if str(error.message) not in generic_messages():
        return error  # the form's or the service's own words
    code = error.code or ""
    text: Promise | None = None
    if code == "required":
        text = _REQUIRED.get(control_kind(field.widget), _("Enter %(label)s"))
    elif code in ("invalid", "invalid_date", "invalid_time"):
        text = next((t for cls, t in _INVALID_BY_FIELD if isinstance(field, cls)), None)
    if text is None:
        text = _BY_CODE.get(code)
    if text is None:
        return error
    label = _label_in_sentence(label)
    params = error.params or {}
    limit = params.get("limit_value", params.get("max", ""))
    return ValidationError(
        str(text) % {"label": label, "Label": label[:1].upper() + label[1:], "limit": limit},
        code=code,
    )


def revealed_field_names(form: forms.BaseForm) -> set[str]:
    return {
        name
        for by_value in getattr(form, "conditional_fields", {}).values()
        for names in by_value.values()
        for name in names
    }


class GovukFormRenderer(TemplatesSetting):
    """Form templates from the project's TEMPLATES (so templates/forms/ is found; Django's own
    widget templates come with "django.forms" in INSTALLED_APPS), with GOV.UK Frontend's form
    and field templates and bound field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = GovukBoundField


DATE_PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """A date as day, month and year boxes (GOV.UK's date input), which people type faster and
    more surely than in a calendar picker. A single ISO value (`name=2026-11-30`), as scripts,
    tests and older pages send it, is taken as well."""

    template_name = "forms/widgets/date_input.html"
    use_fieldset = True
    PARTS = (("day", _("Day"), 2), ("month", _("Month"), 2), ("year", _("Year"), 4))

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            name: forms.TextInput(
                attrs={
                    "class": f"govuk-input govuk-date-input__input govuk-input--width-{width}",
                    "inputmode": "numeric",
                    "autocomplete": "off",
                }
            )
            for name, _label, width in self.PARTS
        }
        super().__init__(widgets, attrs)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else ""  # the day box

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # The parts keep their own classes: the field's control class is not theirs.
        attrs = {key: val for key, val in (attrs or {}).items() if key != "class"}
        context = super().get_context(name, value, attrs)
        context["widget"]["parts"] = [
            {"label": label, "widget": sub}
            for (_name, label, _width), sub in zip(
                self.PARTS, context["widget"]["subwidgets"], strict=True
            )
        ]
        return context

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]

    def value_from_datadict(
        self,
        data: Any,
        files: Any,  # noqa: ARG002 (Django's widget API)
        name: str,
    ) -> Any:
        if name in data:
            return data.get(name)
        day, month, year = ((data.get(f"{name}_{part}") or "").strip() for part in DATE_PARTS)
        if not (day or month or year):
            return None
        # As typed: the field reads "2026-3-5" and refuses a year not of four digits, and what
        # it refuses is shown back unchanged.
        return f"{year}-{month}-{day}"

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:  # noqa: ARG002 (Django's widget API)
        return name not in data and all(
            f"{name}_{part}" not in data for part, _label, _width in self.PARTS
        )


class GovukDateTimeInput(GovukDateInput):
    """A date and time as day, month and year boxes and a time box ("9:30" or "09.30"); a
    single ISO value (`name=2026-11-30T09:30`) is taken as well."""

    PARTS = (*GovukDateInput.PARTS, ("time", _("Time"), 5))  # type: ignore[assignment]  # one part more
    NO_TIME = "?"

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, dt.datetime):
            return [str(value.day), str(value.month), str(value.year), f"{value:%H:%M}"]
        if isinstance(value, str) and value.count("-") == 2:
            date, _sep, time = value.replace("T", " ").partition(" ")
            return [*super().decompress(date), "" if time == self.NO_TIME else time[:5]]
        return [None, None, None, None]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        if name in data:
            return data.get(name)
        time = (data.get(f"{name}_time") or "").strip().replace(".", ":").replace("h", ":")
        date = super().value_from_datadict(data, files, name)
        if date is None and not time:
            return None
        hours, _sep, minutes = time.partition(":")
        if hours.isdigit() and minutes.isdigit():
            time = f"{int(hours):02d}:{int(minutes):02d}"
        # Without its time a date would pass as midnight: the field must refuse it.
        return f"{date or '--'} {time or self.NO_TIME}"


DATE = GovukDateInput()
DATETIME = GovukDateTimeInput()


class WallClockDateTimeField(forms.DateTimeField):
    """A date and time as read on a clock of the site's time zone. When the clocks go back,
    an hour happens twice: a time in it means the later one if that has already come (give or
    take FUTURE_TOLERANCE), else the earlier one. A time skipped when the clocks go forward is
    refused, as Django does."""

    widget = DATETIME

    def to_python(self, value: str | datetime | date | None) -> datetime | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            naive = (error.params or {}).get("datetime")
            if error.code != "ambiguous_timezone" or naive is None:
                raise
            zone = timezone.get_current_timezone()
            earlier, later = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
            if earlier.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
                raise  # skipped when the clocks went forward: it never happened here
            return later if later <= timezone.now() + FUTURE_TOLERANCE else earlier


class UserChoiceField(forms.ModelChoiceField):
    """A choice of one person, shown as "full name (agency)"."""

    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.profile.agency})"


class UsersChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several people, each shown as UserChoiceField shows one."""

    label_from_instance = UserChoiceField.label_from_instance


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@contextmanager
def show_refusal(request: HttpRequest, form: forms.Form | None = None) -> Iterator[None]:
    """Run a view's service call in this block. If the service refuses (raises ValidationError),
    the rest of the block is skipped and the refusal is shown where the user asked for the write:
    on the form (see apply_errors), or as messages on a page that has none; the view goes on after
    the block, usually to show the form again with what the user typed. Any other exception
    passes through."""
    try:
        yield
    except ValidationError as error:
        if form is None:
            for message in error.messages:
                messages.error(request, message)
        else:
            apply_errors(form, error)


class ListSearchForm(forms.Form):
    """The search box of a list (GET, partials/search_form.html): what it searches is said in
    its label; term() is what was typed, or "" for a form sent wrong."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["q"].label = label

    def term(self) -> str:
        return self.cleaned_data["q"].strip() if self.is_valid() else ""
