"""Charts people can read: axes with a scale, the value on each bar and point, suppressed
counts as "<5" with no bar, and nothing in the drawing worked out from a suppressed number."""

import csv
import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Role
from oversight import charts, statistics
from oversight.statistics import Row, Table, suppress
from tests.factories import AgencyFactory, make_referral, make_user

pytestmark = pytest.mark.clock

# 987 is hidden because it is the next smallest count after a hidden one (3): the total would
# give 3 away otherwise. The drawing must not reveal it either.
HIDDEN = 987


def hidden_table(key="sector") -> Table:
    return Table(
        key, "Referrals", suppress([Row("Big", 1000), Row("Hidden", HIDDEN), Row("Few", 3)])
    )


def drawn(table: Table, chart) -> str:
    return render_to_string("oversight/_chart.html", {"table": table, "chart": chart})


def test_the_scale_is_round_and_reaches_the_largest_count():
    assert charts.nice_scale(11) == [0, 5, 10, 15]
    assert charts.nice_scale(7) == [0, 2, 4, 6, 8]
    assert charts.nice_scale(1000) == [0, 200, 400, 600, 800, 1000]
    assert charts.nice_scale(0) == [0, 1]


def test_a_suppressed_bar_is_not_drawn_and_its_number_is_nowhere():
    table = hidden_table()
    assert [r.suppressed for r in table.rows] == [False, True, True]
    chart = charts.bar_chart(table)
    html = drawn(table, chart)
    assert str(HIDDEN) not in html
    assert html.count("<rect") == 2  # the one shown count, wide and narrow; none for "<5"
    for drawing, layout in ((chart.wide, charts.WIDE), (chart.narrow, charts.NARROW)):
        room = layout.width - drawing.axis_x - layout.value_room
        assert [b.width for b in drawing.bars] == [room, 0, 0]
        # The scale comes from the shown count alone.
        assert [t.label for t in drawing.ticks] == ["0", "200", "400", "600", "800", "1000"]
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        assert svg.count("&lt;5") == 2
        ticks = re.findall(r'class="chart-tick"[^>]*>(\d+)<', svg)
        assert ticks == ["0", "200", "400", "600", "800", "1000"]
        assert ">1000<" in svg and ">Big<" in svg


def test_nothing_shown_gives_a_scale_up_to_the_threshold():
    table = Table("t", "T", suppress([Row("a", 1), Row("b", 2)]))
    assert [t.label for t in charts.bar_chart(table).wide.ticks] == ["0", "1", "2", "3", "4", "5"]


def test_a_suppressed_month_breaks_the_line_and_its_number_is_nowhere():
    table = Table(
        "month",
        "Referrals by month",
        suppress([Row("Jan", 2000), Row("Feb", HIDDEN), Row("Mar", 3), Row("Apr", 1200)]),
    )
    chart = charts.line_chart(table)
    html = drawn(table, chart)
    assert str(HIDDEN) not in html
    for drawing in (chart.wide, chart.narrow):
        # Two runs of shown months, split by the hidden ones: no point is drawn for them.
        assert len(drawing.segments) == 2
        assert {p.y for p in drawing.points if p.suppressed} == {drawing.bottom}
        assert [t.label for t in drawing.ticks] == ["0", "500", "1000", "1500", "2000"]
    assert html.count("<circle") == 4
    # The x axis names every period; the y axis has a scale.
    for month in ("Jan", "Feb", "Mar", "Apr"):
        assert html.count(f">{month}</text>") == 2
    assert 'class="chart-axis"' in html and 'class="chart-tick"' in html


def test_the_table_is_one_click_away_and_says_fewer_than_5():
    table = hidden_table()
    html = drawn(table, charts.bar_chart(table))
    details = html[html.index("<details") :]
    assert "Show the figures as a table" in details
    assert details.count('<abbr title="fewer than 5">&lt;5</abbr>') == 2
    assert ">1000<" in details
    # The total, 1990, is suppressed by nothing, but the hidden 987 is still nowhere.
    assert str(HIDDEN) not in details


@pytest.fixture
def referrals(db):
    """7 referrals from a school, 3 from youth work, 1 from the police."""
    school = make_user(role=Role.PARTNER, agency=AgencyFactory(kind=Agency.Kind.SCHOOL))
    youth = make_user(role=Role.YOUTH_WORKER)
    police = make_user(role=Role.POLICE)
    for referrer, n in ((school, 7), (youth, 3), (police, 1)):
        for _ in range(n):
            make_referral(referrer=referrer)


def test_the_statistics_page_draws_one_chart_per_table_with_its_table_behind(
    client, referrals, coordinator
):
    client.force_login(coordinator)
    body = client.get(reverse("oversight:statistics")).content.decode()
    assert body.count("<svg") == 2 * body.count("Show the figures as a table") == 14
    assert body.count('id="table-sector"') == 1  # not repeated under the charts
    sector = body[body.index('id="chart-sector"') :]
    sector = sector[: sector.index("</figure>")]
    svg = sector[: sector.index("</svg>")]
    assert ">School<" in svg and ">7<" in svg
    # Youth work (3), the police (1) and the sectors with none are "<5", with no bar.
    assert "bar-suppressed" not in body and "fewer than 5</text>" not in body
    assert svg.count("<rect") == 1  # the wide drawing: one bar, School
    assert "style=" not in body
    month = body[body.index('id="chart-month"') :]
    month = month[: month.index("</svg>")]
    this_month = statistics._month_name(timezone.localdate().month)
    assert f">{this_month}</text>" in month and 'class="chart-tick"' in month


def test_the_annual_report_shows_its_tables_open(client, referrals, mayor_office):
    client.force_login(mayor_office)
    body = client.get(reverse("oversight:annual_report")).content.decode()
    assert body.count('<details class="govuk-details" id="table-') == 7
    assert body.count("open>") >= 7


def test_the_csv_is_as_before(client, referrals, coordinator):
    client.force_login(coordinator)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("oversight:statistics_csv")).content.decode()))
    )
    assert rows[0] == ["table", "row", "count"]
    sector = [r[1:] for r in rows if r[0] == "Referrals by source sector"]
    assert ["School", "7"] in sector
    assert ["Youth work", "fewer than 5"] in sector and ["Total", "11"] in sector
    assert not any("<5" in cell for row in rows for cell in row)
