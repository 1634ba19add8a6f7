from celery import shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _


@shared_task
def ping() -> str:
    """A do-nothing task: proves that a worker takes tasks from the broker and answers."""
    return "pong"


@shared_task
def notify_release(release_id: int) -> int:
    """Tell each recipient that something was released to them. Content-free by design:
    no title, no name, no case; they sign in to read it."""
    from access.selectors import release_recipient_emails

    emails = release_recipient_emails(release_id=release_id)
    subject = _("New information has been released to you")
    body = _(
        "Information has been released to you in the MSC case conference application. "
        "Sign in to read it."
    )
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in emails]
    return send_mass_mail(messages, fail_silently=False) if messages else 0


@shared_task
def remove_expired_grants() -> int:
    from access.services import grants_remove_expired

    return grants_remove_expired()
