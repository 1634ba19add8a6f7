"""Chronology entries the system writes as codes with parameters (issue 16), read in each
reader's language. Older decisions on escalations written in English become codes too; any
other older entry reads as it was stored (ChronologyEntry.in_words)."""

from django.db import migrations, models

AUDIENCES = {
    "Coordinator": "coordinator",
    "Mayor": "mayor",
    "Mayor's Advisory Council (MAC)": "mac",
}
PREFIX = "Decision on the escalation to "


def forwards(apps, schema_editor):
    ChronologyEntry = apps.get_model("cases", "ChronologyEntry")
    for entry in ChronologyEntry.objects.filter(event="", kind="decision", text__startswith=PREFIX):
        rest = entry.text[len(PREFIX) :]
        for label, code in AUDIENCES.items():
            if rest.startswith(label + ": "):
                entry.event = "escalation_decided"
                entry.params = {"audience": code, "decision": rest[len(label) + 2 :]}
                entry.save(update_fields=["event", "params"])
                break


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_in_each_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="chronologyentry",
            name="event",
            field=models.CharField(
                blank=True,
                choices=[
                    ("referral_received", "Referral brought into the case"),
                    ("escalation_decided", "Decision on an escalation"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddField(
            model_name="chronologyentry",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
