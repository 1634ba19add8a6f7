"""English as read in Belgium: day before month, 24-hour clock ("30 Nov 2026, 09:30"), weeks
from Monday. Dutch and French keep Django's formats, already 24-hour."""

DATE_FORMAT = "j M Y"  # 30 Nov 2026
TIME_FORMAT = "H:i"  # 09:30
DATETIME_FORMAT = "j M Y, H:i"  # 30 Nov 2026, 09:30
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 30 November
SHORT_DATE_FORMAT = "d/m/Y"  # 30/11/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 30/11/2026 09:30
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates are read day first, never as the American month first.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-30
    "%d/%m/%Y",  # 30/11/2026
    "%d/%m/%y",  # 30/11/26
    "%d %b %Y",  # 30 Nov 2026
    "%d %B %Y",  # 30 November 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-11-30 09:30:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2026-11-30 09:30:59.000200
    "%Y-%m-%d %H:%M",  # 2026-11-30 09:30
    "%d/%m/%Y %H:%M:%S",  # 30/11/2026 09:30:59
    "%d/%m/%Y %H:%M",  # 30/11/2026 09:30
    "%d/%m/%y %H:%M",  # 30/11/26 09:30
]
