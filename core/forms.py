"""Form helpers every app uses: the date widgets, a date-and-time field read on the site's
wall clock, the choice of people, and showing a service's refusal where the user asked for the
write."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from core.dates import FUTURE_TOLERANCE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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
