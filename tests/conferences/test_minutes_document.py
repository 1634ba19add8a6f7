"""The minutes as a document (issue 17, part 7): the actions agreed at each item, the chair's
approval, a numbered PDF copy marked for its reader, and a calendar file without case content."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Level
from cases import services as case_services
from conferences import services
from conferences.models import AgendaItem, AgreedAction, DocumentCopy, Meeting, MinutesApproval
from core import ics
from tests.factories import make_case, make_person, set_meeting_status

CANARY_L4 = "CANARY-L4-minute-of-the-police-3301"
CANARY_L3 = "CANARY-L3-amendment-of-the-zone-8812"
CANARY_RESTRICTED = "CANARY-restricted-item-4471"
ACTION = "Find a mentor at the boxing club"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def minuted(meeting, coordinator, social_worker, police_officer, signed):
    """Final minutes: an item whose minute is the police's (L4) with an action agreed and an
    L3 amendment of the police; an item restricted to L3 (police only)."""
    case = make_case(
        owner=social_worker,
        lead_agency=coordinator.profile.agency,
        person=make_person(first_name="Yannick", last_name="Peeters"),
    )
    restricted_case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    for each in (case, restricted_case):
        case_services.team_add_user(
            case=each, user=police_officer, granted_by=social_worker, reason="team"
        )
    signed(coordinator, social_worker, police_officer)
    # Outcomes are recorded in session (issue 17's states).
    set_meeting_status(meeting, Meeting.Status.OPEN)
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    services.minute_record(
        item=item,
        user=coordinator,
        discussion="Discussed.",
        decision=AgendaItem.Decision.CONTINUE,
        level=Level.L2,
        actions=[
            {
                "description": ACTION,
                "owner": social_worker,
                "due_date": timezone.localdate() + timedelta(days=14),
            }
        ],
    )
    AgendaItem.objects.filter(pk=item.pk).update(
        discussion=f"Intelligence {CANARY_L4}",
        minute_level=Level.L4,
        minute_agency=police_officer.profile.agency,
    )
    restricted = services.agenda_add_case(meeting=meeting, user=coordinator, case=restricted_case)
    AgendaItem.objects.filter(pk=restricted.pk).update(
        restricted_to_level=Level.L3,
        title=CANARY_RESTRICTED,
        discussion=CANARY_RESTRICTED,
        decision=AgendaItem.Decision.CONTINUE,
    )
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.FINAL, finalised_at=timezone.now(), finalised_by=coordinator
    )
    meeting.refresh_from_db()
    police_chair_amends(meeting, item, police_officer)
    return item


def police_chair_amends(meeting, item, police_officer):
    from conferences.models import Amendment

    Amendment.objects.create(
        item=item,
        text=CANARY_L3,
        reason="Omitted",
        level=Level.L3,
        agency=police_officer.profile.agency,
        written_by=police_officer,
    )


def test_a_minute_links_the_actions_it_agrees_to_its_item(minuted):
    agreed = AgreedAction.objects.get()
    assert (agreed.item, agreed.action.description) == (minuted, ACTION)


def test_the_minutes_page_shows_the_actions_agreed_as_a_table(client, minuted, social_worker):
    client.force_login(social_worker)
    page = client.get(reverse("conferences:minutes", args=[minuted.meeting_id]))
    body = page.content.decode()
    assert f"agreed-action-{AgreedAction.objects.get().action_id}" in body
    assert ACTION in body and social_worker.get_full_name() in body
    for canary in (CANARY_L4, CANARY_L3, CANARY_RESTRICTED):
        assert canary not in body


def test_a_social_workers_pdf_bears_their_name_and_no_l3_or_l4_text(client, minuted, social_worker):
    client.force_login(social_worker)
    url = reverse("conferences:minutes_pdf", args=[minuted.meeting_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert "copy-1.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert social_worker.get_full_name() in text
    assert "Copy 1," in text
    assert "OFFICIAL-SENSITIVE — L2" in text
    assert "Yannick P." in text and ACTION in text
    assert "The discussion is at a level you may not read." in text
    for canary in (CANARY_L4, CANARY_L3, CANARY_RESTRICTED):
        assert canary not in text
    # Every page is stamped (the marking twice: at the top and at the bottom).
    for page in PdfReader(io.BytesIO(response.content)).pages:
        assert page.extract_text().count("OFFICIAL-SENSITIVE — L2") >= 2

    second = client.get(url)
    assert "Copy 2," in pdf_text(second.content)
    copies = DocumentCopy.objects.filter(meeting_id=minuted.meeting_id, kind="minutes")
    assert [(c.number, c.reader, c.level) for c in copies] == [
        (1, social_worker, Level.L2),
        (2, social_worker, Level.L2),
    ]
    reads = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=social_worker, object_id=str(minuted.meeting_id)
    ).order_by("pk")
    assert [r.additional_data["read"] for r in reads] == [
        "minutes PDF copy 1",
        "minutes PDF copy 2",
    ]


def test_the_police_copy_is_marked_at_the_highest_level_it_shows(
    client, minuted, police_officer, social_worker
):
    DocumentCopy.objects.create(
        meeting=minuted.meeting,
        kind="minutes",
        number=7,
        reader=social_worker,
        level=Level.L2,
        issued_at=timezone.now(),
    )
    client.force_login(police_officer)
    response = client.get(reverse("conferences:minutes_pdf", args=[minuted.meeting_id]))
    text = pdf_text(response.content)
    assert "OFFICIAL-SENSITIVE — L4" in text
    assert CANARY_L4 in text and CANARY_L3 in text and CANARY_RESTRICTED in text
    # The next number after the highest issued.
    assert "Copy 8," in text and police_officer.get_full_name() in text


def test_no_copy_before_the_declaration_is_signed(client, meeting, social_worker):
    client.force_login(social_worker)
    response = client.get(reverse("conferences:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 302
    assert not DocumentCopy.objects.exists()


# --- Approval ---------------------------------------------------------------------------------


def test_the_chair_approves_final_minutes_once_until_they_are_amended(
    client, minuted, coordinator, social_worker
):
    meeting = minuted.meeting
    client.force_login(coordinator)
    url = reverse("conferences:approve", args=[meeting.pk])
    assert client.post(url).status_code == 302
    approval = MinutesApproval.objects.get()
    assert approval.approved_by == coordinator
    assert LogEntry.objects.get_for_object(approval).filter(action=LogEntry.Action.CREATE)
    page = client.get(reverse("conferences:minutes", args=[meeting.pk]))
    assert "Approved by the chair" in page.content.decode()
    assert not page.context["may_approve"]

    with pytest.raises(ValidationError):
        services.minutes_approve(meeting=meeting, user=coordinator)
    # An amendment the chair reads asks for a new approval.
    services.amendment_add(item=minuted, user=coordinator, text="He came.", reason="Omitted")
    assert client.get(reverse("conferences:minutes", args=[meeting.pk])).context["may_approve"]
    services.minutes_approve(meeting=meeting, user=coordinator)
    assert MinutesApproval.objects.count() == 2

    with pytest.raises(PermissionDenied):
        services.minutes_approve(meeting=meeting, user=social_worker)


def test_draft_minutes_are_not_approved(meeting, coordinator, signed):
    signed(coordinator)
    with pytest.raises(ValidationError):
        services.minutes_approve(meeting=meeting, user=coordinator)
    assert not MinutesApproval.objects.exists()


def test_the_chair_signs_before_approving(meeting, coordinator):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.FINAL)
    meeting.refresh_from_db()
    with pytest.raises(ValidationError):
        services.minutes_approve(meeting=meeting, user=coordinator)


# --- The calendar file ------------------------------------------------------------------------


def test_the_calendar_file_holds_the_meeting_and_no_case_content(client, minuted, social_worker):
    meeting = minuted.meeting
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=datetime(2027, 3, 9, 8, 30, tzinfo=UTC), location="Town hall; room 3, east"
    )
    client.force_login(social_worker)
    response = client.get(reverse("conferences:calendar", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    lines = text.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2:] == ["END:VCALENDAR", ""]
    assert "DTSTART:20270309T083000Z" in lines
    assert "DTEND:20270309T103000Z" in lines
    assert "SUMMARY:Bi-weekly case conference" in lines
    assert "LOCATION:Town hall\\; room 3\\, east" in lines
    assert f"URL:http://testserver/conferences/meetings/{meeting.pk}/" in lines
    assert f"UID:meeting-{meeting.pk}@testserver" in lines
    assert "STATUS:CONFIRMED" in lines
    for secret in (minuted.case.reference, "Yannick", ACTION, CANARY_L4, CANARY_RESTRICTED):
        assert secret not in text
    assert not DocumentCopy.objects.exists()


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    event = ics.Event(
        uid="meeting-1@example.org",
        starts_at=datetime(2027, 1, 1, 9, tzinfo=UTC),
        ends_at=datetime(2027, 1, 1, 11, tzinfo=UTC),
        summary="Réunion de concertation de cas — " * 5,
    )
    text = ics.calendar(event, now=datetime(2026, 12, 1, tzinfo=UTC))
    physical = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical)
    unfolded = text.replace("\r\n ", "")
    assert f"SUMMARY:{'Réunion de concertation de cas — ' * 5}" in unfolded.split("\r\n")
    assert "DTSTAMP:20261201T000000Z" in physical


def test_the_minutes_document_takes_a_fixed_number_of_queries(
    meeting, coordinator, social_worker, signed
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conferences import selectors

    signed(coordinator)
    set_meeting_status(meeting, Meeting.Status.OPEN)

    def add_items(n):
        for _ in range(n):
            case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
            item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
            due = timezone.localdate() + timedelta(days=7)
            services.minute_record(
                item=item,
                user=coordinator,
                discussion="Discussed.",
                decision=AgendaItem.Decision.CONTINUE,
                actions=[
                    {"description": f"Action {k}", "owner": social_worker, "due_date": due}
                    for k in range(3)
                ],
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            document = selectors.minutes_document(user=coordinator, meeting=meeting)
            rows = [
                (a.action.owner, a.action.owner_agency) for i in document.items for a in i.agreed
            ]
        return len(captured), len(rows)

    add_items(1)
    few, rows_few = queries()
    add_items(3)
    many, rows_many = queries()
    assert (rows_few, rows_many) == (3, 12)
    assert few == many
