"""Run the tests with the clock set to another instant: `pytest --clock=2027-03-28T00:30+01:00`.

CI runs the date-sensitive tests (marker `clock`) at the instants of CLOCK_INSTANTS, where a test
that silently assumes "now" (the hour, the day, the year, a daylight-saving change, a leap day)
goes wrong. The clock is set with time-machine and keeps ticking from there, as a machine whose
clock simply reads that instant would. Python's clocks move; the database's own clock does not,
so nothing in the application may ask the database for the time (it does not).
"""

from datetime import datetime

import pytest
import time_machine

# The instants CI runs the `clock` tests at (.ci/run): just after 08:30 UTC (where a seeded
# meeting "today at 09:30" once fell into the past), the hour skipped when daylight-saving time
# begins, a leap day, and just after midnight on New Year's Day in Brussels while UTC is still
# in the old day and year. CI runs them only at these instants (the first is an ordinary
# working day's morning), not at its own hour as well; the rest of the suite runs at CI's
# hour. Dropped for CI's time budget (each repeated one kept): 00:05 and 08:29 on an ordinary
# day, 23:59 on New Year's Eve, 23:55 in Brussels on an ordinary day (the New Year instant
# crosses the same day boundary), and the hour repeated when daylight-saving time ends (the
# skipped hour exercises the same arithmetic). Four instants run as two rounds of two lanes.
CLOCK_INSTANTS = (
    "2026-11-30T08:31:00+00:00",
    "2027-03-28T02:30:00+01:00",
    "2028-02-29T12:00:00+01:00",
    "2027-01-01T00:05:00+01:00",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="INSTANT",
        help="set the clock to this ISO 8601 instant (with its UTC offset) for the whole run",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "clock: the test depends on the date or time; CI runs it at CLOCK_INSTANTS"
    )
    instant = config.getoption("--clock")
    if not instant:
        return
    destination = datetime.fromisoformat(instant)
    if destination.tzinfo is None:
        raise pytest.UsageError("--clock needs a UTC offset, e.g. 2026-11-30T23:55+01:00")
    traveller = time_machine.travel(destination, tick=True)
    traveller.start()
    config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    instant = config.getoption("--clock")
    return f"clock: set to {instant} (time-machine, ticking)" if instant else None


_TRAVELLER = pytest.StashKey[time_machine.travel]()
