import uuid

import pytest

from referrals import services
from referrals.models import Screening
from tests.factories import make_referral, referral_fields


@pytest.fixture
def referral(partner):
    """A referral by the `partner` fixture, sent and waiting for screening."""
    return make_referral(referrer=partner)


def decide(referral, user, outcome, **extra):
    fields = {"reasons": "Discussed with the police and the information officer."}
    if outcome == Screening.Outcome.MORE_INFORMATION:
        fields["question"] = "Which school does he go to?"
    if outcome == Screening.Outcome.SIGNPOSTED:
        fields["signposted_to"] = "Mental health centre"
    fields.update(extra)
    return services.screening_decide(referral=referral, user=user, outcome=outcome, **fields)


def accept_new(referral, user, **extra):
    return decide(
        referral,
        user,
        Screening.Outcome.ACCEPTED,
        acceptance=Screening.Acceptance.NEW_PERSON,
        owner=user,
        lead_agency=user.profile.agency,
        **extra,
    )


def save(referrer, *, submit=True, token=None, indicators=(), **overrides):
    return services.referral_save(
        referrer=referrer,
        token=token or uuid.uuid4(),
        submit=submit,
        indicators=indicators,
        **referral_fields(**overrides),
    )
