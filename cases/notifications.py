"""The content-free e-mails that cases' services queue on commit, as Celery tasks: each takes an
id and is safe to run twice."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from cases.models import Escalation
from core.notifications import send_content_free


@shared_task
def notify_escalation_decided(escalation_id: int) -> int:
    """Content-free: tell the case owner that a decision came back; no case, no text."""
    escalation = Escalation.objects.filter(pk=escalation_id).select_related("case__owner").first()
    if escalation is None:
        return 0
    return send_content_free(
        [escalation.case.owner.email],
        _("A decision was recorded on an escalation"),
        _("A decision was recorded on an escalation you follow. Sign in to read it."),
    )
