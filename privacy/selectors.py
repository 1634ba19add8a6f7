"""Reads of the sharing agreements register. The register holds no personal data (agencies,
purposes, dates), so its reads are not in the read audit; who may read it is the policy's."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from access import policy
from accounts.types import Actor
from privacy.models import AgreementParty, SharingAgreement


def agreements_in_force() -> QuerySet[SharingAgreement]:
    """What a disclosure may name today (the release form's choices)."""
    return SharingAgreement.objects.in_force(timezone.localdate()).order_by("title", "pk")


def agreement_list(*, user: Actor) -> QuerySet[SharingAgreement]:
    if not policy.may_read_agreements(user):
        return SharingAgreement.objects.none()
    parties = AgreementParty.objects.select_related("agency")
    return SharingAgreement.objects.prefetch_related(
        Prefetch("parties", queryset=parties), "gateways"
    ).order_by("-starts_on", "-pk")


def agreements_due_for_review(*, user: Actor) -> QuerySet[SharingAgreement]:
    """For the coordinator, who keeps the register: agreements not ended whose review date
    falls within AGREEMENT_REVIEW_NOTICE_DAYS, or has passed."""
    if not policy.may_manage_agreements(user):
        return SharingAgreement.objects.none()
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.AGREEMENT_REVIEW_NOTICE_DAYS)
    return (
        SharingAgreement.objects.filter(review_on__lte=horizon)
        .exclude(ends_on__lt=today)
        .order_by("review_on", "pk")
    )
