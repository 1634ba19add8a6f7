# Indexes the load benchmark asked for (bench/README.md) that the models cannot declare: the
# other indexes of the case list (case_newest_first, action_open_by_case) are in the models.

from django.db import migrations

# Case search matches `icontains` (UPPER(column) LIKE '%term%'): trigram indexes on the same
# expressions let PostgreSQL find the matches without reading every case and person. pg_trgm is
# a trusted extension: the database owner may create it. Other databases search without them.
TRIGRAM_INDEXES = {
    "cases_case_reference_trgm": ("cases_case", "reference"),
    "cases_person_code_trgm": ("cases_person", "code"),
    "cases_person_first_name_trgm": ("cases_person", "first_name"),
    "cases_person_last_name_trgm": ("cases_person", "last_name"),
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm", params=None)
    for name, (table, column) in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
            params=None,
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"', params=None)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_reference_data")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
