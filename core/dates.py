"""Time that every app counts the same way."""

from datetime import datetime, timedelta

# How far ahead of the server's clock a time typed on another device may be: clocks differ a
# little between a laptop and the server.
FUTURE_TOLERANCE = timedelta(minutes=5)


def years_before(moment: datetime, years: int) -> datetime:
    """The same day and time `years` years earlier (28 February for a 29th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)
