from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from access.models import AccessRequest, Role
from cases.models import CaseUserObjectPermission
from tests.factories import make_case, make_user

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
