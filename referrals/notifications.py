"""The e-mails that referrals' services queue on commit, as Celery tasks. Content-free by design:
no name, no case reference, no text of a referral; the reader signs in to see what they may see.
Each task takes an id, finds its recipients through the selectors and is safe to run twice."""

from celery import shared_task
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.notifications import send_content_free as _send
from referrals import selectors
from referrals.models import Screening


def _sign_in() -> Promise:
    return _("Sign in to the MSC case conference application to see it.")


@shared_task
def notify_referral_received(_referral_id: int) -> int:
    """To the coordinators: a referral waits for screening (new, or answered). Content-free,
    so the referral's id goes unused; the task keeps taking it, as every task queued does."""
    return _send(
        selectors.coordinator_emails(),
        _("A referral is waiting for screening"),
        format_lazy("{} {}", _("A referral is waiting for screening."), _sign_in()),
    )


@shared_task
def notify_screening_decided(screening_id: int) -> int:
    """To the referrer: there is news about one of their referrals."""
    referral_id = (
        Screening.objects.filter(pk=screening_id).values_list("referral_id", flat=True).first()
    )
    if referral_id is None:
        return 0
    return _send(
        selectors.referrer_emails(referral_id=referral_id),
        _("News about a referral you made"),
        format_lazy("{} {}", _("A referral you made has been screened."), _sign_in()),
    )


@shared_task
def notify_outbound_sent(outbound_id: int) -> int:
    """To the provider agency: a referral has been addressed to it."""
    return _send(
        selectors.provider_emails(outbound_id=outbound_id),
        _("A referral has been sent to your agency"),
        format_lazy("{} {}", _("A referral has been sent to your agency."), _sign_in()),
    )


@shared_task
def notify_outbound_answered(outbound_id: int) -> int:
    """To the case owner: a provider answered an outbound referral."""
    return _send(
        selectors.case_owner_emails(outbound_id=outbound_id),
        _("A service answered a referral"),
        format_lazy("{} {}", _("A service answered a referral on one of your cases."), _sign_in()),
    )


@shared_task
def notify_release_approaching(release_id: int) -> int:
    """To the case owner and the outreach worker: a release from prison is approaching."""
    return _send(
        selectors.prison_release_emails(release_id=release_id),
        _("A release from prison is approaching"),
        format_lazy(
            "{} {}", _("A release from prison on one of your cases is approaching."), _sign_in()
        ),
    )
