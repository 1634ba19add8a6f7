"""The demo city's sharing agreements: the protocol every agency of the cell signed, under which
the demo's releases and referrals go, and a covenant with the schools coming up for review.
Idempotent."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from demo.city import AGENCIES, DemoCity
from privacy.models import AgreementParty, LegalGateway, SharingAgreement

PROTOCOL = "Havenstad protocol of cooperation to prevent violent radicalisation"
COVENANT = "Covenant with the secondary schools"


def _agreement(*, city: DemoCity, title: str, parties: list[str], **fields) -> SharingAgreement:
    agreement, created = SharingAgreement.objects.get_or_create(title=title, defaults=fields)
    if created:
        agreement.gateways.set(LegalGateway.objects.filter(is_active=True))
    coordinator = city.users["coordinator"]
    for name in parties:
        AgreementParty.objects.get_or_create(
            agreement=agreement,
            agency=city.agencies[name],
            defaults={
                "signatory": f"The director of {name}",
                "signed_on": agreement.starts_on,
                "recorded_by": coordinator,
                "recorded_at": timezone.now(),
            },
        )
    return agreement


@transaction.atomic
def seed(*, city: DemoCity) -> None:
    today = timezone.localdate()
    _agreement(
        city=city,
        title=PROTOCOL,
        parties=[name for name, _kind in AGENCIES],
        kind=SharingAgreement.Kind.PROTOCOL,
        purpose="To detect, assess and support people at risk of violent radicalisation, in "
        "the local integral security cell (LIVC-R).",
        data_categories="Identity, concerns and indicators, support plan, conference minutes.",
        max_level=2,
        retention="Five years after the case is closed.",
        starts_on=date(2020, 1, 1),
        review_on=today + timedelta(days=365),
        created_by=city.users["coordinator"],
    )
    _agreement(
        city=city,
        title=COVENANT,
        parties=[
            "Havenstad Social Prevention Service",
            "Sint-Jozef Secondary School",
            "Havenstad Police Zone",
        ],
        kind=SharingAgreement.Kind.COVENANT,
        purpose="To support pupils at risk together with their school.",
        data_categories="Identity, school attendance, support plan.",
        max_level=1,
        retention="Until the pupil leaves the school.",
        starts_on=date(2023, 9, 1),
        review_on=today + timedelta(days=30),
        created_by=city.users["coordinator"],
    )
