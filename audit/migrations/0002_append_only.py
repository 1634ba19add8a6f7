# The audit tables are append-only for the application (DESIGN 3, rule 6). PostgreSQL only:
# SQLite is for development and has no equivalent that the application could not bypass.
# privacy 0002 puts the same trigger on privacy_destructionrecord.

from django.conf import settings
from django.db import migrations

AUDIT_TABLES = (
    "auditlog_logentry",
    "audit_auditseal",
    "audit_auditretentionrun",
    "accounts_securityevent",
)

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION msc_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Only msc_audit_purge (the audit log's retention) may delete, and never update.
    IF TG_OP = 'DELETE' AND current_setting('msc.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit rows are append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION msc_audit_purge(cutoff timestamptz, up_to_sequence bigint)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    removed integer;
BEGIN
    IF cutoff > now() - interval '1 year' THEN
        RAISE EXCEPTION 'audit rows younger than a year are never removed';
    END IF;
    PERFORM set_config('msc.audit_retention', 'on', true);
    DELETE FROM auditlog_logentry
        WHERE "timestamp" < cutoff
        AND id IN (SELECT log_entry_id FROM audit_auditseal WHERE sequence <= up_to_sequence);
    GET DIAGNOSTICS removed = ROW_COUNT;
    DELETE FROM audit_auditseal WHERE sequence <= up_to_sequence;
    DELETE FROM accounts_securityevent WHERE "at" < cutoff;
    PERFORM set_config('msc.audit_retention', 'off', true);
    RETURN removed;
END
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(APPEND_ONLY, params=None)
    for table in AUDIT_TABLES:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS msc_append_only ON {table};"
            f"CREATE TRIGGER msc_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION msc_audit_append_only();"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in AUDIT_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS msc_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS msc_audit_purge(timestamptz, bigint);")
    schema_editor.execute("DROP FUNCTION IF EXISTS msc_audit_append_only();")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
