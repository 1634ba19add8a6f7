"""The scheduled jobs of referrals (CELERY_BEAT_SCHEDULE, and a command each): thin, they call
a service."""

from celery import shared_task

from referrals import services


@shared_task
def notify_approaching_releases() -> int:
    """The daily job (also the management command of the same name)."""
    return services.prison_release_reminders_send()
