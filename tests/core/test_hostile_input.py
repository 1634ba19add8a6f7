"""Hostile input is refused as a bad request or a form error, never a server error: NUL bytes
and over-long values in the address (core.middleware.RequestSanityMiddleware), ids beyond
64 bits in multiple choices and dates of year 1 or 9999 in any form (core.hardening)."""

import pytest
from django import forms
from django.urls import reverse

from accounts.models import Agency
from core.hardening import DATE_RANGE
from tests.factories import AgencyFactory, make_case

BIGGER = 2**64


@pytest.mark.parametrize(
    "path",
    [
        "/cases/MSC%00-1/",
        "/audit/persons/A%00B/",
        "/releases/manage/?q=a%00b",
        "/audit/log/?object_id=%00",
        "/releases/manage/?q=" + "x" * 100_000,
        "/cases/" + "x" * 5000 + "/",
    ],
)
def test_a_nul_byte_or_an_over_long_value_in_the_address_is_a_bad_request(
    client, info_officer, path
):
    client.force_login(info_officer)
    assert client.get(path).status_code == 400
    assert client.post(path).status_code == 400


def test_a_search_of_ordinary_length_still_reaches_the_page(client, info_officer):
    client.force_login(info_officer)
    assert client.get(reverse("releases:manage"), {"q": "y" * 1000}).status_code == 200


def test_a_multiple_choice_of_an_id_beyond_64_bits_is_a_form_error(db):
    agency = AgencyFactory()

    class Choose(forms.Form):
        agencies = forms.ModelMultipleChoiceField(queryset=Agency.objects.all())

    for value in (2**63, BIGGER, -(2**63) - 1):
        form = Choose({"agencies": [str(agency.pk), str(value)]})
        assert not form.is_valid()
        assert "agencies" in form.errors
    assert Choose({"agencies": [str(agency.pk)]}).is_valid()


def test_an_in_lookup_with_ids_beyond_64_bits_matches_only_the_real_ones(db):
    agency = AgencyFactory()
    assert list(Agency.objects.filter(pk__in=[BIGGER, agency.pk])) == [agency]
    assert list(Agency.objects.filter(pk__in=[BIGGER])) == []
    assert not Agency.objects.exclude(pk__in=[BIGGER, agency.pk]).filter(pk=agency.pk).exists()


@pytest.mark.parametrize("field", [forms.DateField, forms.DateTimeField])
def test_every_date_field_refuses_dates_outside_the_range(field):
    first, last = DATE_RANGE
    for value in ("0001-01-01", "1899-12-31", "9999-12-31", "2200-01-01"):
        with pytest.raises(forms.ValidationError, match="Enter a date between"):
            field().clean(value)
    assert field().clean(first.isoformat())
    assert field().clean(last.isoformat())
    assert field(required=False).clean("") is None


def test_the_audit_log_filter_of_year_one_is_a_form_error(client, info_officer):
    client.force_login(info_officer)
    response = client.get(reverse("audit:log"), {"since": "0001-01-01", "until": "0001-01-02"})
    assert response.status_code == 200
    assert "since" in response.context["form"].errors


def test_a_case_edit_with_categories_beyond_64_bits_is_refused_and_changes_nothing(
    client, social_worker
):
    case = make_case(owner=social_worker)
    before = (case.version, case.lead_agency_id, list(case.categories.all()))
    client.force_login(social_worker)
    response = client.post(
        reverse("cases:edit", args=[case.reference]),
        {"version": case.version, "categories": [str(BIGGER)], "lead_agency": case.lead_agency_id},
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.version, case.lead_agency_id, list(case.categories.all())) == before
