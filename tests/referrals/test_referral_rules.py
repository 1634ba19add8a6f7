"""What a referral needs before it is sent, and what may not contradict itself (the service)."""

import threading
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from cases.models import Case, Indicator
from referrals.models import Referral
from tests.factories import make_user
from tests.referrals.conftest import save

pytestmark = pytest.mark.clock


def refused(referrer, **overrides) -> dict:
    with pytest.raises(ValidationError) as error:
        save(referrer, **overrides)
    return error.value.message_dict


def test_a_complete_referral_is_sent_for_screening_with_the_referrers_agency(partner):
    referral = save(partner)
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.submitted_at is not None
    assert referral.referrer == partner
    assert referral.referrer_agency == partner.profile.agency


def test_it_refuses_a_referral_without_name_concern_request_or_consent_answer(partner):
    errors = refused(partner, first_name=" ", last_name="", concern="", request=" ", consent="")
    assert set(errors) == {"last_name", "concern", "request", "consent"}
    assert not Referral.objects.exists()


def test_it_needs_something_to_identify_the_person_by(partner):
    errors = refused(partner, date_of_birth=None, address="", school_or_employer="")
    assert "date_of_birth" in errors
    save(partner, date_of_birth=None, address="", school_or_employer="Atheneum Zuid")


def test_it_refuses_a_date_of_birth_in_the_future(partner):
    errors = refused(partner, date_of_birth=timezone.localdate() + timedelta(days=1))
    assert errors["date_of_birth"] == ["The date of birth is in the future."]


@pytest.mark.parametrize(
    "years, is_minor, message",
    [(15, False, "makes the person a minor"), (30, True, "makes the person an adult")],
)
def test_it_refuses_a_date_of_birth_that_contradicts_minor(partner, years, is_minor, message):
    born = date(timezone.localdate().year - years, 1, 1)
    consent = {"consent": "parent_given"} if years < 18 else {}
    errors = refused(partner, date_of_birth=born, is_minor=is_minor, **consent)
    assert message in errors["is_minor"][0]


def test_consent_without_the_person_knowing_is_a_contradiction(partner):
    errors = refused(partner, consent=Referral.Consent.GIVEN, person_aware=False)
    assert "knows about it" in errors["person_aware"][0]


def test_a_minor_needs_a_parents_agreement_not_their_own(partner):
    born = date(timezone.localdate().year - 15, 1, 1)
    errors = refused(partner, date_of_birth=born, is_minor=True, consent=Referral.Consent.GIVEN)
    assert "parent" in errors["consent"][0]
    assert save(
        partner, date_of_birth=born, is_minor=True, consent=Referral.Consent.PARENT_GIVEN
    ).is_minor


def test_an_adults_parent_cannot_agree_for_them(partner):
    errors = refused(partner, consent=Referral.Consent.PARENT_GIVEN)
    assert "adult" in errors["consent"][0]


def test_without_consent_it_needs_why_not_and_a_legal_basis(partner):
    errors = refused(partner, consent=Referral.Consent.NOT_ASKED, person_aware=False)
    assert set(errors) == {"no_consent_reason", "legal_basis"}


def test_without_consent_the_legal_basis_cannot_be_consent(partner):
    errors = refused(
        partner,
        consent=Referral.Consent.REFUSED,
        no_consent_reason="He said no.",
        legal_basis=Case.LegalBasis.CONSENT,
    )
    assert errors["legal_basis"] == ["There is no consent: choose another legal basis."]


def test_a_referral_without_consent_keeps_why_and_on_what_basis(partner):
    referral = save(
        partner,
        consent=Referral.Consent.NOT_ASKED,
        person_aware=False,
        no_consent_reason="It would warn him.",
        legal_basis=Case.LegalBasis.LIVC_LAW,
    )
    assert (referral.no_consent_reason, referral.legal_basis) == (
        "It would warn him.",
        Case.LegalBasis.LIVC_LAW,
    )


def test_with_consent_no_reason_for_its_absence_is_kept(partner):
    referral = save(partner, no_consent_reason="left over", legal_basis="livc_law")
    assert (referral.no_consent_reason, referral.legal_basis) == ("", "")


def test_a_draft_is_saved_however_incomplete(partner):
    draft = save(partner, submit=False, last_name="", concern="Half a sent", consent="")
    assert draft.status == Referral.Status.DRAFT
    assert draft.submitted_at is None


def test_it_refuses_an_indicator_no_longer_in_use(partner):
    indicator = Indicator.objects.first()
    indicator.is_active = False
    indicator.save()
    with pytest.raises(ValidationError) as error:
        save(partner, indicators=[indicator])
    assert "indicators" in error.value.message_dict


def test_the_same_form_sent_twice_makes_one_referral_and_one_email(
    partner, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    token = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first = save(partner, token=token)
    with django_capture_on_commit_callbacks(execute=True):
        second = save(partner, token=token, concern="Edited after sending")
    assert first.pk == second.pk
    assert Referral.objects.count() == 1
    assert Referral.objects.get().concern != "Edited after sending"
    assert [message.to for message in mailoutbox] == [[coordinator.email]]


def test_a_draft_saved_twice_is_one_draft_then_sent(partner):
    token = uuid.uuid4()
    save(partner, token=token, submit=False, concern="First lines")
    save(partner, token=token, submit=False, concern="First lines, and more")
    sent = save(partner, token=token)
    assert Referral.objects.count() == 1
    assert sent.status == Referral.Status.SUBMITTED


def test_another_account_cannot_use_someone_elses_form_token(partner):
    token = uuid.uuid4()
    save(partner, token=token, submit=False)
    with pytest.raises(PermissionDenied):
        save(make_user(role=Role.YOUTH_WORKER), token=token)


def test_the_technical_administrator_does_not_refer(admin_user):
    with pytest.raises(PermissionDenied):
        save(admin_user)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_at_the_same_moment_make_one_referral():
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections (PostgreSQL)")
    partner = make_user(role=Role.PARTNER)
    token = uuid.uuid4()
    results, barrier = [], threading.Barrier(2)

    def submit():
        barrier.wait()
        try:
            results.append(save(partner, token=token).pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and results[0] == results[1]
    assert Referral.objects.count() == 1
