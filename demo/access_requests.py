"""Demo access requests, on top of the demo cases: the police officer asks to join two of the
social worker's cases; one request waits, the other is approved for a month. Idempotent."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from access import services
from access.models import AccessRequest
from cases.models import Case, CaseUserObjectPermission
from demo.city import DemoCity


@transaction.atomic
def seed(*, city: DemoCity) -> None:
    police = city.users["police"]
    if AccessRequest.objects.filter(requested_by=police).exists():
        return
    hidden = (
        Case.objects.exclude(Exists(_grant_of(police)))
        .filter(owner=city.users["social"])
        .order_by("pk")
    )
    first, second = hidden[:2] if hidden.count() >= 2 else (None, None)
    if first is None:
        return
    services.access_request_create(
        user=police, reference=first.reference, reason="The brother is known to our zone."
    )
    approved = services.access_request_create(
        user=police, reference=second.reference, reason="Joint home visit next week."
    )
    services.access_request_decide(
        request=approved,
        user=city.users["social"],
        approve=True,
        until=timezone.localdate() + timedelta(days=30),
        note="For the home visit only.",
    )


def _grant_of(user):
    return CaseUserObjectPermission.objects.filter(content_object=OuterRef("pk"), user=user)
