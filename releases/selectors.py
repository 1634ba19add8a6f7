"""Reads of releases, each through the policy: for their recipients, and for their author."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from access import policy
from accounts.types import Actor
from releases.models import Release, ReleaseAcknowledgement


def release_recipients_choices() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(policy.release_receiver_filter(), is_active=True)
        .select_related("profile__agency")
        .order_by("last_name", "first_name")
    )


def releases_for_recipient(*, user: Actor, unread: bool = False) -> QuerySet[Release]:
    """The live releases addressed to the user, each marked whether they acknowledged it; the
    unread ones first (or only them), newest first within each."""
    acknowledged = ReleaseAcknowledgement.objects.filter(release=OuterRef("pk"), user=user)
    releases = (
        Release.objects.filter(policy.release_recipient_filter(user))
        .annotate(acknowledged=Exists(acknowledged))
        .only("pk", "title", "created_at", "expires_on", "version", "purpose")
        .order_by("acknowledged", "-created_at", "-pk")
    )
    return releases.filter(acknowledged=False) if unread else releases


def releases_authored(
    *, user: Actor, search: str = "", expiring_within: int | None = None
) -> QuerySet[Release]:
    """Every release, for the information officer: live and past, with their case; or only the
    live ones that expire within this many days (to renew or let lapse)."""
    releases = (
        Release.objects.filter(policy.release_management_filter(user))
        .select_related("case", "created_by", "replaced_by")
        .order_by("-created_at", "-pk")
    )
    if expiring_within is not None:
        last_day = timezone.localdate() + timedelta(days=expiring_within)
        releases = releases.filter(policy.live_release_filter(), expires_on__lte=last_day).order_by(
            "expires_on", "pk"
        )
    if search.strip():
        releases = releases.filter(
            Q(title__icontains=search) | Q(case__reference__icontains=search)
        )
    return releases


def release_acknowledged(*, user: Actor, release: Release) -> bool:
    return release.acknowledgements.filter(user=user).exists()


def release_acknowledgements(*, release: Release) -> list[dict]:
    """For the information officer: each recipient person and whether they acknowledged."""
    User = get_user_model()
    recipients = (
        User.objects.filter(
            Q(releases_received=release) | Q(profile__agency__in=release.recipient_agencies.all())
        )
        .filter(policy.release_receiver_filter())
        .distinct()
        .select_related("profile__agency")
        .order_by("last_name", "first_name")
    )
    at = dict(
        ReleaseAcknowledgement.objects.filter(release=release).values_list(
            "user_id", "acknowledged_at"
        )
    )
    return [{"user": u, "acknowledged_at": at.get(u.pk)} for u in recipients]


def release_recipient_emails(*, release_id: int) -> list[str]:
    release = Release.objects.filter(pk=release_id).first()
    if release is None:
        return []
    return sorted(
        {
            row["user"].email
            for row in release_acknowledgements(release=release)
            if row["user"].email and row["user"].is_active
        }
    )
