"""Hostile input that Django itself lets through to a server error, refused once for every form
and query of the project (installed by CoreConfig.ready):

- `pk__in` (and any `__in` on an integer column) with a value no 64-bit column can hold, as a
  multiple-choice field sends for an id above 2^63: SQLite's driver fails on it. Django already
  makes `pk=<such a value>` match nothing; `__in` now drops such values the same way.
- A date, or a date and time, outside DATE_RANGE in any form field (year 1, year 9999): time
  zone conversions and date arithmetic fail on them (a meeting "in year 1" cannot be stored in
  UTC on SQLite; "a review 30 days after 9999-12-31" does not exist). No date this application
  records lies outside the range.

NUL bytes and over-long values in the address are refused by core.middleware's
RequestSanityMiddleware; form text fields refuse NUL bytes already (Django's CharField).
"""

from datetime import date, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import IntegerField
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler
from django.utils.translation import gettext_lazy as _

DATE_RANGE = (date(1900, 1, 1), date(2199, 12, 31))


class IntegerFieldIn(In):
    """`__in` on an integer column: values outside the column's range match nothing."""

    def process_rhs(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[str | int] | tuple[str | int, ...]]:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def validate_date_in_range(value: date | datetime) -> None:
    day = value.date() if isinstance(value, datetime) else value
    first, last = DATE_RANGE
    if not first <= day <= last:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": first.year, "last": last.year},
        )


def install() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
    for field in (forms.DateField, forms.DateTimeField):
        if validate_date_in_range not in field.default_validators:
            field.default_validators = [*field.default_validators, validate_date_in_range]
