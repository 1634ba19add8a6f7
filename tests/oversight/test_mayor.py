import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from cases.models import ChronologyEntry, Escalation
from tests.factories import make_case, make_user


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


def test_an_empty_submit_records_nothing_and_says_so(client, social_worker, mayor_office):
    escalation = escalate(make_case(owner=social_worker), social_worker)
    client.force_login(mayor_office)
    response = client.post(reverse("oversight:mayor_decide", args=[escalation.pk]), {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose whether you record a decision or a review." in body
    assert "Decision recorded" not in body
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.RAISED


def test_under_review_is_not_announced_as_a_decision(client, social_worker, mayor_office):
    escalation = escalate(make_case(owner=social_worker), social_worker)
    client.force_login(mayor_office)
    url = reverse("oversight:mayor_decide", args=[escalation.pk])
    response = client.post(url, {"status": "under_review", "decision": ""}, follow=True)
    body = response.content.decode()
    assert "No decision is recorded yet." in body
    assert "Decision recorded" not in body
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.UNDER_REVIEW
    # Again: nothing would change, so it is refused rather than "recorded".
    response = client.post(url, {"status": "under_review", "decision": ""})
    assert "It is already under review" in response.content.decode()


def test_a_decision_text_under_review_is_refused_not_dropped(client, social_worker, mayor_office):
    escalation = escalate(make_case(owner=social_worker), social_worker)
    client.force_login(mayor_office)
    response = client.post(
        reverse("oversight:mayor_decide", args=[escalation.pk]),
        {"status": "under_review", "decision": "Closure approved"},
    )
    assert "A decision is recorded only with" in response.content.decode()
    escalation.refresh_from_db()
    assert (escalation.status, escalation.decision) == (Escalation.Status.RAISED, "")


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


# --- Issue 14: the mayor's escalation list records its read; the door decides -----------------


def page_reads(user) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, actor=user, content_type__model="user"
        )
    )


def test_the_mayors_escalation_list_records_one_read_of_the_texts_it_shows(
    client, social_worker, mayor_office
):
    case = make_case(owner=social_worker)
    shown = [escalate(case, social_worker), escalate(case, social_worker, audience="mac")]
    escalate(case, social_worker, audience="coordinator")
    client.force_login(mayor_office)
    client.get(reverse("oversight:mayor"))
    (read,) = page_reads(mayor_office)
    prefix = "escalations to the mayor: escalation "
    assert read.additional_data["read"].startswith(prefix)
    ids = read.additional_data["read"].removeprefix(prefix).split(", ")
    assert sorted(ids) == sorted(str(e.pk) for e in shown)


def test_the_mayors_list_records_its_read_in_one_query(client, social_worker, mayor_office):
    case = make_case(owner=social_worker)
    escalate(case, social_worker)
    client.force_login(mayor_office)
    client.get(reverse("oversight:mayor"))  # warm the caches (content types, session)
    counts = []
    for _more in range(2):
        for _i in range(3):
            escalate(case, social_worker)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("oversight:mayor"))
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')]
        assert len(inserts) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_opening_an_escalation_to_decide_it_is_recorded(client, social_worker, mayor_office):
    escalation = escalate(make_case(owner=social_worker), social_worker)
    client.force_login(mayor_office)
    client.get(reverse("oversight:mayor_decide", args=[escalation.pk]))
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        actor=mayor_office,
        content_type__model="escalation",
        object_pk=str(escalation.pk),
    ).exists()


@pytest.mark.parametrize("role", ["coordinator", "social_worker", "information_officer"])
def test_no_one_but_the_mayors_office_opens_the_mayors_escalations(client, db, role):
    owner = make_user(role="social_worker")
    escalation = escalate(make_case(owner=owner), owner)
    user = owner if role == "social_worker" else make_user(role=role)
    client.force_login(user)
    assert client.get(reverse("oversight:mayor")).status_code == 404
    assert client.get(reverse("oversight:mayor_decide", args=[escalation.pk])).status_code == 404


def test_the_mayors_list_puts_what_waits_for_a_decision_first_and_can_show_only_that(
    client, social_worker, mayor_office
):
    case = make_case(owner=social_worker)
    decided = escalate(case, social_worker)
    case_services.escalation_decide(
        escalation=decided, user=mayor_office, status="decided", decision="Approved"
    )
    waiting = escalate(case, social_worker, audience="mac")
    client.force_login(mayor_office)
    listed = client.get(reverse("oversight:mayor")).context["page"].object_list
    assert [e.pk for e in listed] == [waiting.pk, decided.pk]
    only_open = client.get(reverse("oversight:mayor"), {"open": "on"})
    assert [e.pk for e in only_open.context["page"].object_list] == [waiting.pk]


def test_the_mayor_sees_what_each_escalation_is_about_not_whom_it_is_addressed_to(
    client, social_worker, mayor_office
):
    escalation = escalate(make_case(owner=social_worker), social_worker, audience="mac")
    client.force_login(mayor_office)
    for page in (reverse("home"), reverse("oversight:mayor")):
        body = client.get(page).content.decode()
        assert "A closure order for the gym is considered" in body, page
        assert "Approve an administrative closure" in body, page
        assert "Advisory Council (MAC)</" not in body, page
    home = client.get(reverse("home")).content.decode()
    link = reverse("oversight:mayor_decide", args=[escalation.pk])
    assert f'href="{link}">A closure order for the gym is considered</a>' in home


def test_the_mayors_office_finds_an_escalation_by_what_it_is_about(
    client, social_worker, mayor_office
):
    gym = escalate(make_case(owner=social_worker), social_worker)
    case_services.escalation_raise(
        case=make_case(owner=social_worker),
        raised_by=social_worker,
        audience="coordinator",
        summary="A closure of the youth centre is asked for",
        decision_requested="Decide on the youth centre",
    )
    festival = case_services.escalation_raise(
        case=make_case(owner=social_worker),
        raised_by=social_worker,
        audience="mayor",
        summary="The summer festival asks for extra stewards",
        decision_requested="Fund two stewards",
    )
    client.force_login(mayor_office)
    url = reverse("oversight:mayor")
    by_summary = client.get(url, {"q": "CLOSURE"}).content.decode()
    assert f"escalation-{gym.pk}" in by_summary and f"escalation-{festival.pk}" not in by_summary
    # Only what is addressed to the mayor: the coordinator's youth-centre escalation is not.
    assert "youth centre" not in by_summary
    by_decision = client.get(url, {"q": "stewards"}).content.decode()
    assert f"escalation-{festival.pk}" in by_decision and f"escalation-{gym.pk}" not in by_decision
    assert "No escalation matches your search." in client.get(url, {"q": "zzz"}).content.decode()
