"""Every write on referrals, outbound referrals and prison-release protocols asks the policy in
the service itself (issue 14), so no caller can skip it: tried here directly, as each role,
inside and outside their reach. A refusal changes nothing: the rows of every table a write could
touch are compared before and after, not only the exception."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import services as case_services
from cases.models import (
    Action,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChronologyEntry,
    Person,
)
from privacy import subject_rights
from referrals import services
from referrals.models import (
    OutboundReferral,
    PrisonRelease,
    PrisonReleaseTask,
    Referral,
    Screening,
)
from tests.factories import AgencyFactory, make_case, make_referral, make_user
from tests.referrals.conftest import decide

pytestmark = pytest.mark.clock

TABLES = (
    Referral,
    Referral.indicators.through,
    Screening,
    OutboundReferral,
    PrisonRelease,
    PrisonReleaseTask,
    Action,
    ChronologyEntry,
    Case,
    Person,
    CaseUserObjectPermission,
    CaseGroupObjectPermission,
)


def rows() -> dict:
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in TABLES}


# The people tried. "team_*" are on the case team; "outside_*" are the same roles off it.
PEOPLE = [
    "owner",
    "team_police",
    "team_coordinator",
    "information_officer",
    "outside_social_worker",
    "outside_police",
    "outside_coordinator",
    "youth_worker",
    "provider",
    "referrer",
    "mayor_office",
    "admin",
]
TEAM = ["owner", "team_police", "team_coordinator", "information_officer"]


@dataclass
class World:
    people: dict
    case: Case
    free_case: Case  # on the same team, without a prison-release protocol yet
    outreach: object
    prison: object
    provider_agency: object
    outbound: OutboundReferral
    protocol: PrisonRelease
    referral: Referral
    draft: Referral
    question: Referral


@pytest.fixture
def world(db) -> World:
    social = AgencyFactory(name="Social Prevention")
    provider_agency = AgencyFactory(name="Mental Health Centre")
    prison = AgencyFactory(name="Mechelen Prison")
    owner = make_user(role=Role.SOCIAL_WORKER, agency=social)
    people = {
        "owner": owner,
        "team_police": make_user(role=Role.POLICE),
        "team_coordinator": make_user(role=Role.COORDINATOR, agency=social),
        "information_officer": make_user(role=Role.INFORMATION_OFFICER),
        "outside_social_worker": make_user(role=Role.SOCIAL_WORKER),
        "outside_police": make_user(role=Role.POLICE),
        "outside_coordinator": make_user(role=Role.COORDINATOR),
        "youth_worker": make_user(role=Role.YOUTH_WORKER),
        "provider": make_user(role=Role.PARTNER, agency=provider_agency),
        "referrer": make_user(role=Role.PARTNER),
        "mayor_office": make_user(role=Role.MAYOR_OFFICE),
        "admin": make_user(role=Role.ADMIN),
    }
    outreach = make_user(role=Role.SOCIAL_WORKER, agency=social)
    case, free_case = make_case(owner=owner), make_case(owner=owner)
    for on in (case, free_case):
        case_services.team_add_user(
            case=on, user=people["team_police"], granted_by=owner, reason="team"
        )
    outbound = send(case, owner, provider_agency)
    protocol = start(case, owner, outreach, prison)
    question = make_referral(referrer=people["referrer"])
    decide(question, people["team_coordinator"], Screening.Outcome.MORE_INFORMATION)
    return World(
        people=people,
        case=case,
        free_case=free_case,
        outreach=outreach,
        prison=prison,
        provider_agency=provider_agency,
        outbound=outbound,
        protocol=protocol,
        referral=make_referral(referrer=people["referrer"]),
        draft=make_referral(referrer=people["referrer"], submit=False),
        question=question,
    )


def send(case, user, provider_agency):
    return services.outbound_send(
        case=case,
        user=user,
        service=OutboundReferral.Service.MENTAL_HEALTH,
        provider=provider_agency,
        person_details="The young man the school called about",
        request="An intake, please.",
        consent=OutboundReferral.Consent.GIVEN,
    )


def start(case, user, outreach, prison):
    return services.prison_release_start(
        case=case,
        user=user,
        institution="Mechelen prison",
        expected_release_date=timezone.localdate() + timedelta(days=120),
        conditions="Live at the supervised address.",
        outreach_worker=outreach,
        provider=prison,
        person_details="Wing B",
        request="Two talks before release.",
        consent=OutboundReferral.Consent.GIVEN,
    )


def change(protocol, user):
    return services.prison_release_update(
        release=protocol,
        user=user,
        institution="Hasselt prison",
        expected_release_date=protocol.expected_release_date + timedelta(days=14),
        conditions="Changed",
    )


# Each write, as a function of the world and the user trying it.
WRITES = {
    "send an outbound referral": lambda w, u: send(w.case, u, w.provider_agency),
    "answer an outbound referral": lambda w, u: services.outbound_answer(
        outbound=w.outbound, user=u, status=OutboundReferral.Status.ACCEPTED
    ),
    "revoke an outbound referral": lambda w, u: services.outbound_revoke(
        outbound=w.outbound, user=u, reason="Consent withdrawn"
    ),
    "set up a prison release": lambda w, u: start(w.free_case, u, w.outreach, w.prison),
    "change a prison release": lambda w, u: change(w.protocol, u),
    "decide a screening": lambda w, u: decide(w.referral, u, Screening.Outcome.NO_FURTHER_ACTION),
    "answer a screening question": lambda w, u: services.referral_answer(
        referral=w.question, user=u, answer="He goes to the Atheneum."
    ),
    "delete a draft": lambda w, u: services.referral_delete_draft(referral=w.draft, user=u),
}
ALLOWED = {
    "send an outbound referral": TEAM,
    "answer an outbound referral": ["provider"],
    "revoke an outbound referral": TEAM,
    "set up a prison release": TEAM,
    "change a prison release": TEAM,
    # The police read referrals being screened but do not decide; any coordinator decides.
    "decide a screening": ["team_coordinator", "outside_coordinator", "information_officer"],
    "answer a screening question": ["referrer"],
    "delete a draft": ["referrer"],
}


@pytest.mark.parametrize("write", WRITES)
def test_every_one_else_is_refused_and_nothing_changes(world, write):
    wrong = []
    for who in PEOPLE:
        if who in ALLOWED[write]:
            continue
        before = rows()
        try:
            WRITES[write](world, world.people[who])
        except PermissionDenied:
            pass
        else:
            wrong.append(f"{who}: not refused")
        if rows() != before:
            wrong.append(f"{who}: rows changed")
    assert wrong == []


@pytest.mark.parametrize(
    "write, who", [(write, who) for write, allowed in ALLOWED.items() for who in allowed]
)
def test_the_allowed_people_write(world, write, who):
    before = rows()
    WRITES[write](world, world.people[who])
    assert rows() != before


# --- Restriction of processing (finding 5) ------------------------------------------------------

FROZEN_BY_RESTRICTION = {
    "send an outbound referral": TEAM,
    "answer an outbound referral": ["provider"],
    "set up a prison release": TEAM,
    "change a prison release": TEAM,
}


def restrict(*cases):
    officer = make_user(role=Role.INFORMATION_OFFICER)
    for case in cases:
        subject_rights.case_restrict(case=case, user=officer, reason="The person objected")


@pytest.mark.parametrize(
    "write, who",
    [(write, who) for write, allowed in FROZEN_BY_RESTRICTION.items() for who in allowed],
)
def test_a_restricted_case_refuses_the_write_and_nothing_changes(world, write, who):
    restrict(world.case, world.free_case)
    before = rows()
    with pytest.raises(PermissionDenied):
        WRITES[write](world, world.people[who])
    assert rows() == before


def test_a_restricted_cases_outbound_referral_can_still_be_revoked(world):
    # Revoking ends a disclosure: the stricter reading lets the team stop it at once.
    restrict(world.case)
    WRITES["revoke an outbound referral"](world, world.people["owner"])
    world.outbound.refresh_from_db()
    assert world.outbound.status == OutboundReferral.Status.REVOKED


def test_the_pages_send_nothing_from_a_restricted_case(client, world):
    restrict(world.case, world.free_case)
    owner = world.people["owner"]
    client.force_login(owner)
    url = reverse("referrals:outbound_new", args=[world.case.reference])
    body = client.get(url).content.decode()
    assert "restricted" in body and 'name="request"' not in body
    before = rows()
    response = client.post(
        url,
        {
            "service": OutboundReferral.Service.MENTAL_HEALTH,
            "provider": world.provider_agency.pk,
            "person_details": "Him",
            "request": "An intake",
            "consent": OutboundReferral.Consent.GIVEN,
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("referrals:prison_release", args=[world.case.reference]),
        {
            "institution": "Hasselt prison",
            "expected_release_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "conditions": "",
        },
    )
    assert response.status_code == 403
    assert rows() == before
    body = client.get(reverse("referrals:prison_release", args=[world.free_case.reference]))
    assert 'name="institution"' not in body.content.decode()


def test_the_provider_cannot_answer_from_the_page_while_the_case_is_restricted(client, world):
    restrict(world.case)
    client.force_login(world.people["provider"])
    detail = client.get(world.outbound.get_absolute_url()).content.decode()
    assert reverse("referrals:outbound_answer", args=[world.outbound.pk]) not in detail
    before = rows()
    response = client.post(
        reverse("referrals:outbound_answer", args=[world.outbound.pk]),
        {"status": OutboundReferral.Status.ACCEPTED},
    )
    assert response.status_code == 403
    assert rows() == before
