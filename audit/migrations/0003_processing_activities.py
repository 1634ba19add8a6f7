# The register of processing activities (GDPR art. 30, issue 18 part 3), seeded with the
# activities the application performs (audit.models.ProcessingActivity.Code): every audit row
# names one of them (audit.activities). On PostgreSQL an index on the activity a row names, for
# the audit log's filter.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# The officer who takes the register over reviews these; they describe the application as built.
CASE_DATA = (
    "Identity and contact details, date of birth, concerns and indicators, chronology, "
    "assessments, support-plan actions, conference decisions and escalations, at information "
    "levels L1 to L4."
)
PROFESSIONALS = "Professionals of the participating agencies (name, agency, role)."
PERSONS = "Persons referred or discussed (including minors), and their parents or guardians."
SECRECY = (
    "GDPR art. 6(1)(e) and 9(2)(g); LIVC-R law of 30 July 2018; art. 458ter of the Criminal "
    "Code (shared professional secrecy in the case conference)."
)
ACTIVITIES = [
    (
        "case_management",
        ("Case management", "Casusbeheer", "Gestion des dossiers"),
        "Follow a person at risk of violent extremism in a case: information gathering, "
        "assessment, support plan, closure and aftercare.",
        SECRECY,
        PERSONS + " " + PROFESSIONALS,
        CASE_DATA,
        "The case team (named users and agencies) and the information officer; no one outside.",
        "As long as the case is open, then the retention period set per closure reason "
        "(signed off by the data protection officer).",
    ),
    (
        "case_conference",
        ("Case conference", "Casusoverleg", "Concertation de cas"),
        "Discuss cases in the multi-agency case conference, record decisions and minutes.",
        SECRECY,
        PERSONS + " " + PROFESSIONALS,
        "Agenda items, attendance, declarations, minutes and agreed actions; agency checks.",
        "The attendees who signed the confidentiality declaration, each filtered to what they "
        "may read.",
        "Minutes as long as the cases they are about.",
    ),
    (
        "releases",
        ("Releases", "Vrijgaven", "Transmissions"),
        "Share a filtered, need-to-know summary of police information with named recipients.",
        "GDPR art. 6(1)(e) and 10; art. 458ter of the Criminal Code; the sharing agreement in "
        "force that covers the recipients.",
        PERSONS,
        "The summary written by the information officer, its purpose and legal basis.",
        "The users and agencies the release is addressed to, under a sharing agreement.",
        "Until the release expires or is revoked; the record as long as the case.",
    ),
    (
        "referrals",
        ("Referrals", "Doorverwijzingen", "Signalements"),
        "Receive and screen referrals; refer a person on to a provider; plan releases from "
        "prison.",
        "GDPR art. 6(1)(e) and 9(2)(g); LIVC-R law of 30 July 2018.",
        PERSONS + " Referrers.",
        "The concern in the referrer's words, indicators, urgency, consent; the screening "
        "outcome.",
        "The screeners (coordinator, information officer, police); the referrer sees the "
        "outcome only; a provider sees an outbound referral addressed to it.",
        "A referral not accepted: its retention period; an accepted one: as the case.",
    ),
    (
        "oversight",
        ("Oversight and statistics", "Toezicht en statistieken", "Pilotage et statistiques"),
        "Dashboards, aggregate statistics and the annual report; escalations to the mayor and "
        "the Mayor's Advisory Council.",
        "GDPR art. 6(1)(e); LIVC-R law of 30 July 2018.",
        PERSONS + " (escalations only; statistics hold no person).",
        "Counts (any below 5 suppressed); the minimal data set of an escalation.",
        "The coordinator, the mayor's office (escalations addressed to it).",
        "Statistics are kept; escalations as long as the case.",
    ),
    (
        "subject_rights",
        ("Data subjects' rights", "Rechten van betrokkenen", "Droits des personnes concernées"),
        "Answer access requests, rectify data and restrict processing (GDPR arts. 15 to 18).",
        "GDPR art. 6(1)(c) (a legal obligation) and arts. 15 to 18.",
        PERSONS,
        "Everything held on the person, who read it and what was released.",
        "The information officer; the person (the access report).",
        "The record of the request: as the audit log.",
    ),
    (
        "retention",
        ("Retention and destruction", "Bewaring en vernietiging", "Conservation et destruction"),
        "Destroy or anonymise closed cases at the end of their retention period.",
        "GDPR art. 5(1)(e) (storage limitation) and art. 6(1)(c).",
        PERSONS,
        "Case references and dates; the destruction certificate holds no content.",
        "The data protection officer.",
        "Destruction records: as the audit log.",
    ),
    (
        "governance",
        ("Information governance", "Informatiebeheer", "Gouvernance de l'information"),
        "Keep the register of sharing agreements and this register of processing activities.",
        "GDPR art. 5(2) and 30 (accountability).",
        PROFESSIONALS,
        "Agreements, their parties and sign-off; the register's entries.",
        "The case workers, the coordinator, the information officer, the data protection "
        "officer.",
        "As long as the agreement or activity is in use, then as the audit log.",
    ),
    (
        "security",
        ("Security and audit", "Beveiliging en audit", "Sécurité et audit"),
        "Sign-in, second factor, sessions, accounts and roles; the audit log and its chain.",
        "GDPR art. 6(1)(c) and art. 32 (security of processing).",
        PROFESSIONALS,
        "Accounts, sign-in and security events, network addresses, the audit log.",
        "The information officer and the coordinator (the audit log, as the policy allows); "
        "the technical administrator (accounts).",
        "Audit log: AUDIT_LOG_RETENTION_YEARS, then removed from the oldest end of the chain.",
    ),
]

SECURITY_MEASURES = (
    "Need-to-know levels decided by one policy; two-factor sign-in; every read and write in a "
    "tamper-evident audit log; encryption in transit and of backups."
)

ACTIVITY_INDEX = (
    "CREATE INDEX IF NOT EXISTS audit_logentry_activity "
    "ON auditlog_logentry ((additional_data -> 'activity'))"
)


def add_activities(apps, schema_editor):
    ProcessingActivity = apps.get_model("audit", "ProcessingActivity")
    fields = ("purpose", "legal_basis", "data_subjects", "data_categories", "recipients", "retention")
    for code, (en, nl, fr), *texts in ACTIVITIES:
        ProcessingActivity.objects.get_or_create(
            code=code,
            defaults={
                "name": en,
                "name_en": en,
                "name_nl": nl,
                "name_fr": fr,
                "security_measures": SECURITY_MEASURES,
                **dict(zip(fields, texts, strict=True)),
            },
        )


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ACTIVITY_INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_logentry_activity")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ProcessingActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=40, unique=True, verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='name')),
                ('name_en', models.CharField(max_length=200, null=True, verbose_name='name')),
                ('name_nl', models.CharField(max_length=200, null=True, verbose_name='name')),
                ('name_fr', models.CharField(max_length=200, null=True, verbose_name='name')),
                ('purpose', models.TextField(verbose_name='purpose')),
                ('legal_basis', models.TextField(verbose_name='legal basis')),
                ('data_subjects', models.TextField(verbose_name='categories of data subjects')),
                ('data_categories', models.TextField(verbose_name='categories of personal data')),
                ('recipients', models.TextField(verbose_name='recipients')),
                ('retention', models.TextField(verbose_name='retention')),
                ('security_measures', models.TextField(blank=True, verbose_name='security measures')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='updated by')),
            ],
            options={
                'verbose_name': 'processing activity',
                'verbose_name_plural': 'processing activities',
                'ordering': ['code'],
            },
        ),
        migrations.RunPython(add_activities, migrations.RunPython.noop),
        migrations.RunPython(add_index, drop_index),
    ]
