from django.core import mail
from django.urls import reverse

from cases import services as case_services
from cases.models import ChronologyEntry, Escalation
from tests.factories import make_case


def escalate(case, user, audience="mayor"):
    return case_services.escalation_raise(
        case=case,
        raised_by=user,
        audience=audience,
        summary="A closure order for the gym is considered",
        decision_requested="Approve an administrative closure",
    )


def test_the_mayors_office_sees_its_escalations_and_nothing_of_the_case(
    client, social_worker, mayor_office
):
    case = make_case(owner=social_worker)
    case_services.entry_add(
        case=case,
        author=social_worker,
        kind="note",
        level=1,
        occurred_at=case.opened_at,
        text="Team-only detail",
    )
    to_mayor = escalate(case, social_worker)
    to_coordinator = escalate(case, social_worker, audience="coordinator")
    client.force_login(mayor_office)
    body = client.get(reverse("oversight:mayor")).content.decode()
    assert "A closure order for the gym is considered" in body
    for secret in (case.reference, case.person.code, case.person.last_name, "Team-only detail"):
        assert secret not in body
    assert client.get(reverse("oversight:mayor_decide", args=[to_mayor.pk])).status_code == 200
    assert (
        client.get(reverse("oversight:mayor_decide", args=[to_coordinator.pk])).status_code == 404
    )
    assert client.get(case.get_absolute_url()).status_code == 404


def test_the_mayors_decision_flows_back_to_the_case_and_its_owner(
    client, social_worker, mayor_office, django_capture_on_commit_callbacks
):
    case = make_case(owner=social_worker)
    escalation = escalate(case, social_worker, audience="mac")
    client.force_login(mayor_office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("oversight:mayor_decide", args=[escalation.pk]),
            {"status": "decided", "decision": "Closure approved"},
        )
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert (escalation.status, escalation.decided_by) == (Escalation.Status.DECIDED, mayor_office)
    entry = ChronologyEntry.objects.get(case=case, kind="decision")
    assert "Closure approved" in entry.text
    assert [m.to for m in mail.outbox] == [[social_worker.email]]
    assert "Closure approved" not in mail.outbox[0].body
    client.force_login(social_worker)
    assert "Closure approved" in client.get(case.get_absolute_url()).content.decode()


def test_a_decision_needs_its_text(client, social_worker, mayor_office):
    escalation = escalate(make_case(owner=social_worker), social_worker)
    client.force_login(mayor_office)
    response = client.post(
        reverse("oversight:mayor_decide", args=[escalation.pk]),
        {"status": "decided", "decision": ""},
    )
    assert "Write the decision taken." in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.RAISED


def test_only_the_coordinator_asks_for_a_meeting_with_the_mayor(client, coordinator, social_worker):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    client.force_login(social_worker)
    assert client.get(reverse("oversight:mayor_meeting")).status_code == 404
    client.force_login(coordinator)
    response = client.post(
        reverse("oversight:mayor_meeting"),
        {
            "reference": case.reference,
            "summary": "Neighbourhood tension after an incident",
            "decision_requested": "A meeting this month",
        },
    )
    assert response.status_code == 302
    assert Escalation.objects.get().audience == Escalation.Audience.MAYOR_MEETING
