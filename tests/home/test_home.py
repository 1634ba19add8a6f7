import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import services as case_services
from cases.models import Escalation
from tests.factories import make_case, make_user

# The panels each role's home page must show (by element id).
EXPECTED_PANELS = {
    Role.SOCIAL_WORKER: ["my-cases", "my-actions", "upcoming-conferences", "my-releases"],
    Role.YOUTH_WORKER: ["my-releases", "my-signals"],
    Role.POLICE: ["my-cases", "upcoming-conferences"],
    Role.INFORMATION_OFFICER: ["release-work", "account-changes-link", "all-cases"],
    Role.COORDINATOR: ["screening", "overdue-actions", "next-conference", "escalations"],
    Role.MAYOR_OFFICE: ["escalations", "statistics"],
    Role.PARTNER: ["my-referrals", "my-releases"],
    Role.ADMIN: ["administration"],
}


def test_every_role_has_an_expectation():
    assert set(EXPECTED_PANELS) == set(Role.values)


@pytest.mark.parametrize("role", Role.values)
def test_home_shows_the_roles_panels_and_who_is_signed_in(client, db, role):
    user = make_user(role=role)
    client.force_login(user)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert response.status_code == 200
    for panel in EXPECTED_PANELS[role]:
        assert f'id="{panel}"' in body
    assert user.profile.agency.name in body
    assert str(Role(role).label).replace("'", "&#x27;") in body
    assert response["Cache-Control"] == "no-store, private"


def test_only_the_admin_sees_the_administration_link(client, db):
    for role in Role.values:
        client.force_login(make_user(role=role))
        has_link = reverse("admin:index") in client.get(reverse("home")).content.decode()
        assert has_link == (role == Role.ADMIN), role


def test_home_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_without_a_role_is_told_to_ask_for_one(client, django_user_model):
    user = django_user_model.objects.create_user(username="nobody", password="x" * 20)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert "no role yet" in body
    assert "data-role" not in body


def test_the_language_switcher_changes_the_language(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "nl"


# --- Issue 14: a home page that shows case content records the read, once ---------------------


def page_reads(user) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS, actor=user, content_type__model="user"
        )
    )


def escalate(case, audience):
    return case_services.escalation_raise(
        case=case,
        raised_by=case.owner,
        audience=audience,
        summary="He was seen near the school again",
        decision_requested="Approve outreach",
    )


def test_the_coordinators_home_records_one_read_of_the_escalations_it_shows(client, coordinator):
    owner = make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)
    escalation = escalate(make_case(owner=owner), Escalation.Audience.COORDINATOR)
    client.force_login(coordinator)
    body = client.get(reverse("home")).content.decode()
    assert "He was seen near the school again" in body
    (read,) = page_reads(coordinator)
    assert f"escalation {escalation.pk}" in read.additional_data["read"]
    assert read.additional_data["activity"] == "case_management"


def test_the_mayors_home_records_one_read_of_the_escalations_it_shows(client, mayor_office):
    escalation = escalate(make_case(), Escalation.Audience.MAYOR)
    client.force_login(mayor_office)
    assert "He was seen near the school again" in client.get(reverse("home")).content.decode()
    (read,) = page_reads(mayor_office)
    assert f"escalation to the mayor {escalation.pk}" in read.additional_data["read"]
    # The mayor's home serves oversight (the register of processing activities).
    assert read.additional_data["activity"] == "oversight"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.PARTNER, Role.SOCIAL_WORKER])
def test_a_home_that_shows_nothing_protected_records_no_read(client, db, role):
    user = make_user(role=role)
    client.force_login(user)
    client.get(reverse("home"))
    assert page_reads(user) == []


def test_the_homes_read_is_one_query_whatever_the_number_of_escalations(client, coordinator):
    owner = make_user(role=Role.SOCIAL_WORKER, agency=coordinator.profile.agency)
    case = make_case(owner=owner)
    escalate(case, Escalation.Audience.COORDINATOR)
    client.force_login(coordinator)
    client.get(reverse("home"))  # warm the caches (content types, session)
    counts = []
    for _more in range(2):
        for _i in range(3):
            escalate(case, Escalation.Audience.COORDINATOR)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home"))
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')]
        assert len(inserts) == 1
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_home_loads_only_the_panels_its_role_shows(client, db):
    # A panel's list is fetched only if the role's page shows it: the coordinator's home has the
    # screening queue, which the police (who may screen too) do not have on theirs.
    police = make_user(role=Role.POLICE)
    client.force_login(police)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert not [q for q in queries if 'FROM "referrals_referral"' in q["sql"]]
    coordinator = make_user(role=Role.COORDINATOR)
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert [q for q in queries if 'FROM "referrals_referral"' in q["sql"]]


@pytest.mark.parametrize("role", Role.values)
def test_every_link_on_a_home_page_leads_somewhere_its_reader_may_go(client, db, role):
    client.force_login(make_user(role=role))
    body = client.get(reverse("home")).content.decode()
    links = {link for link in re.findall(r'href="(/[^"#?]*)', body) if "/static/" not in link}
    assert links
    for link in sorted(links):
        status = client.get(link).status_code
        assert status in (200, 302), (role, link, status)
