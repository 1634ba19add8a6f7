"""A coordinator runs a full cycle through the pages: agenda to final minutes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.models import Action, Case
from conferences.models import AgendaItem, Meeting
from tests.factories import make_case

pytestmark = pytest.mark.clock


def test_a_coordinator_runs_a_cycle_from_proposed_agenda_to_final_minutes(
    client,
    coordinator,
    social_worker,
    police_officer,
    series,
    meeting,
    django_capture_on_commit_callbacks,
):
    # A case the coordinator's agency leads, ready for its first conference.
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    case = case_services.case_change_status(
        case=case,
        user=social_worker,
        to_status=Case.Status.INFORMATION_GATHERING,
        reason="Gathering",
        expected_version=case.version,
    )
    client.force_login(coordinator)
    meeting_url = reverse("conferences:meeting", args=[meeting.pk])
    # Before signing, no agenda content.
    assert client.get(reverse("conferences:agenda", args=[meeting.pk])).status_code == 302
    client.post(reverse("conferences:sign", args=[meeting.pk]))
    agenda_url = reverse("conferences:agenda", args=[meeting.pk])
    page = client.get(agenda_url)
    assert [p.case for p in page.context["proposals"]] == [case]
    client.post(agenda_url, {"action": "propose"})
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.case, item.reason) == (case, AgendaItem.Reason.NEW_CASE)
    client.post(agenda_url, {"action": "add_general", "general-title": "Any other business"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(agenda_url, {"action": "publish"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PUBLISHED
    case.refresh_from_db()
    assert case.status == Case.Status.ON_AGENDA
    assert {m.subject for m in mail.outbox} == {"An agenda is ready"}
    assert case.reference not in mail.outbox[0].body

    client.post(agenda_url, {"action": "open"})
    review = (timezone.localdate() + timedelta(days=42)).isoformat()
    due = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.post(
        reverse("conferences:minute", args=[meeting.pk, item.pk]),
        {
            "discussion": "Agreed to start support with a mentor.",
            "level": 2,
            "decision": "adopt",
            "next_review_date": review,
            "action_1_description": "Find a mentor",
            "action_1_owner": social_worker.pk,
            "action_1_due_date": due,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.status == Case.Status.ACTIVE_SUPPORT
    assert Action.objects.get(case=case).description == "Find a mentor"

    # Finalising refuses while the meeting is in session (issue 17: close it first).
    client.post(reverse("conferences:finalise", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.OPEN
    general = AgendaItem.objects.get(meeting=meeting, case__isnull=True)
    client.post(
        reverse("conferences:minute", args=[meeting.pk, general.pk]),
        {"discussion": "Nothing", "level": 1, "decision": "continue"},
    )
    client.post(reverse("conferences:state", args=[meeting.pk]), {"to": "close"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED
    client.post(reverse("conferences:finalise", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.FINAL
    # Final minutes are read-only: the minute page refuses a change.
    response = client.post(
        reverse("conferences:minute", args=[meeting.pk, item.pk]),
        {"discussion": "Rewritten", "level": 2, "decision": "adopt", "next_review_date": review},
    )
    item.refresh_from_db()
    assert item.discussion == "Agreed to start support with a mentor."
    # A correction is an amendment, with a reason.
    client.post(
        reverse("conferences:amend", args=[meeting.pk, item.pk]),
        {"text": "The mentor is from FC Havenstad.", "reason": "Precision", "level": 2},
    )
    minutes = client.get(reverse("conferences:minutes", args=[meeting.pk])).content.decode()
    assert "Agreed to start support with a mentor." in minutes
    assert "The mentor is from FC Havenstad." in minutes
    # The series got its next meeting.
    assert series.meetings.filter(starts_at__gt=meeting.starts_at).exists()
    assert client.get(meeting_url).status_code == 200
