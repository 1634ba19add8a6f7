import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


def link_agreements(apps, schema_editor):
    """Each existing series names the agreement in force that covers its members' agencies
    when exactly one does; otherwise it stays without one, and publishes nothing until the
    coordinator names one (issue 18). The models here are the historical ones: the in-force
    and covering tests of privacy.models are spelled out."""
    ConferenceSeries = apps.get_model("conferences", "ConferenceSeries")
    SharingAgreement = apps.get_model("privacy", "SharingAgreement")
    AgreementParty = apps.get_model("privacy", "AgreementParty")
    Profile = apps.get_model("accounts", "Profile")
    today = timezone.localdate()
    unsigned = AgreementParty.objects.filter(agreement=OuterRef("pk")).filter(
        Q(signed_on__isnull=True) | Q(signed_on__gt=today)
    )
    in_force = SharingAgreement.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"))),
        ~Exists(unsigned),
        starts_on__lte=today,
    )
    for series in ConferenceSeries.objects.filter(agreement__isnull=True):
        members = set(series.core_members.values_list("pk", flat=True)) | {series.chair_id}
        agency_ids = set(
            Profile.objects.filter(user_id__in=members).values_list("agency_id", flat=True)
        )
        covering = in_force
        for agency_id in agency_ids:
            covering = covering.filter(
                Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), agency_id=agency_id))
            )
        found = list(covering.values_list("pk", flat=True)[:2])
        if len(found) == 1:
            series.agreement_id = found[0]
            series.save(update_fields=["agreement"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("conferences", "0005_recusal_withdrawal"),
        ("privacy", "0005_destruction_lists_legal_holds"),
    ]

    operations = [
        migrations.AddField(
            model_name="conferenceseries",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conference_series",
                to="privacy.sharingagreement",
                verbose_name="sharing agreement",
            ),
        ),
        migrations.RunPython(link_agreements, migrations.RunPython.noop),
    ]
