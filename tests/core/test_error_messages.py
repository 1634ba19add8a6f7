"""Error messages in GOV.UK's words, for every form (core/forms.py, GovukBoundField): each names
the field and says what to do; none of Django's generic ones ("This field is required.", "Enter
a valid date.") reaches a person, in any language."""

import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from core.forms import DATE, field_message, generic_messages

APPS = ["access", "accounts", "audit", "cases", "conferences", "oversight", "privacy"]
APPS += ["referrals", "releases"]


def every_field():
    """(form.field, field) for every field of every form class of the project."""
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for name, cls in vars(module).items():
            ours = inspect.isclass(cls) and cls.__module__ == module.__name__
            if ours and issubclass(cls, forms.BaseForm):
                for field_name, field in cls.base_fields.items():
                    yield f"{app}.{name}.{field_name}", field_name, field


def every_error(field):
    """The errors Django's field and its validators can raise, unformatted, with their codes."""
    for code, message in field.error_messages.items():
        yield ValidationError(message, code=code, params={"limit_value": 3, "max": 3})
    for validator in field.validators:
        message = getattr(validator, "message", None)
        if message is not None:
            yield ValidationError(message, code=validator.code, params={"limit_value": 3})


@pytest.mark.parametrize("language", ["en", "nl", "fr"])
def test_no_field_of_any_form_falls_back_to_a_generic_message(language, compiled):
    generic_seen = []
    with translation.override(language):
        generic = generic_messages()
        for where, name, field in every_field():
            label = str(field.label or name)
            for error in every_error(field):
                text = str(field_message(field, label, error).message)
                if str(error.message) in generic and (text in generic or text == error.message):
                    generic_seen.append(f"{where} [{error.code}]: {text}")
    assert generic_seen == []


class Example(forms.Form):
    title = forms.CharField(label="Title", max_length=5)
    due = forms.DateField(label="Due date", widget=DATE)
    level = forms.ChoiceField(label="Level", choices=[("1", "One")], widget=forms.RadioSelect)
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    what = forms.CharField(label="What happened", widget=forms.Textarea)
    days = forms.IntegerField(label="Days", min_value=1)
    own = forms.CharField(label="Own", error_messages={"required": "Write your own words."})


def rendered_errors(data, language="en") -> dict[str, list[str]]:
    with translation.override(language):
        form = Example(data)
        form.is_valid()
        return {field.name: [str(e) for e in field.errors] for field in form}


def test_an_empty_form_names_each_field():
    errors = rendered_errors({})
    assert errors["title"] == ["Enter the title"]
    assert errors["due"] == ["Enter the due date"]
    assert errors["level"] == ["Choose the level"]
    assert errors["kinds"] == ["Choose at least one of the kinds"]
    assert errors["what"] == ["Enter what happened"]
    assert errors["own"] == ["Write your own words."]


def test_wrong_values_say_what_is_expected():
    errors = rendered_errors(
        {"title": "too long", "due_day": "31", "due_month": "2", "due_year": "2026",
         "level": "9", "days": "0"}
    )  # fmt: skip
    assert errors["title"] == ["The title must be 5 characters or fewer"]
    assert errors["due"] == ["Enter a real date"]
    assert errors["level"] == ["Choose the level from the choices given"]
    assert errors["days"] == ["The days must be 1 or more"]
    assert rendered_errors({"days": "x"})["days"] == ["Enter the days as a whole number"]


def test_the_words_are_dutch_and_french_for_those_readers(compiled):
    nl = rendered_errors({"due_day": "31", "due_month": "2", "due_year": "2026"}, "nl")
    assert nl["title"] == ["Vul ‘Title’ in"] and nl["due"] == ["Vul een bestaande datum in"]
    fr = rendered_errors({}, "fr")
    assert fr["level"] == ["Choisissez « Level »"]


def test_the_error_summary_shows_the_named_messages():
    html = str(Example({}))
    summary = html[html.index("govuk-error-summary") : html.index("govuk-form-group")]
    assert 'href="#id_title">Enter the title</a>' in summary
    assert "This field is required" not in html
