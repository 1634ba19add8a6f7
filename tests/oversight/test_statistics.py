"""Statistics on a fixed data set, checked against counts worked out by hand."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Role
from oversight import statistics
from oversight.statistics import Row, suppress
from tests.factories import AgencyFactory, make_referral, make_user

pytestmark = pytest.mark.clock

FEWER = "fewer than 5"


@pytest.fixture
def referrals(db):
    """11 referrals this year: 7 from a school, 3 from youth work, 1 from the police;
    6 about men and 5 about women; all born in 2001."""
    school = make_user(role=Role.PARTNER, agency=AgencyFactory(kind=Agency.Kind.SCHOOL))
    youth = make_user(role=Role.YOUTH_WORKER)
    police = make_user(role=Role.POLICE)
    made = []
    for referrer, n in ((school, 7), (youth, 3), (police, 1)):
        for _ in range(n):
            gender = "male" if len(made) < 6 else "female"
            made.append(make_referral(referrer=referrer, gender=gender))
    return made


def table(tables, key):
    return {row.label: row.shown for row in next(t for t in tables if t.key == key).rows}


def test_referrals_by_sector_gender_age_and_month_match_the_hand_count(referrals):
    tables = statistics.yearly(timezone.localdate().year)
    sector = table(tables, "sector")
    assert sector["School"] == "7"
    assert sector["Youth work"] == FEWER and sector["Police"] == FEWER
    assert sector["Prison"] == FEWER  # zero is a small count too
    gender = table(tables, "gender")
    assert (gender["Male"], gender["Female"], gender["Other"]) == ("6", "5", FEWER)
    age = table(tables, "age")
    assert age["25–34"] == "11" and age["18–24"] == FEWER
    month = table(tables, "month")
    this_month = statistics._month_name(timezone.localdate().month)
    assert month[this_month] == "11"
    totals = {t.key: t.total.shown for t in tables}
    assert totals["sector"] == totals["gender"] == "11"


def test_a_draft_is_not_counted(referrals, partner):
    make_referral(referrer=partner, submit=False)
    tables = statistics.yearly(timezone.localdate().year)
    assert next(t for t in tables if t.key == "sector").total.count == 11


def test_another_year_is_empty_and_fully_suppressed(referrals):
    tables = statistics.yearly(timezone.localdate().year - 1)
    assert all(row.shown == FEWER for t in tables for row in [*t.rows, t.total])


def test_one_hidden_count_hides_the_next_smallest_so_the_total_does_not_give_it_away():
    rows = suppress([Row("a", 10), Row("b", 7), Row("c", 3)])
    assert [r.shown for r in rows] == ["10", FEWER, FEWER]
    rows = suppress([Row("a", 10), Row("b", 7), Row("c", 3), Row("d", 2)])
    assert [r.shown for r in rows] == ["10", "7", FEWER, FEWER]


def test_the_csv_suppresses_exactly_as_the_page(client, referrals, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("oversight:statistics_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    counts = [r[2] for r in rows[1:]]
    assert set(counts) <= {FEWER, "5", "6", "7", "11"} | {str(n) for n in range(5, 100)}
    assert not any(c in {"1", "2", "3", "4"} for c in counts)
    assert ["Referrals by source sector", "School", "7"] in rows
    assert ["Referrals by source sector", "Youth work", FEWER] in rows


def test_the_statistics_take_the_same_few_queries_whatever_the_data(db, partner):
    year = timezone.localdate().year
    make_referral(referrer=partner)
    with CaptureQueriesContext(connection) as few:
        statistics.yearly(year)
    for _ in range(12):
        make_referral(referrer=partner)
    with CaptureQueriesContext(connection) as many:
        statistics.yearly(year)
    assert len(many) == len(few) <= 10


def test_only_the_mayors_office_and_the_coordinator_see_statistics(client, db):
    for role in Role.values:
        client.force_login(make_user(role=role))
        expected = 200 if role in ("mayor_office", "coordinator") else 404
        for name in ("oversight:statistics", "oversight:statistics_csv", "oversight:annual_report"):
            assert client.get(reverse(name)).status_code == expected, (role, name)


def test_the_page_draws_charts_and_shows_the_year_picker(client, referrals, mayor_office):
    client.force_login(mayor_office)
    body = client.get(
        reverse("oversight:statistics"), {"year": timezone.localdate().year}
    ).content.decode()
    assert "<svg" in body and 'class="bar"' in body and "<polyline" in body
    assert 'name="year"' in body
    assert "style=" not in body  # the content security policy forbids inline style
