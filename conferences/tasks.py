"""The scheduled jobs of conferences (CELERY_BEAT_SCHEDULE, and a command each): thin, they
call a service."""

from celery import shared_task
from django.utils import timezone

from conferences import services


@shared_task
def send_conference_reminders() -> int:
    """Daily: agenda cut-off approaching (to the chair), meeting tomorrow (to the members),
    actions due before the next meeting (to their owners). Each sent once."""
    return services.reminders_send(now=timezone.now())


@shared_task
def ensure_upcoming_meetings() -> int:
    return services.meetings_ensure_upcoming()
