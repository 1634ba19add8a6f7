from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases import services as case_services
from conferences import services
from conferences.models import Meeting
from tests.factories import make_case

pytestmark = pytest.mark.clock


def test_each_reminder_goes_out_once_and_says_nothing_of_the_cases(
    meeting, coordinator, social_worker
):
    case = make_case(owner=social_worker, lead_agency=coordinator.profile.agency)
    services.agenda_add_case(meeting=meeting, user=coordinator, case=case)
    case_services.action_add(
        case=case,
        created_by=social_worker,
        description="Visit",
        owner=social_worker,
        due_date=timezone.localdate(),
    )
    tomorrow = timezone.now() + timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=tomorrow, agenda_cutoff=timezone.now() + timedelta(hours=5)
    )
    sent = services.reminders_send(now=timezone.now())
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {
        "Actions due before the conference",
        "Agenda cut-off approaching",
        "Conference tomorrow",
    }
    owners = [m.to for m in mail.outbox if m.subject == "Actions due before the conference"]
    assert owners == [[social_worker.email]]
    assert sent == sum(len(m.to) for m in mail.outbox) and sent >= 3
    for message in mail.outbox:
        assert case.reference not in message.body + message.subject
    assert services.reminders_send(now=timezone.now()) == 0
