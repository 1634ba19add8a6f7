"""The case team page: the owner and a coordinator change the team; nobody does while
processing of the case is restricted (issue 14, finding 5)."""

from django.urls import reverse

from accounts.models import Role
from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission
from privacy import subject_rights
from tests.cases.conftest import join
from tests.factories import make_user


def grants(case) -> tuple[list, list]:
    return (
        list(CaseUserObjectPermission.objects.filter(content_object=case).order_by("pk").values()),
        list(CaseGroupObjectPermission.objects.filter(content_object=case).order_by("pk").values()),
    )


def add_user(client, case, user):
    return client.post(
        reverse("cases:team", args=[case.reference]),
        {"action": "add_user", "user-user": user.pk, "user-reason": "Knows the family"},
    )


def test_the_owner_adds_a_colleague(client, case):
    colleague = make_user(role=Role.SOCIAL_WORKER)
    client.force_login(case.owner)
    assert add_user(client, case, colleague).status_code == 302
    assert CaseUserObjectPermission.objects.filter(content_object=case, user=colleague).exists()


def test_a_police_officer_on_the_team_is_refused_and_nothing_changes(client, case, police_officer):
    join(case, police_officer)
    before = grants(case)
    client.force_login(police_officer)
    assert add_user(client, case, make_user(role=Role.SOCIAL_WORKER)).status_code == 403
    assert grants(case) == before


def test_a_restricted_case_keeps_its_team_and_says_why(client, case, info_officer):
    subject_rights.case_restrict(case=case, user=info_officer, reason="Accuracy contested")
    before = grants(case)
    client.force_login(case.owner)
    page = client.get(reverse("cases:team", args=[case.reference]))
    assert page.context["may_manage"] is False
    response = add_user(client, case, make_user(role=Role.SOCIAL_WORKER))
    assert response.status_code == 200
    assert "restricted" in response.content.decode()
    removed = client.post(
        reverse("cases:team", args=[case.reference]),
        {"action": "remove", "agency": case.lead_agency_id},
        follow=True,
    )
    assert "restricted" in removed.content.decode()
    assert grants(case) == before
