from datetime import date

import factory

from accounts import services
from accounts.models import Agency, Role

PASSWORD = "correct-horse-battery"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = Agency.Kind.SOCIAL_SERVICES

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        agency = services.agency_create(name=kwargs["name"], kind=kwargs["kind"])
        # Every test agency signs the standing test protocol, so that releases and outbound
        # referrals go under an agreement in force as they must; a test about agreements makes
        # agencies outside it with AgencyFactory(party=False).
        if kwargs.get("party", True):
            sign_agreement(standing_agreement(), agency)
        return agency


STANDING_AGREEMENT = "Standing test protocol"
FAR_PAST = date(2000, 1, 1)


def standing_agreement():
    from privacy.models import SharingAgreement

    agreement = SharingAgreement.objects.filter(title=STANDING_AGREEMENT).first()
    return agreement or make_agreement(title=STANDING_AGREEMENT, parties=())


def make_agreement(
    *,
    parties=(),
    signed: bool = True,
    title: str = "Protocol of cooperation",
    starts_on: date = FAR_PAST,
    review_on: date = date(2999, 1, 1),
    ends_on: date | None = None,
):
    """An agreement whose parties (agencies) have all signed it, unless signed=False."""
    from privacy.models import LegalGateway, SharingAgreement

    agreement = SharingAgreement.objects.create(
        title=title,
        kind=SharingAgreement.Kind.PROTOCOL,
        purpose="To prevent violent extremism in the city.",
        data_categories="Identity, concerns, support plan.",
        retention="Five years after the case is closed.",
        starts_on=starts_on,
        review_on=review_on,
        ends_on=ends_on,
    )
    agreement.gateways.set(LegalGateway.objects.all()[:2])
    for agency in parties:
        sign_agreement(agreement, agency, signed=signed)
    return agreement


def sign_agreement(agreement, agency, *, signed: bool = True):
    from privacy.models import AgreementParty

    return AgreementParty.objects.create(
        agreement=agreement,
        agency=agency,
        signatory="A. Director" if signed else "",
        signed_on=agreement.starts_on if signed else None,
    )


_ROLE_AGENCY_KIND = {
    Role.SOCIAL_WORKER: Agency.Kind.SOCIAL_SERVICES,
    Role.YOUTH_WORKER: Agency.Kind.YOUTH_WORK,
    Role.POLICE: Agency.Kind.POLICE,
    Role.INFORMATION_OFFICER: Agency.Kind.POLICE,
    Role.COORDINATOR: Agency.Kind.SOCIAL_SERVICES,
    Role.MAYOR_OFFICE: Agency.Kind.MUNICIPALITY,
    Role.PARTNER: Agency.Kind.SCHOOL,
    Role.ADMIN: Agency.Kind.MUNICIPALITY,
}
_counter = iter(range(1, 10**9))


def make_user(*, role: str, agency: Agency | None = None, username: str | None = None, **extra):
    """A signed-up user of the given role, in a new agency of a fitting kind unless one is given."""
    n = next(_counter)
    if agency is None:
        agency = AgencyFactory(kind=_ROLE_AGENCY_KIND[Role(role)])
    username = username or f"{role}-{n}"
    extra.setdefault("email", f"{username}@example.org")
    return services.account_create(
        username=username,
        password=PASSWORD,
        agency=agency,
        role=role,
        first_name=extra.pop("first_name", Role(role).label.split()[0]),
        last_name=extra.pop("last_name", f"Tester{n}"),
        **extra,
    )


def users_of_every_role() -> dict[str, object]:
    return {role: make_user(role=role) for role in Role.values}


def make_person(**overrides):
    from cases import services as case_services

    n = next(_counter)
    fields = {"first_name": "Person", "last_name": f"Example{n}", "is_minor": False}
    fields.update(overrides)
    return case_services.person_create(**fields)


def make_case(*, owner=None, opened_by=None, person=None, lead_agency=None, **overrides):
    """An open case (status intake) whose team is its owner and the owner's agency."""
    from cases import services as case_services
    from cases.models import Case

    owner = owner or make_user(role=Role.SOCIAL_WORKER)
    fields = {
        "legal_basis": Case.LegalBasis.LIVC_LAW,
        "person_informed": False,
        "not_informed_reason": "Informing would put the person at risk.",
    }
    fields.update(overrides)
    return case_services.case_open(
        opened_by=opened_by or owner,
        person=person or make_person(),
        lead_agency=lead_agency or owner.profile.agency,
        owner=owner,
        **fields,
    )


def referral_fields(**overrides) -> dict:
    """A complete referral about an adult who agreed to it; override what the test is about."""
    from datetime import date

    n = next(_counter)
    fields = {
        "first_name": "Robin",
        "last_name": f"Referred{n}",
        "date_of_birth": date(2001, 5, 17),
        "is_minor": False,
        "address": "Kerkstraat 1, Havenstad",
        "concern": "He talks about a coming war between groups and shows violent videos.",
        "request": "Please assess whether he needs support.",
        "person_aware": True,
        "consent": "given",
    }
    fields.update(overrides)
    return fields


def make_referral(*, referrer=None, submit: bool = True, indicators=(), **overrides):
    """A referral sent for screening (or a draft), written through the service."""
    import uuid

    from referrals import services as referral_services

    referrer = referrer or make_user(role=Role.PARTNER)
    return referral_services.referral_save(
        referrer=referrer,
        token=uuid.uuid4(),
        submit=submit,
        indicators=indicators,
        **referral_fields(**overrides),
    )


def set_meeting_status(meeting, status: str):
    """Put a meeting in a state of its life directly, for a test about what happens in that
    state (the steps themselves: tests/conferences/test_meeting_states.py)."""
    from conferences.models import Meeting

    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.status = status
    return meeting
