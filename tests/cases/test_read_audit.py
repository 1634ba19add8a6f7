"""Every page that shows case content records the read, once per page view, at one query
(issue 14, finding 5: the edit form, the entry-correction and action-update forms, and the
case list and search pages wrote none)."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Level
from audit import reads as read_audit
from cases import services
from cases.models import Escalation
from tests import documents
from tests.cases.conftest import join

pytestmark = pytest.mark.usefixtures("media_root")


def reads():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("pk")


@pytest.fixture
def furnished(case, coordinator):
    """The case with an entry (and its attachment), an action and an escalation to the
    coordinator, who is on the team."""
    join(case, coordinator)
    entry = services.entry_add(
        case=case,
        author=case.owner,
        kind="note",
        occurred_at=timezone.now() - timedelta(hours=1),
        level=Level.L2,
        text="Met at the youth centre",
        attachment=SimpleUploadedFile("note.pdf", documents.PDF, "application/pdf"),
    )
    action = services.action_add(
        case=case,
        created_by=case.owner,
        description="Home visit",
        owner=case.owner,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    escalation = services.escalation_raise(
        case=case,
        raised_by=case.owner,
        audience=Escalation.Audience.COORDINATOR,
        summary="Needs a decision",
        decision_requested="Approve outreach",
    )
    return {
        "case": case,
        "entry": entry,
        "attachment": entry.attachments.get(),
        "action": action,
        "escalation": escalation,
    }


def case_page(name, **ids):
    def url(f):
        return reverse(
            f"cases:{name}",
            kwargs={"reference": f["case"].reference, **{k: f[v].pk for k, v in ids.items()}},
        )

    return url


# Each page, and the object its read is recorded against.
PAGES = {
    "detail": (case_page("detail"), "case"),
    "edit": (case_page("edit"), "case"),
    "team": (case_page("team"), "case"),
    "status": (case_page("status"), "case"),
    "entry_add": (case_page("entry_add"), "case"),
    "entry_correct": (case_page("entry_correct", entry_id="entry"), "case"),
    "assessment_add": (case_page("assessment_add"), "case"),
    "action_add": (case_page("action_add"), "case"),
    "action_update": (case_page("action_update", action_id="action"), "case"),
    "escalation_add": (case_page("escalation_add"), "case"),
    "escalation_decide": (case_page("escalation_decide", escalation_id="escalation"), "escalation"),
    "attachment": (case_page("attachment", attachment_id="attachment"), "attachment"),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_each_case_page_records_one_read_of_what_it_shows(client, furnished, coordinator, page):
    url, what = PAGES[page]
    client.force_login(coordinator)
    response = client.get(url(furnished))
    assert response.status_code == 200
    rows = list(reads())
    assert len(rows) == 1
    row = rows[0]
    assert (row.content_type.model, row.object_pk, row.actor_id) == (
        what,
        str(furnished[what].pk),
        coordinator.pk,
    )
    assert row.remote_addr == "127.0.0.1"


def test_the_correction_and_action_forms_name_what_they_showed(client, furnished, coordinator):
    client.force_login(coordinator)
    client.get(PAGES["entry_correct"][0](furnished))
    client.get(PAGES["action_update"][0](furnished))
    shown = [row.additional_data["read"] for row in reads()]
    assert shown == [
        f"correction form of entry {furnished['entry'].pk}",
        f"update form of action {furnished['action'].pk}",
    ]


@pytest.mark.parametrize("page", ["edit", "entry_correct", "action_update"])
def test_recording_the_read_costs_one_query(client, furnished, coordinator, monkeypatch, page):
    url = PAGES[page][0](furnished)
    client.force_login(coordinator)
    client.get(url)  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as audited:
        client.get(url)
    monkeypatch.setattr(read_audit, "record_read", lambda **kwargs: None)
    with CaptureQueriesContext(connection) as silent:
        client.get(url)
    assert len(audited) == len(silent) + 1


def test_a_page_of_the_case_list_records_one_read_naming_the_cases_shown(
    client, social_worker, case
):
    client.force_login(social_worker)
    client.get(reverse("cases:list"), {"status": "intake"})
    [row] = reads()
    # Filed under the reader's account, as every list's read is: a list has no one object.
    assert (row.content_type.model, row.object_pk, row.actor_id) == (
        "user",
        str(social_worker.pk),
        social_worker.pk,
    )
    assert row.additional_data == {
        "read": f"case list: case {case.pk}",
        "search": "",
        "filters": {"status": "intake"},
        "activity": "case_management",
    }


def test_a_search_records_one_read_with_the_search_term(client, social_worker, case):
    client.force_login(social_worker)
    client.get(reverse("cases:list"), {"q": case.person.last_name})
    [row] = reads()
    assert row.additional_data["search"] == case.person.last_name
    assert row.additional_data["read"] == f"case list: case {case.pk}"


def test_a_search_that_finds_nothing_is_recorded_too(client, social_worker, case):
    client.force_login(social_worker)
    client.get(reverse("cases:list"), {"q": "Nobody-by-this-name"})
    [row] = reads()
    assert row.additional_data["search"] == "Nobody-by-this-name"
    assert row.additional_data["read"] == "case list"


def test_recording_a_list_read_costs_one_query(client, social_worker, case, monkeypatch):
    url = reverse("cases:list")
    client.force_login(social_worker)
    client.get(url)
    with CaptureQueriesContext(connection) as audited:
        client.get(url)
    monkeypatch.setattr(read_audit, "record_list_read", lambda **kwargs: None)
    with CaptureQueriesContext(connection) as silent:
        client.get(url)
    assert len(audited) == len(silent) + 1


def test_a_refused_page_records_no_read(client, furnished, police_officer, db):
    # Not on the team: the case does not exist for them.
    client.force_login(police_officer)
    for url, _what in PAGES.values():
        assert client.get(url(furnished)).status_code == 404
    assert not reads().exists()
