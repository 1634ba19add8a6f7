"""The sharing agreements register (issue 18, part 1): every release and outbound referral goes
under a signed agreement in force whose parties include each recipient's agency; an ended
agreement stops new disclosures under it, not the reading of what was shared before."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from access import policy
from accounts.models import Level, Role
from privacy import selectors
from privacy import services as agreement_services
from privacy.models import AgreementParty, LegalGateway, SharingAgreement
from referrals import services as referral_services
from referrals.models import OutboundReferral
from releases import services
from releases.models import Release
from tests.factories import AgencyFactory, make_agreement, make_case, make_user

pytestmark = pytest.mark.clock


@pytest.fixture
def case(social_worker):
    return make_case(owner=social_worker)


@pytest.fixture
def school(db):
    """An agency outside every agreement."""
    return AgencyFactory(name="Atheneum Noord", kind="school", party=False)


@pytest.fixture
def teacher(school):
    return make_user(role=Role.PARTNER, agency=school)


def release(case, author, **overrides):
    fields = {
        "case": case,
        "author": author,
        "title": "For the school",
        "summary": "Watch for absences.",
        "purpose": "To plan support at school",
        "legal_basis": "LIVC law",
        "expires_on": timezone.localdate() + timedelta(days=30),
    }
    fields.update(overrides)
    return services.release_create(**fields)


def test_a_release_to_an_agency_outside_every_agreement_is_refused(case, info_officer, school):
    with pytest.raises(ValidationError) as refusal:
        release(case, info_officer, recipient_agencies=[school])
    assert "Atheneum Noord" in refusal.value.message_dict["agreement"][0]
    assert not Release.objects.exists()


def test_a_release_to_a_person_whose_agency_is_outside_is_refused(case, info_officer, teacher):
    with pytest.raises(ValidationError) as refusal:
        release(case, info_officer, recipient_users=[teacher])
    assert "agreement" in refusal.value.message_dict


def test_the_same_release_goes_under_a_signed_agreement_and_not_after_its_end(
    case, info_officer, school, teacher
):
    today = timezone.localdate()
    agreement = make_agreement(
        parties=[school, info_officer.profile.agency],
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=5),
    )
    first = release(case, info_officer, recipient_agencies=[school])
    assert first.agreement == agreement

    after_end = timezone.make_aware(
        datetime.combine(today + timedelta(days=6), datetime.min.time())
    )
    with time_machine.travel(after_end + timedelta(hours=12), tick=False):
        with pytest.raises(ValidationError) as refusal:
            release(case, info_officer, recipient_agencies=[school], title="Again")
        assert "agreement" in refusal.value.message_dict
        # What was shared before stays readable by its recipients.
        assert first in Release.objects.filter(policy.release_recipient_filter(teacher))


def test_an_agreement_not_signed_by_every_party_is_not_in_force(case, info_officer, school):
    agreement = make_agreement(parties=[info_officer.profile.agency])
    AgreementParty.objects.create(agreement=agreement, agency=school)
    with pytest.raises(ValidationError):
        release(case, info_officer, recipient_agencies=[school])


def test_a_named_agreement_that_leaves_an_agency_out_is_refused_naming_it(
    case, info_officer, school, youth_worker
):
    narrow = make_agreement(parties=[youth_worker.profile.agency, info_officer.profile.agency])
    with pytest.raises(ValidationError) as refusal:
        release(
            case,
            info_officer,
            recipient_users=[youth_worker],
            recipient_agencies=[school],
            agreement=narrow,
        )
    message = refusal.value.message_dict["agreement"][0]
    assert "Atheneum Noord" in message and narrow.title in message


def test_the_release_form_shows_the_refusal_on_the_agreement_field(
    client, case, info_officer, school
):
    client.force_login(info_officer)
    response = client.post(
        reverse("releases:create", args=[case.reference]),
        {
            "title": "For the school",
            "summary": "Watch for absences.",
            "purpose": "Support",
            "legal_basis": "LIVC law",
            "expires_on": (timezone.localdate() + timedelta(days=9)).isoformat(),
            "recipient_agencies": [school.pk],
        },
    )
    assert response.status_code == 200
    assert "agreement" in response.context["form"].errors
    assert b"No sharing agreement in force covers" in response.content
    assert not Release.objects.exists()


def test_an_outbound_referral_to_a_provider_outside_every_agreement_is_refused(
    case, social_worker, school
):
    with pytest.raises(ValidationError) as refusal:
        referral_services.outbound_send(
            case=case,
            user=social_worker,
            service=OutboundReferral.Service.FAMILY_SUPPORT,
            provider=school,
            person_details="The pupil",
            request="An intake",
            consent=OutboundReferral.Consent.GIVEN,
        )
    assert "Atheneum Noord" in refusal.value.message_dict["provider"][0]
    make_agreement(parties=[school, social_worker.profile.agency])
    sent = referral_services.outbound_send(
        case=case,
        user=social_worker,
        service=OutboundReferral.Service.FAMILY_SUPPORT,
        provider=school,
        person_details="The pupil",
        request="An intake",
        consent=OutboundReferral.Consent.GIVEN,
    )
    assert sent.agreement is not None


def test_the_coordinator_sees_agreements_coming_up_for_review(coordinator, social_worker, agency):
    today = timezone.localdate()
    due = make_agreement(title="Due soon", parties=[agency], review_on=today + timedelta(days=20))
    make_agreement(title="Later", parties=[agency], review_on=today + timedelta(days=400))
    assert list(selectors.agreements_due_for_review(user=coordinator)) == [due]
    assert list(selectors.agreements_due_for_review(user=social_worker)) == []


def test_the_coordinator_registers_an_agreement_and_records_each_sign_off(
    client, coordinator, school, agency
):
    client.force_login(coordinator)
    today = timezone.localdate()
    gateway = LegalGateway.objects.get(name="Criminal Code art. 458ter")
    response = client.post(
        reverse("agreements:create"),
        {
            "title": "Namur protocol",
            "kind": "protocol",
            "purpose": "Prevent violent radicalisation",
            "gateways": [gateway.pk],
            "data_categories": "Identity, concerns",
            "max_level": Level.L2,
            "retention": "Five years",
            "parties": [school.pk, agency.pk],
            "starts_on": today.isoformat(),
            "review_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    agreement = SharingAgreement.objects.get(title="Namur protocol")
    assert response["Location"] == agreement.get_absolute_url()
    assert not agreement.is_in_force(today)
    for party in agreement.parties.all():
        response = client.post(
            reverse("agreements:sign", args=[party.pk]),
            {"signatory": "M. Director", "signed_on": today.isoformat()},
        )
        assert response.status_code == 302
    assert agreement.is_in_force(today)
    party = agreement.parties.first()
    assert party.recorded_by == coordinator and party.signatory == "M. Director"
    page = client.get(agreement.get_absolute_url())
    assert b"M. Director" in page.content


def test_a_sign_off_is_recorded_once(coordinator, school):
    agreement = make_agreement(parties=[school])
    party = agreement.parties.get()
    with pytest.raises(ValidationError):
        agreement_services.agreement_sign(
            user=coordinator, party=party, signatory="X", signed_on=timezone.localdate()
        )


def test_ending_an_agreement_stops_new_releases_under_it(case, info_officer, coordinator, school):
    today = timezone.localdate()
    agreement = make_agreement(parties=[school, info_officer.profile.agency])
    agreement_services.agreement_end(user=coordinator, agreement=agreement, ends_on=today)
    release(case, info_officer, recipient_agencies=[school])  # still in force today
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), datetime.min.time()))
    with (
        time_machine.travel(tomorrow + timedelta(hours=12), tick=False),
        pytest.raises(ValidationError),
    ):
        release(case, info_officer, recipient_agencies=[school], title="Later")


@pytest.mark.parametrize("role", ["social_worker", "information_officer", "police", "youth_worker"])
def test_only_the_coordinator_keeps_the_register(role, school, agency):
    user = make_user(role=role)
    agreement = make_agreement(parties=[school], signed=False)
    with pytest.raises(PermissionDenied):
        agreement_services.agreement_sign(
            user=user,
            party=agreement.parties.get(),
            signatory="X",
            signed_on=timezone.localdate(),
        )
    assert agreement.parties.get().signed_on is None
