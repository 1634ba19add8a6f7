"""The case list's filter renders its long lists quickly, and exactly as Django would."""

import pytest
from django import forms

from cases.forms import CaseFilterForm, case_team_users
from cases.widgets import FastSelect
from core.forms import UserChoiceField

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


def test_the_case_filter_lists_owners_and_agencies_as_before(db, make_user, coordinator):
    worker = make_user(role="social_worker", first_name="Zoë", last_name="<Peeters>")
    make_user(role="police", first_name="", last_name="")
    form = CaseFilterForm({"owner": worker.pk, "agency": coordinator.profile.agency_id})
    assert form.is_valid(), form.errors
    before = UserChoiceField(queryset=case_team_users(), empty_label="Anyone", required=False)
    expected = forms.Select(choices=before.choices).render(
        "owner", worker.pk, {"class": "govuk-select", "id": "id_owner"}
    )
    assert str(form["owner"]) == expected
    assert "Zoë &lt;Peeters&gt; (" in expected and " selected>" in expected
    agencies = forms.Select(choices=form.fields["agency"].choices)
    assert str(form["agency"]) == agencies.render(
        "agency", coordinator.profile.agency_id, {"class": "govuk-select", "id": "id_agency"}
    )
