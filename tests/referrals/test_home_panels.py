"""The home pages: the coordinator's screening panel, the partner's referrals and the youth
worker's signals, and the menu entries."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from referrals.models import Referral
from tests.factories import make_referral, make_user
from tests.referrals.conftest import decide


def panel(body: str, panel_id: str) -> str:
    match = re.search(rf'<section class="card panel" id="{panel_id}">(.*?)</section>', body, re.S)
    assert match, panel_id
    return match.group(1)


def test_the_coordinators_screening_panel_lists_waiting_referrals_with_age_and_overdue(
    client, settings, coordinator, partner
):
    settings.SCREENING_TARGET_DAYS = 5
    old = make_referral(referrer=partner)
    Referral.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=9))
    new = make_referral(referrer=partner)
    done = make_referral(referrer=partner)
    decide(done, coordinator, "no_further_action")
    client.force_login(coordinator)
    response = client.get(reverse("home"))
    screening = panel(response.content.decode(), "screening")
    assert old.number in screening and new.number in screening
    assert done.number not in screening
    assert "9 days" in screening
    assert screening.count('<span class="badge overdue">overdue</span>') == 1
    # The number overdue is the tile's above the panels.
    tiles = {t.key: t.count for t in response.context["tiles"]}
    assert tiles["screening-overdue"] == 1
    assert old.first_name not in screening  # numbers on the home page, names on the page


def test_the_screening_panel_is_empty_when_nothing_waits(client, coordinator):
    client.force_login(coordinator)
    screening = panel(client.get(reverse("home")).content.decode(), "screening")
    assert "No referrals waiting." in screening


@pytest.mark.parametrize(
    "role, panel_id", [(Role.PARTNER, "my-referrals"), (Role.YOUTH_WORKER, "my-signals")]
)
def test_the_referrers_panel_shows_their_referrals_and_status(client, db, role, panel_id):
    user = make_user(role=role)
    referral = make_referral(referrer=user, first_name="Ottilie", last_name="Zwart")
    other = make_referral()
    client.force_login(user)
    mine = panel(client.get(reverse("home")).content.decode(), panel_id)
    assert referral.number in mine and "Awaiting screening" in mine
    assert other.number not in mine
    assert "Zwart" not in mine
    assert reverse("referrals:new") in mine


@pytest.mark.parametrize(
    "role, entries",
    [
        (Role.COORDINATOR, {"Screening", "Referrals"}),
        (Role.INFORMATION_OFFICER, {"Screening", "Referrals"}),
        (Role.POLICE, {"Screening", "Referrals"}),
        (Role.PARTNER, {"Referrals"}),
        (Role.YOUTH_WORKER, {"Referrals"}),
        (Role.ADMIN, set()),
    ],
)
def test_the_menu_links_to_referrals_and_screening_by_role(client, db, role, entries):
    client.force_login(make_user(role=role))
    nav = client.get(reverse("home")).context["nav_items"]
    labels = {str(label) for label, _url in nav}
    assert labels & {"Screening", "Referrals"} == entries
