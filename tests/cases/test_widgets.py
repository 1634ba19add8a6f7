"""The case list's filter renders its long lists quickly, and exactly as Django would."""

import pytest
from django import forms

from cases.forms import CaseFilterForm
from cases.widgets import FastSelect

CHOICES = [
    ("", "Any"),
    (None, "Nothing"),
    (1, "Ann <Agency & Co>"),
    (2, 'Bob "B"'),
    ("Group", [(3, "Three"), (4, "Four")]),
    (1, "Ann again"),
]


@pytest.mark.parametrize("value", [None, "", 1, "2", 4, [1, 4]])
@pytest.mark.parametrize("attrs", [None, {"class": "wide", "required": True, "disabled": False}])
@pytest.mark.parametrize("multiple", [False, True])
def test_it_writes_the_same_html_as_djangos_select(value, attrs, multiple):
    plain = (forms.SelectMultiple if multiple else forms.Select)(choices=CHOICES)
    fast = FastSelect(choices=CHOICES)
    fast.allow_multiple_selected = multiple
    assert fast.render("owner", value, attrs) == plain.render("owner", value, attrs)


def test_the_case_filter_asks_the_owners_name_and_lists_agencies_as_before(db, coordinator):
    form = CaseFilterForm({"owner": "Pee", "agency": coordinator.profile.agency_id})
    assert form.is_valid(), form.errors
    # No option per case worker: a text box (bench/README.md).
    assert "<select" not in str(form["owner"]) and 'type="text"' in str(form["owner"])
    agencies = forms.Select(choices=form.fields["agency"].choices)
    assert str(form["agency"]) == agencies.render(
        "agency", coordinator.profile.agency_id, {"class": "govuk-select", "id": "id_agency"}
    )
