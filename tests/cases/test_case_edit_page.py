"""The case edit page: who may change the owner and the lead agency (issue 14, finding 2)."""

from django.urls import reverse

from accounts.models import Agency, Role
from cases import selectors
from cases.models import (
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ConcernCategory,
)
from tests.cases.conftest import join
from tests.factories import AgencyFactory, make_user


def form_data(case: Case, **changes) -> dict:
    data = {
        "version": case.version,
        "categories": [ConcernCategory.objects.first().pk],
        "risk_level": case.risk_level,
        "lead_agency": case.lead_agency_id,
        "owner": case.owner_id,
        "legal_basis": case.legal_basis,
        "not_informed_reason": case.not_informed_reason,
    }
    data.update(changes)
    return data


def grants(case: Case) -> tuple[list, list]:
    return (
        list(CaseUserObjectPermission.objects.filter(content_object=case).order_by("pk").values()),
        list(CaseGroupObjectPermission.objects.filter(content_object=case).order_by("pk").values()),
    )


def test_a_police_officer_cannot_hand_the_case_to_a_health_worker_and_the_prison(
    client, case, police_officer
):
    join(case, police_officer)
    health_worker = make_user(role=Role.SOCIAL_WORKER)
    prison = AgencyFactory(name="Prison", kind=Agency.Kind.PRISON)
    prison_worker = make_user(role=Role.SOCIAL_WORKER, agency=prison)
    team_before = grants(case)
    client.force_login(police_officer)
    client.post(
        reverse("cases:edit", args=[case.reference]),
        form_data(case, owner=health_worker.pk, lead_agency=prison.pk, risk_level="high"),
    )
    stored = Case.objects.get(pk=case.pk)
    assert stored.risk_level == "high"  # the form was taken: what they may change, changed
    assert (stored.owner_id, stored.lead_agency_id) == (case.owner_id, case.lead_agency_id)
    assert grants(case) == team_before
    for outsider in (health_worker, prison_worker):
        assert not selectors.visible_cases(user=outsider).filter(pk=case.pk).exists()


def test_the_owner_and_lead_agency_are_shown_but_fixed_for_a_police_officer(
    client, case, police_officer
):
    join(case, police_officer)
    client.force_login(police_officer)
    form = client.get(reverse("cases:edit", args=[case.reference])).context["form"]
    assert form.fields["owner"].disabled and form.fields["lead_agency"].disabled
    assert not form.fields["risk_level"].disabled


def test_a_police_officer_saves_the_other_details(client, case, police_officer):
    join(case, police_officer)
    client.force_login(police_officer)
    response = client.post(
        reverse("cases:edit", args=[case.reference]), form_data(case, risk_level="high")
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).risk_level == "high"


def test_the_owner_hands_the_case_to_a_colleague_who_joins_the_team(client, case):
    colleague = make_user(role=Role.SOCIAL_WORKER)
    client.force_login(case.owner)
    form = client.get(reverse("cases:edit", args=[case.reference])).context["form"]
    assert not form.fields["owner"].disabled
    response = client.post(
        reverse("cases:edit", args=[case.reference]), form_data(case, owner=colleague.pk)
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).owner == colleague
    assert selectors.visible_cases(user=colleague).filter(pk=case.pk).exists()
