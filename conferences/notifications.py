"""The content-free e-mails that conferences' services queue on commit, as Celery tasks: each
takes an id, finds its recipients through the selectors and is safe to run twice."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from conferences import selectors
from conferences.models import Meeting
from core.notifications import send_content_free


@shared_task
def notify_agenda_published(meeting_id: int) -> int:
    """Content-free: "an agenda is ready", no names, no cases."""
    meeting = Meeting.objects.filter(pk=meeting_id).select_related("series").first()
    if meeting is None:
        return 0
    return send_content_free(
        {u.email for u in selectors.meeting_members(meeting=meeting)},
        _("An agenda is ready"),
        _("An agenda for a conference you attend is ready. Sign in to read it."),
    )
