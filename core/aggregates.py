"""Aggregates Django does not have for both SQLite and PostgreSQL."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Aggregate, CharField
from django.db.models.sql.compiler import SQLCompiler

# The unit separator: no name typed into a form holds it.
SEPARATOR = "\x1f"


class Joined(Aggregate):
    """The group's values joined into one string with SEPARATOR (GROUP_CONCAT on SQLite,
    STRING_AGG on PostgreSQL); NULL for an empty group. No order: sort after splitting."""

    function = "GROUP_CONCAT"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = CharField()

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list]:
        sql, params = self.as_sql(compiler, connection, function="STRING_AGG", **extra)
        return sql, list(params)


def split_joined(value: str | None) -> list[str]:
    return sorted(value.split(SEPARATOR)) if value else []
