"""Reads of the sharing agreements register and of the sharing-decision log. The register holds
no personal data (agencies, purposes, dates), so its reads are not in the read audit; the log
is part of a case, read through the case's door, which records the read. Who may read either
is the policy's."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from access import policy
from accounts.types import Actor
from cases.models import Case
from core.i18n import in_any_language
from privacy.models import AgreementParty, LegalGateway, SharingAgreement, SharingDecision


def agreements_in_force() -> QuerySet[SharingAgreement]:
    """What a disclosure may name today (the release form's choices)."""
    return SharingAgreement.objects.in_force(timezone.localdate()).order_by("title", "pk")


def agreement_list(*, user: Actor, q: str = "") -> QuerySet[SharingAgreement]:
    """The register, newest first; `q` finds agreements by title or by a party's name (in any
    language)."""
    if not policy.may_read_agreements(user):
        return SharingAgreement.objects.none()
    parties = AgreementParty.objects.select_related("agency")
    agreements = SharingAgreement.objects.prefetch_related(
        Prefetch("parties", queryset=parties), "gateways"
    )
    if q:
        named = AgreementParty.objects.filter(in_any_language("agency__name", q))
        named = named.values("agreement_id")
        agreements = agreements.filter(Q(title__icontains=q) | Q(pk__in=named))
    return agreements.order_by("-starts_on", "-pk")


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


def gateways_in_use() -> QuerySet[LegalGateway]:
    return LegalGateway.objects.filter(is_active=True).order_by("name")


def sharing_decisions(*, user: Actor, case: Case, q: str = "") -> QuerySet[SharingDecision]:
    """The log of a case the user sees (through its door): the decisions whose level and
    originating agency let them read it, newest first, in a fixed number of queries. `q`
    finds, among those, the decisions whose information, recipient or reason holds it."""
    decisions = SharingDecision.objects.filter(policy.sharing_decision_filter(user), case=case)
    if q:
        decisions = decisions.filter(
            Q(information__icontains=q) | Q(recipient__icontains=q) | Q(reason__icontains=q)
        )
    return (
        decisions.select_related(
            "gateway",
            "agreement",
            "agency",
            "decided_by",
            "release",
            "outbound_referral__provider",
            "agency_check",
        )
        .prefetch_related("release__recipient_users", "release__recipient_agencies")
        .order_by("-decided_at", "-pk")
    )
