"""The briefing pack as a PDF (issue 17, parts 6 and 7): a numbered copy for one reader, made
when asked from the record as it is then, marked with the protective marking, the reader's name
and the copy number, recorded as a read, and holding only what the reader may read."""

import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Level
from cases import services as case_services
from cases.models import ChronologyEntry
from conferences import services
from conferences.models import AgencyCheck, AgendaItem, DocumentCopy, Meeting
from tests.factories import make_case, make_person, set_meeting_status

CANARY_L4 = "CANARY-L4-police-entry-5120"
CANARY_L3 = "CANARY-L3-police-entry-6631"
CANARY_HELD = "CANARY-L4-held-reason-7702"
CANARY_RESTRICTED = "CANARY-restricted-item-9043"
SHARED = "The family moved to the north of the town."


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def published(meeting, coordinator, social_worker, police_officer, signed):
    """A published agenda: a case the social worker and the police share, with an L2 entry of
    the social worker's, L3 and L4 entries of the police and the police's answer to the agency
    check held at L4; and an item restricted to L3 (the police only)."""
    case = make_case(
        owner=social_worker,
        lead_agency=coordinator.profile.agency,
        person=make_person(first_name="Yannick", last_name="Peeters"),
    )
    hidden = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    for each in (case, hidden):
        case_services.team_add_user(
            case=each, user=police_officer, granted_by=social_worker, reason="team"
        )
    signed(coordinator, social_worker, police_officer)
    item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    restricted = services.agenda_add_case(meeting=meeting, user=coordinator, case=hidden)
    AgendaItem.objects.filter(pk=restricted.pk).update(
        restricted_to_level=Level.L3, title=CANARY_RESTRICTED
    )
    for author, level, text in (
        (social_worker, Level.L2, SHARED),
        (police_officer, Level.L3, CANARY_L3),
        (police_officer, Level.L4, CANARY_L4),
    ):
        case_services.entry_add(
            case=case,
            author=author,
            kind=ChronologyEntry.Kind.NOTE,
            occurred_at=timezone.now(),
            level=level,
            text=text,
        )
    set_meeting_status(meeting, Meeting.Status.PUBLISHED)
    services.agency_check_answer(
        item=item,
        user=police_officer,
        answer=AgencyCheck.Answer.HELD,
        reason=CANARY_HELD,
        level=Level.L4,
    )
    return item, hidden


def test_a_social_workers_pack_bears_their_name_and_nothing_above_their_level(
    client, meeting, published, social_worker
):
    item, hidden = published
    client.force_login(social_worker)
    response = client.get(reverse("conferences:briefing_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert "briefing-" in response["Content-Disposition"]
    assert "copy-1.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert social_worker.get_full_name() in text
    assert "Copy 1," in text and "OFFICIAL-SENSITIVE — L2" in text
    assert "Yannick P" in text and item.case.reference in text and SHARED in text
    assert "The answer is at a level you may not read." in text
    for canary in (CANARY_L4, CANARY_L3, CANARY_HELD, CANARY_RESTRICTED, hidden.reference):
        assert canary not in text
    copy = DocumentCopy.objects.get()
    assert (copy.kind, copy.number, copy.reader, copy.level) == (
        DocumentCopy.Kind.BRIEFING_PACK,
        1,
        social_worker,
        Level.L2,
    )
    read = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, actor=social_worker, object_id=str(meeting.pk)
    ).get()
    assert read.additional_data["read"] == "briefing_pack PDF copy 1"


def test_the_police_officers_pack_shows_what_they_may_read(
    client, meeting, published, police_officer
):
    item, hidden = published
    client.force_login(police_officer)
    text = pdf_text(client.get(reverse("conferences:briefing_pdf", args=[meeting.pk])).content)
    assert "OFFICIAL-SENSITIVE — L4" in text and police_officer.get_full_name() in text
    for canary in (CANARY_L4, CANARY_L3, CANARY_HELD, hidden.reference):
        assert canary in text


def test_each_copy_is_made_from_the_record_as_it_is_when_asked(
    client, meeting, published, social_worker
):
    item, _hidden = published
    client.force_login(social_worker)
    url = reverse("conferences:briefing_pdf", args=[meeting.pk])
    assert "Seen at the youth centre" not in pdf_text(client.get(url).content)
    case_services.entry_add(
        case=item.case,
        author=social_worker,
        kind=ChronologyEntry.Kind.NOTE,
        occurred_at=timezone.now(),
        level=Level.L2,
        text="Seen at the youth centre on Friday.",
    )
    text = pdf_text(client.get(url).content)
    assert "Seen at the youth centre" in text and "Copy 2," in text


def test_the_briefing_page_links_to_the_pack(client, meeting, published, social_worker):
    client.force_login(social_worker)
    page = client.get(reverse("conferences:briefing", args=[meeting.pk]))
    assert reverse("conferences:briefing_pdf", args=[meeting.pk]) in page.content.decode()


def test_no_pack_before_the_declaration_is_signed(client, meeting, other_social_worker):
    meeting.series.core_members.add(other_social_worker)
    client.force_login(other_social_worker)
    response = client.get(reverse("conferences:briefing_pdf", args=[meeting.pk]))
    assert response.status_code == 302
    assert not DocumentCopy.objects.exists()
