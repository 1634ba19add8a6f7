"""The referrer follows their referrals: the status and the outcome in plain words, never the
content of a case (nor, once sent, of the referral)."""

import pytest
from django.urls import reverse

from accounts.models import Level, Role
from cases import services as case_services
from referrals.models import Referral, Screening
from tests.factories import make_referral, make_user
from tests.referrals.conftest import accept_new, decide

OUT = Screening.Outcome
PLAIN = {
    OUT.NO_FURTHER_ACTION: "will not take this referral up",
    OUT.SIGNPOSTED: "Another service fits better and was suggested: Mental health centre.",
    OUT.POLICE_ROUTE: "passed on to the police or the judicial authorities",
    OUT.MORE_INFORMATION: "Which school does he go to?",
}


@pytest.mark.parametrize("outcome", list(PLAIN))
def test_the_referrer_reads_the_outcome_in_plain_words(
    client, referral, coordinator, partner, outcome
):
    decide(referral, coordinator, outcome, note_to_referrer="Thank you for your care.")
    client.force_login(partner)
    body = client.get(referral.get_absolute_url()).content.decode()
    assert PLAIN[outcome] in body
    assert "Thank you for your care." in body
    assert "Discussed with the police" not in body  # the reasons stay with the screening
    assert coordinator.last_name not in body


def test_an_accepted_referral_tells_the_referrer_and_shows_nothing_of_the_case(
    client, referral, coordinator, partner
):
    accept_new(referral, coordinator)
    referral.refresh_from_db()
    case = referral.case
    case_services.entry_add(
        case=case,
        author=coordinator,
        kind="note",
        occurred_at=case.opened_at,
        level=Level.L2,
        text="CASE-ONLY observation 5520",
    )
    client.force_login(partner)
    for url in (referral.get_absolute_url(), reverse("referrals:mine"), reverse("home")):
        body = client.get(url).content.decode()
        assert case.reference not in body
        assert "CASE-ONLY" not in body
        assert case.person.code not in body
    body = client.get(referral.get_absolute_url()).content.decode()
    assert "Your referral was accepted" in body
    assert client.get(case.get_absolute_url()).status_code == 404


def test_once_sent_the_referrer_sees_initials_not_the_content(client, partner):
    referral = make_referral(
        referrer=partner, first_name="Wannes", last_name="Quaghebeur", concern="Burned a flag"
    )
    client.force_login(partner)
    for url in (referral.get_absolute_url(), reverse("referrals:mine")):
        body = client.get(url).content.decode()
        assert "W. Q." in body
        assert "Quaghebeur" not in body and "Burned a flag" not in body


def test_the_list_shows_the_referrers_own_only(client, partner):
    mine = make_referral(referrer=partner)
    colleague = make_user(role=Role.PARTNER, agency=partner.profile.agency)
    theirs = make_referral(referrer=colleague)
    client.force_login(partner)
    body = client.get(reverse("referrals:mine")).content.decode()
    assert mine.number in body and theirs.number not in body
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_the_list_is_searchable_by_number_and_name_and_paginated(client, partner):
    for n in range(26):
        make_referral(referrer=partner, last_name=f"Listed{n:02d}")
    wanted = make_referral(referrer=partner, first_name="Ottilie", last_name="Zwart")
    client.force_login(partner)
    assert "Page 1 of 2" in client.get(reverse("referrals:mine")).content.decode()
    for term in ("zwart", wanted.number, str(wanted.pk)):
        body = client.get(reverse("referrals:mine"), {"q": term}).content.decode()
        assert wanted.number in body, term
        assert body.count("<tr>") == 2, term


def test_drafts_come_first_with_a_link_to_continue(client, partner):
    make_referral(referrer=partner)
    draft = make_referral(referrer=partner, submit=False)
    client.force_login(partner)
    body = client.get(reverse("referrals:mine")).content.decode()
    rows = body[body.index("<tbody>") :]  # the status filter above lists the statuses too
    assert rows.index(draft.number) < rows.index("Awaiting screening")
    assert reverse("referrals:edit", args=[draft.pk]) in body


def test_open_referrals_come_before_decided_ones_and_filter_by_status(client, partner, coordinator):
    decided = make_referral(referrer=partner)
    decide(decided, coordinator, Screening.Outcome.NO_FURTHER_ACTION)
    asked = make_referral(referrer=partner)
    decide(asked, coordinator, Screening.Outcome.MORE_INFORMATION)
    waiting = make_referral(referrer=partner)
    client.force_login(partner)
    listed = client.get(reverse("referrals:mine")).context["page"].object_list
    assert [r.pk for r in listed] == [asked.pk, waiting.pk, decided.pk]
    filtered = client.get(reverse("referrals:mine"), {"status": "information_requested"})
    assert [r.pk for r in filtered.context["page"].object_list] == [asked.pk]


@pytest.mark.parametrize("role", [Role.PARTNER, Role.YOUTH_WORKER, Role.POLICE, Role.MAYOR_OFFICE])
def test_every_role_that_refers_has_the_list(client, db, role):
    user = make_user(role=role)
    make_referral(referrer=user)
    client.force_login(user)
    response = client.get(reverse("referrals:mine"))
    assert response.status_code == 200
    assert Referral.objects.get().number in response.content.decode()
