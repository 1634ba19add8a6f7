# A destruction record is part of the audit (DESIGN 8): append-only on PostgreSQL, with the
# trigger function of audit 0002.

from django.db import migrations

TABLE = "privacy_destructionrecord"


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"DROP TRIGGER IF EXISTS msc_append_only ON {TABLE};"
        f"CREATE TRIGGER msc_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION msc_audit_append_only();"
    )


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS msc_append_only ON {TABLE};")


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("audit", "0002_append_only")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
