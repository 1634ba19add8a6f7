"""The demo referrals: every state, from the demo partner and youth worker, a repeat, and a case
following the prison-release protocol. Running it twice adds nothing."""

import pytest
from auditlog.models import LogEntry

from demo import agreements as agreements_demo
from demo import cases as cases_demo
from demo import city as demo_city
from demo import referrals as demo
from referrals.models import OutboundReferral, PrisonRelease, Referral

pytestmark = pytest.mark.clock


@pytest.fixture
def city(db, settings):
    settings.PRISON_RELEASE_LEAD_DAYS = [90, 30, 7]
    city = demo_city.seed(password="demo-password-for-tests")
    agreements_demo.seed(city=city)
    cases_demo.seed(city=city)
    return city


def snapshot():
    return {
        "referrals": sorted(Referral.objects.values_list("form_token", "status", "case_id")),
        "outbound": sorted(OutboundReferral.objects.values_list("pk", "status")),
        "releases": sorted(PrisonRelease.objects.values_list("case_id", "expected_release_date")),
        "audit_rows": LogEntry.objects.count(),
    }


def test_it_makes_referrals_in_every_state_and_a_prison_release(city):
    demo.seed(city=city)
    assert set(Referral.objects.values_list("status", flat=True)) == set(Referral.Status.values)
    assert set(OutboundReferral.objects.values_list("status", flat=True)) == set(
        OutboundReferral.Status.values
    )
    referrers = set(Referral.objects.values_list("referrer__username", flat=True))
    assert {"partner", "youth"} <= referrers
    assert Referral.objects.filter(is_repeat=True).exists()
    release = PrisonRelease.objects.get()
    assert release.tasks.count() == 6
    assert release.outbound_referral.provider.name == "Havenstad Prison"


def test_running_it_twice_adds_nothing(city):
    demo.seed(city=city)
    before = snapshot()
    demo.seed(city=city)
    assert snapshot() == before


def test_it_is_in_seed_demo_after_the_other_apps():
    from demo.management.commands.seed_demo import DEMO_STEPS

    steps = [step for _what, step in DEMO_STEPS]
    assert steps[-1] == "demo.referrals.seed"
    assert "demo.cases.seed" in steps
