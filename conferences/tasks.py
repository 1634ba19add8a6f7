from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import send_content_free


def _members_emails(meeting) -> set[str]:
    # The publication preview lists the same people (conferences.selectors.meeting_members).
    from conferences.selectors import meeting_members

    return {u.email for u in meeting_members(meeting=meeting)}


@shared_task
def notify_agenda_published(meeting_id: int) -> int:
    """Content-free: "an agenda is ready", no names, no cases."""
    from conferences.models import Meeting

    meeting = Meeting.objects.filter(pk=meeting_id).select_related("series").first()
    if meeting is None:
        return 0
    return send_content_free(
        _members_emails(meeting),
        _("An agenda is ready"),
        _("An agenda for a conference you attend is ready. Sign in to read it."),
    )


@shared_task
def send_conference_reminders() -> int:
    """Daily: agenda cut-off approaching (to the chair), meeting tomorrow (to the members),
    actions due before the next meeting (to their owners). Each sent once."""
    from conferences import services

    return services.reminders_send(now=timezone.now())


@shared_task
def ensure_upcoming_meetings() -> int:
    from conferences import services

    return services.meetings_ensure_upcoming()
