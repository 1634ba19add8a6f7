"""Forms in GOV.UK Frontend's markup (core/forms.py, templates/forms/): the date boxes, the
error summary, "Error:" in the title, optional fields and conditional reveal."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django import forms
from django.template import Context, Template
from django.urls import reverse

from core.forms import DATE, WallClockDateTimeField


class Example(forms.Form):
    conditional_fields = {"contact": {"phone": ["number"]}}

    name = forms.CharField(label="Name")
    born = forms.DateField(label="Date of birth", widget=DATE)
    note = forms.CharField(label="Note", required=False, help_text="Anything else")
    contact = forms.ChoiceField(
        label="Contact by", choices=[("mail", "Mail"), ("phone", "Phone")], widget=forms.RadioSelect
    )
    number = forms.CharField(label="Phone number", required=False)


def test_a_date_is_read_from_its_day_month_and_year_boxes():
    form = Example({"name": "A", "born_day": "7", "born_month": "3", "born_year": "2001"})
    form.is_valid()
    assert form.cleaned_data["born"] == dt.date(2001, 3, 7)


def test_a_single_iso_value_is_still_taken():
    form = Example({"name": "A", "born": "2001-03-07"})
    form.is_valid()
    assert form.cleaned_data["born"] == dt.date(2001, 3, 7)


def test_an_impossible_date_is_refused_and_shown_back_as_typed():
    form = Example({"name": "A", "born_day": "31", "born_month": "2", "born_year": "2001"})
    assert not form.is_valid() and "born" in form.errors
    html = str(form)
    assert 'name="born_day" value="31"' in html and 'name="born_year" value="2001"' in html
    two_digit_year = Example({"born_day": "1", "born_month": "2", "born_year": "01"})
    assert "born" in two_digit_year.errors


def test_the_error_summary_links_to_each_field_in_order():
    form = Example({"born_day": "x"})
    form.add_error(None, "Something above the form")
    html = str(form)
    summary = html[html.index("govuk-error-summary") : html.index("govuk-form-group")]
    assert 'data-module="govuk-error-summary"' in html
    assert summary.index("Something above the form") < summary.index('href="#id_name"')
    assert summary.index('href="#id_name"') < summary.index('href="#id_born_0"')
    assert 'href="#id_contact_0"' in summary
    assert re.search(r'<p id="id_name-error" class="govuk-error-message">\s*<span', html)
    assert 'aria-describedby="id_name-error"' in html


def test_optional_fields_say_so_and_required_ones_do_not():
    html = str(Example())
    assert re.search(r">Note \(optional\)</label>", html)
    assert re.search(r">Name</label>", html)
    assert 'aria-describedby="id_note_helptext"' in html
    assert " required" not in html, "the browser's check would hide GOV.UK's messages"


def test_a_choice_reveals_only_its_own_fields():
    html = str(Example())
    assert 'data-aria-controls="conditional-id_contact_1"' in html
    assert html.count('name="number"') == 1
    reveal = html[html.index('id="conditional-id_contact_1"') :]
    assert reveal.index('name="number"') < reveal.index("</fieldset>")


def render_title(**context) -> str:
    return Template("{% load govuk %}{% error_title_prefix %}Page").render(Context(context))


def test_the_title_says_error_only_when_a_form_was_sent_back():
    assert render_title(form=Example()) == "Page"
    assert render_title(form=Example({"name": "A", "born": "2001-01-01", "contact": "mail"})) == (
        "Page"
    )
    assert render_title(other_form=Example({})) == "Error: Page"


def test_a_page_with_errors_says_so_in_its_title(client, social_worker):
    client.force_login(social_worker)
    body = client.post(reverse("cases:open"), {"first_name": ""}).content.decode()
    assert re.search(r"<title>Error: ", body)
    assert 'class="govuk-error-summary"' in body


class Meeting(forms.Form):
    starts_at = WallClockDateTimeField(label="Starts at")


def test_a_date_and_time_is_read_from_its_boxes_or_one_iso_value(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    zone = ZoneInfo("Europe/Brussels")
    expected = dt.datetime(2026, 3, 5, 9, 30, tzinfo=zone)
    for data in (
        {
            "starts_at_day": "5",
            "starts_at_month": "3",
            "starts_at_year": "2026",
            "starts_at_time": "9.30",
        },
        {"starts_at": "2026-03-05T09:30"},
    ):
        form = Meeting(data)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["starts_at"] == expected


def test_a_date_and_time_without_its_time_is_refused_and_kept():
    form = Meeting({"starts_at_day": "5", "starts_at_month": "3", "starts_at_year": "2026"})
    assert not form.is_valid()
    assert 'name="starts_at_day" value="5"' in str(form)
