"""core.counts: several counts in one query give what `.count()` gives for each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Agency
from cases.models import Case, ChronologyEntry
from core.counts import count_together
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db


def test_each_count_is_the_querysets_own_in_one_query():
    owner = make_user(role="social_worker")
    for _ in range(3):
        make_case(owner=owner)
    querysets = {
        "all cases": Case.objects.all(),
        "filtered": Case.objects.filter(pk__in=Case.objects.order_by("pk").values("pk")[:2]),
        # A join that repeats rows: counted as `.count()` counts it.
        "joined": Agency.objects.filter(led_cases__isnull=False),
        "distinct": Agency.objects.filter(led_cases__isnull=False).distinct(),
        "nothing": Case.objects.none(),
        "none match": ChronologyEntry.objects.filter(pk=-1),
    }
    expected = {name: queryset.count() for name, queryset in querysets.items()}
    assert expected["all cases"] == 3
    with CaptureQueriesContext(connection) as queries:
        counts = count_together(querysets)
    assert counts == expected
    assert list(counts) == list(querysets)
    assert len(queries) == 1


def test_nothing_asked_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert count_together({}) == {}
        assert count_together({"nothing": Case.objects.none()}) == {"nothing": 0}
    assert len(queries) == 0
