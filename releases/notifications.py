"""The content-free e-mails that releases' services queue on commit, as Celery tasks: each takes
an id, finds its recipients through the selectors and is safe to run twice."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from core.notifications import send_content_free
from releases import selectors


@shared_task
def notify_release(release_id: int) -> int:
    """Tell each recipient that something was released to them. Content-free by design:
    no title, no name, no case; they sign in to read it."""
    emails = selectors.release_recipient_emails(release_id=release_id)
    subject = _("New information has been released to you")
    body = _(
        "Information has been released to you in the MSC case conference application. "
        "Sign in to read it."
    )
    return send_content_free(emails, subject, body)
