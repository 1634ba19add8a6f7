from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access import services
from access.models import AccessRequest
from accounts.models import Role
from cases import services as case_services
from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission
from privacy import subject_rights
from tests.factories import make_case, make_person, make_user

pytestmark = pytest.mark.clock


def test_the_answer_is_the_same_whether_or_not_the_case_exists(client, social_worker):
    case = make_case()
    client.force_login(social_worker)
    answers = []
    for reference in (case.reference, "MSC-1999-9999"):
        response = client.post(
            reverse("access_requests:mine"),
            {"reference": reference, "reason": "Neighbour"},
            follow=True,
        )
        answers.append([str(m) for m in response.context["messages"]])
    assert answers[0] == answers[1]
    assert AccessRequest.objects.filter(requested_by=social_worker).count() == 2


def test_the_owner_approves_until_a_date_and_access_then_ends_by_itself(client, db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=owner)
    asker = make_user(role=Role.POLICE)
    client.force_login(asker)
    client.post(
        reverse("access_requests:mine"),
        {"reference": case.reference.lower(), "reason": "Known to us"},
    )
    request = AccessRequest.objects.get()
    assert client.get(case.get_absolute_url()).status_code == 404

    client.force_login(owner)
    assert request in client.get(reverse("access_requests:mine")).context["to_decide"]
    until = timezone.localdate() + timedelta(days=3)
    response = client.post(
        reverse("access_requests:decide", args=[request.pk]),
        {"decision": "approve", "until": until.isoformat()},
    )
    assert response.status_code == 302
    grant = CaseUserObjectPermission.objects.get(user=asker, content_object=case)
    assert grant.expires_on == until and grant.granted_by == owner

    client.force_login(asker)
    assert client.get(case.get_absolute_url()).status_code == 200
    CaseUserObjectPermission.objects.filter(pk=grant.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert client.get(case.get_absolute_url()).status_code == 404
    call_command("remove_expired_grants", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not CaseUserObjectPermission.objects.filter(pk=grant.pk).exists()


def test_a_refusal_grants_nothing_and_cannot_be_decided_twice(client, db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=owner)
    asker = make_user(role=Role.SOCIAL_WORKER)
    client.force_login(asker)
    client.post(reverse("access_requests:mine"), {"reference": case.reference, "reason": "Curious"})
    request = AccessRequest.objects.get()
    client.force_login(owner)
    client.post(reverse("access_requests:decide", args=[request.pk]), {"decision": "refuse"})
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.REFUSED
    assert not CaseUserObjectPermission.objects.filter(user=asker).exists()
    assert client.get(reverse("access_requests:decide", args=[request.pk])).status_code == 404


def test_a_team_member_who_is_not_the_owner_cannot_decide(client, db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=owner)
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=owner.profile.agency)
    asker = make_user(role=Role.SOCIAL_WORKER)
    client.force_login(asker)
    client.post(reverse("access_requests:mine"), {"reference": case.reference, "reason": "x"})
    client.force_login(colleague)
    request = AccessRequest.objects.get()
    assert client.get(reverse("access_requests:decide", args=[request.pk])).status_code == 404


def test_youth_workers_and_partners_cannot_ask_for_case_access(client, db):
    for role in (Role.YOUTH_WORKER, Role.PARTNER, Role.MAYOR_OFFICE, Role.ADMIN):
        client.force_login(make_user(role=role))
        assert client.get(reverse("access_requests:mine")).status_code == 404


# --- Issue 14: approval widens access, so the service asks the policy -------------------------


def grant_rows() -> dict:
    """The requests and every grant on every case, to compare before and after a refusal."""
    models = (AccessRequest, CaseUserObjectPermission, CaseGroupObjectPermission)
    return {m._meta.label: list(m.objects.order_by("pk").values_list()) for m in models}


@pytest.fixture
def pending(db):
    """A police officer's request to join a social worker's case, waiting for a decision."""
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=owner)
    asker = make_user(role=Role.POLICE)
    return services.access_request_create(user=asker, reference=case.reference, reason="Known")


def decide(request, user, approve=True):
    return services.access_request_decide(request=request, user=user, approve=approve)


def test_an_access_request_on_a_restricted_case_is_not_approved(pending):
    subject_rights.case_restrict(
        case=pending.case, user=make_user(role=Role.INFORMATION_OFFICER), reason="Objection"
    )
    before = grant_rows()
    with pytest.raises(PermissionDenied):
        decide(pending, pending.case.owner)
    assert grant_rows() == before
    # It can still be refused: that grants nothing.
    decide(pending, pending.case.owner, approve=False)
    pending.refresh_from_db()
    assert pending.status == AccessRequest.Status.REFUSED


def test_the_decision_page_of_a_restricted_case_offers_only_a_refusal(client, pending):
    subject_rights.case_restrict(
        case=pending.case, user=make_user(role=Role.INFORMATION_OFFICER), reason="Objection"
    )
    client.force_login(pending.case.owner)
    url = reverse("access_requests:decide", args=[pending.pk])
    body = client.get(url).content.decode()
    assert 'value="approve"' not in body and 'value="refuse"' in body
    before = grant_rows()
    client.post(url, {"decision": "approve"})
    assert grant_rows() == before


# Who may decide, tried on the service itself: the owner and the coordinator on the team. The
# others are on the team without managing it, off the team, or roles that never manage one.
DECIDERS = {"owner": True, "team_coordinator": True}


def _people(case):
    agency = case.owner.profile.agency
    return {
        "owner": case.owner,
        "team_coordinator": make_user(role=Role.COORDINATOR, agency=agency),
        "team_colleague": make_user(role=Role.SOCIAL_WORKER, agency=agency),
        "outside_coordinator": make_user(role=Role.COORDINATOR),
        "information_officer": make_user(role=Role.INFORMATION_OFFICER),
        "youth_worker": make_user(role=Role.YOUTH_WORKER, agency=agency),
        "partner": make_user(role=Role.PARTNER, agency=agency),
        "mayor_office": make_user(role=Role.MAYOR_OFFICE, agency=agency),
        "admin": make_user(role=Role.ADMIN, agency=agency),
    }


PEOPLE = [
    "owner",
    "team_coordinator",
    "team_colleague",
    "outside_coordinator",
    "information_officer",
    "youth_worker",
    "partner",
    "mayor_office",
    "admin",
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("approve", [True, False], ids=["approve", "refuse"])
def test_only_the_owner_or_the_coordinator_decides_a_request(pending, who, approve):
    user = _people(pending.case)[who]
    before = grant_rows()
    if DECIDERS.get(who):
        decide(pending, user, approve=approve)
        assert grant_rows() != before
        granted = CaseUserObjectPermission.objects.filter(
            user=pending.requested_by, content_object=pending.case
        ).exists()
        assert granted == approve
    else:
        with pytest.raises(PermissionDenied):
            decide(pending, user, approve=approve)
        assert grant_rows() == before


def test_nobody_decides_their_own_request(client, db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=owner)
    coordinator = make_user(role=Role.COORDINATOR)
    request = services.access_request_create(
        user=coordinator, reference=case.reference, reason="For the conference"
    )
    # Later the coordinator's agency joins the team: they see the case and manage its team,
    # but their own request is still the owner's to decide.
    case_services.team_add_agency(
        case=case, agency=coordinator.profile.agency, granted_by=owner, reason="Conference"
    )
    before = grant_rows()
    with pytest.raises(PermissionDenied):
        decide(request, coordinator)
    assert grant_rows() == before
    client.force_login(coordinator)
    assert client.get(reverse("access_requests:decide", args=[request.pk])).status_code == 404
    assert request not in client.get(reverse("access_requests:mine")).context["to_decide"]


def test_the_requests_to_decide_are_recorded_as_read(client, pending):
    client.force_login(pending.case.owner)
    client.get(reverse("access_requests:mine"))
    (read,) = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=pending.case.owner, content_type__model="user"
    )
    assert read.additional_data["read"] == f"access requests: access request {pending.pk}"
    client.get(reverse("access_requests:decide", args=[pending.pk]))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        actor=pending.case.owner,
        content_type__model="accessrequest",
        object_pk=str(pending.pk),
    ).exists()


def test_the_requests_one_made_are_found_by_the_reference_typed_and_nobody_elses(
    client, social_worker
):
    services.access_request_create(user=social_worker, reference="C-2026-0101", reason="Mine")
    services.access_request_create(user=social_worker, reference="C-2026-0202", reason="Mine")
    colleague = make_user(role=Role.SOCIAL_WORKER, agency=social_worker.profile.agency)
    services.access_request_create(user=colleague, reference="C-2026-0103", reason="Theirs")
    client.force_login(social_worker)
    url = reverse("access_requests:mine")
    found = [r.reference for r in client.get(url, {"q": "c-2026-01"}).context["page"]]
    assert found == ["C-2026-0101"]
    nothing = client.get(url, {"q": "C-2031"})
    assert list(nothing.context["page"]) == []
    assert "None of your requests matches your search." in nothing.content.decode()


def test_the_decider_sees_the_person_before_the_reference_and_the_asker_never(client, db):
    owner = make_user(role=Role.SOCIAL_WORKER)
    case = make_case(owner=owner, person=make_person(first_name="Yasmina", last_name="Peeters"))
    asker = make_user(role=Role.POLICE)
    services.access_request_create(user=asker, reference=case.reference, reason="Known to us")
    request = AccessRequest.objects.get()
    client.force_login(owner)
    for url in (
        reverse("access_requests:mine"),
        reverse("access_requests:decide", args=[request.pk]),
    ):
        body = client.get(url).content.decode()
        assert "Yasmina P." in body
        assert body.index("Yasmina P.") < body.index(f"{case.reference}</span>")
    client.force_login(asker)
    assert "Yasmina" not in client.get(reverse("access_requests:mine")).content.decode()
