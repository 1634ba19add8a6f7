from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _


@shared_task
def notify_escalation_decided(escalation_id: int) -> int:
    """Content-free: tell the case owner that a decision came back; no case, no text."""
    from cases.models import Escalation

    escalation = Escalation.objects.filter(pk=escalation_id).select_related("case__owner").first()
    if escalation is None or not escalation.case.owner.email:
        return 0
    return send_mail(
        _("A decision was recorded on an escalation"),
        _("A decision was recorded on an escalation you follow. Sign in to read it."),
        settings.DEFAULT_FROM_EMAIL,
        [escalation.case.owner.email],
    )
