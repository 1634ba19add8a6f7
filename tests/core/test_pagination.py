"""core.pagination: a list that may hold a whole city counts at most COUNT_CAP rows."""

import pytest
from django.urls import reverse

from cases import views as case_views
from cases.models import Case
from core.pagination import CappedPaginator
from tests.factories import make_case, make_person, make_user

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_cap_and_says_there_are_more():
    owner = make_user(role="social_worker")
    for _ in range(5):
        make_case(owner=owner)
    capped = CappedPaginator(Case.objects.all(), 2, cap=3)
    assert (capped.count, capped.capped, capped.num_pages) == (3, True, 2)
    exact = CappedPaginator(Case.objects.all(), 2, cap=5)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)
    assert CappedPaginator([1, 2, 3], 2, cap=1).count == 3  # a list is counted, never capped


def test_the_case_list_says_more_than_the_cap_without_counting_past_it(
    client, social_worker, monkeypatch
):
    for _ in range(4):
        make_case(owner=social_worker, person=make_person(last_name="Aerts"))
    client.force_login(social_worker)
    monkeypatch.setattr(case_views, "COUNT_CAP", 3)
    body = client.get(reverse("cases:list")).content.decode()
    assert "More than 3 cases: filter or search to narrow them down." in body
    monkeypatch.setattr(case_views, "COUNT_CAP", 4)
    body = client.get(reverse("cases:list")).content.decode()
    assert "More than" not in body and "4 cases" in body
    # A search stops sooner (SEARCH_COUNT_CAP).
    monkeypatch.setattr(case_views, "SEARCH_COUNT_CAP", 2)
    body = client.get(reverse("cases:list"), {"q": "aerts"}).content.decode()
    assert "More than 2 cases: filter or search to narrow them down." in body
