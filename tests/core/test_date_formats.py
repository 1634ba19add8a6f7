"""Dates in each language (issue 16): English as read in Belgium, day first and 24-hour
("30 Nov 2026, 09:30"), never "Nov. 30, 2026, 9:30 a.m."; Dutch and French 24-hour too."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

EVENING = datetime.datetime(2026, 11, 30, 21, 5)
MORNING = datetime.datetime(2026, 3, 5, 9, 30)


@pytest.mark.parametrize(
    ("language", "date", "evening", "morning", "short"),
    [
        ("en", "30 Nov 2026", "30 Nov 2026, 21:05", "5 Mar 2026, 09:30", "30/11/2026"),
        ("nl", "30 november 2026", "30 november 2026 21:05", "5 maart 2026 09:30", "30-11-2026"),
        ("fr", "30 novembre 2026", "30 novembre 2026 21:05", "5 mars 2026 09:30", "30/11/2026"),
    ],
)
def test_a_template_renders_dates_in_the_languages_format(
    compiled, language, date, evening, morning, short
):
    template = Template(
        "{{ day }}|{{ evening }}|{{ morning }}|{{ day|date:'SHORT_DATE_FORMAT' }}|"
        "{{ morning|time }}"
    )
    with translation.override(language):
        rendered = template.render(
            Context({"day": EVENING.date(), "evening": EVENING, "morning": MORNING})
        )
    assert rendered.split("|") == [date, evening, morning, short, "09:30"]


def test_an_english_date_typed_day_first_is_read_day_first():
    field = forms.DateField()
    with translation.override("en"):
        assert field.clean("05/03/2026") == datetime.date(2026, 3, 5)
        assert field.clean("2026-03-05") == datetime.date(2026, 3, 5)
        with pytest.raises(forms.ValidationError):
            field.clean("03/25/2026")  # the American month first is not a date here
