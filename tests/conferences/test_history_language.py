"""What a conference writes into a case's history (issue 16) is said in the reader's language,
not in the chair's: the agenda it was put on, with the day in the reader's format, and the
decision."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from cases import services as case_services
from cases.models import Case, StatusChange
from conferences import selectors, services
from conferences.models import AgendaItem
from tests.factories import make_case

pytestmark = pytest.mark.clock
S = Case.Status

DUTCH_MONTHS = "januari februari maart april mei juni juli augustus september oktober november "
DUTCH_MONTHS = (DUTCH_MONTHS + "december").split()


def test_the_agenda_and_the_decision_read_in_the_readers_language(
    coordinator, social_worker, meeting, compiled
):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case = case_services.case_change_status(
        case=case,
        user=social_worker,
        to_status=Case.Status.INFORMATION_GATHERING,
        reason="Gathering",
        expected_version=case.version,
    )
    with translation.override("fr"):  # the chair works in French
        item = services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
        services.agenda_publish(meeting=meeting, user=coordinator)
        services.meeting_open(meeting=meeting, user=coordinator)
        services.minute_record(
            item=item,
            user=coordinator,
            discussion="Accord pour un mentor.",
            decision="adopt",
            next_review_date=timezone.localdate() + timedelta(days=42),
        )
    day = timezone.localtime(meeting.starts_at).date()
    agenda, decision = (
        case.status_changes.exclude(event=StatusChange.Event.CHANGED)
        .exclude(event=StatusChange.Event.OPENED)
        .order_by("pk")
    )
    assert (agenda.event, agenda.params) == (
        StatusChange.Event.PUT_ON_AGENDA,
        {"day": day.isoformat()},
    )
    assert (decision.event, decision.params) == (
        StatusChange.Event.CONFERENCE_DECISION,
        {"decision": "Adopt (active support)"},
    )
    dutch_day = f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"
    with translation.override("nl"):
        assert agenda.text() == f"Op de agenda van het casusoverleg van {dutch_day}"
        assert decision.text() == "Beslissing van het casusoverleg: Opnemen (actieve begeleiding)"
    with translation.override("en"):
        assert agenda.text() == f"On the agenda of the conference of {day:%-d %b %Y}"
        assert decision.text() == "Conference decision: Adopt (active support)"


def test_an_escalation_item_and_its_reason_read_in_the_readers_language(
    coordinator, social_worker, meeting, compiled
):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    escalation = case_services.escalation_raise(
        case=case,
        raised_by=social_worker,
        audience="coordinator",
        summary="Threats at school",
        decision_requested="A meeting with the school",
    )
    with translation.override("fr"):
        item = services.agenda_add_escalation(
            meeting=meeting, user=coordinator, escalation=escalation
        )
    assert (item.title, item.reason_detail) == ("", "coordinator")
    read = {}
    for language in ("nl", "en"):
        with translation.override(language):
            read[language] = (item.heading(), item.detail_text())
    assert read == {
        "nl": (f"Escalatie {escalation.pk}", "Coördinator"),
        "en": (f"Escalation {escalation.pk}", "Coordinator"),
    }


def test_a_proposal_gives_its_reason_and_day_in_the_readers_language(
    coordinator, social_worker, meeting, compiled
):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    for status in (S.INFORMATION_GATHERING, S.ON_AGENDA, S.ACTIVE_SUPPORT):
        case = case_services.case_change_status(
            case=case,
            user=social_worker,
            to_status=status,
            reason="Next step",
            expected_version=case.version,
            next_review_date=timezone.localdate(),
        )
    [proposal] = selectors.agenda_proposals(user=coordinator, meeting=meeting)
    day = timezone.localdate()
    assert (proposal.reason, proposal.detail) == (AgendaItem.Reason.REVIEW_DUE, day.isoformat())
    with translation.override("nl"):
        assert proposal.reason_label() == "Evaluatie vervalt"
        assert proposal.detail_text() == f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"
