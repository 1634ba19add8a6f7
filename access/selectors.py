"""Reads of access requests, through the policy."""

from django.db.models import QuerySet

from access import policy
from access.models import AccessRequest
from accounts.types import Actor

# --- Access requests -------------------------------------------------------------------------


def access_requests_of(*, user: Actor, q: str = "") -> QuerySet[AccessRequest]:
    """The user's own requests, newest first; `q` finds them by the reference they typed (never
    by the case it named, whose existence is not disclosed)."""
    requests = AccessRequest.objects.filter(requested_by=user)
    if q:
        requests = requests.filter(reference__icontains=q)
    return requests.order_by("-requested_at")


def access_requests_to_decide(*, user: Actor) -> QuerySet[AccessRequest]:
    """Pending requests on cases the user sees and whose team they manage (owner, coordinator)."""
    return (
        AccessRequest.objects.filter(
            policy.access_request_decider_filter(user), status=AccessRequest.Status.PENDING
        )
        .select_related("case__person", "requested_by__profile__agency")
        .order_by("requested_at")
    )
