# Indexes the load benchmark asked for (bench/README.md).

from django.db import migrations, models

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

    dependencies = [
        ('cases', '0003_escalation_mayor_meeting'),
    ]

    operations = [
        # Every case list is newest first: a page is read from the index, not sorted.
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['-opened_at', '-id'], name='case_newest_first'),
        ),
        # "Has overdue actions" on each case list row: an index lookup, not a scan of all actions.
        migrations.AddIndex(
            model_name='action',
            index=models.Index(
                condition=models.Q(('status', 'open')),
                fields=['case', 'due_date'],
                name='action_open_by_case',
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
