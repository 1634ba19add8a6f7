"""core.forms.show_refusal: the one place a view turns a service's refusal into what the user
sees."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from core.forms import show_refusal


class NoteForm(forms.Form):
    text = forms.CharField()


@pytest.fixture
def request_with_messages():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _valid_form() -> NoteForm:
    form = NoteForm({"text": "Seen at school"})
    assert form.is_valid()
    return form


def test_it_puts_the_refusal_on_the_field_it_names_and_skips_the_rest(request_with_messages):
    form = _valid_form()
    reached = []
    with show_refusal(request_with_messages, form):
        raise ValidationError({"text": "Too late to change this."})
        reached.append(True)  # skipped: the service refused
    assert form.errors == {"text": ["Too late to change this."]}
    assert not reached
    assert list(get_messages(request_with_messages)) == []


def test_it_puts_a_refusal_without_a_field_above_the_form(request_with_messages):
    form = _valid_form()
    with show_refusal(request_with_messages, form):
        raise ValidationError("The case is closed.")
    assert form.non_field_errors() == ["The case is closed."]


def test_without_a_form_each_refusal_is_a_message(request_with_messages):
    with show_refusal(request_with_messages):
        raise ValidationError(["The minutes are final.", "Ask the chair."])
    shown = [(m.level_tag, m.message) for m in get_messages(request_with_messages)]
    assert shown == [("error", "The minutes are final."), ("error", "Ask the chair.")]


def test_the_block_runs_to_its_end_when_the_service_writes(request_with_messages):
    form = _valid_form()
    reached = []
    with show_refusal(request_with_messages, form):
        reached.append(True)
    assert reached == [True]
    assert form.errors == {}


def test_other_exceptions_pass_through(request_with_messages):
    with pytest.raises(PermissionDenied), show_refusal(request_with_messages, _valid_form()):
        raise PermissionDenied
