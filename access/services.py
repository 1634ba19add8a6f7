"""Writes for access requests and case grants. Each runs in one transaction and is audited
by auditlog."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.models import AccessRequest
from accounts.types import Actor, User
from cases import services as case_services
from cases.models import Case, CaseUserObjectPermission, GrantEvent

# --- Access requests -------------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, user: Actor, reference: str, reason: str) -> AccessRequest:
    if not policy.may_request_access(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need access.")})
    reference = reference.strip().upper()
    case = Case.objects.filter(reference=reference).first()
    return AccessRequest.objects.create(
        reference=reference, case=case, requested_by=user, reason=reason
    )


@transaction.atomic
def access_request_decide(
    *, request: AccessRequest, user: Actor, approve: bool, until: date | None = None, note: str = ""
) -> AccessRequest:
    """Approval puts the requester on the case team until `until` (or for good): it widens
    access, so the policy decides who may approve (access.policy.may_approve_access_request)."""
    locked = (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("case", "requested_by")
        .get(pk=request.pk)
    )
    may = policy.may_approve_access_request if approve else policy.may_decide_access_request
    if not may(user, locked):
        raise PermissionDenied
    if locked.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if until is not None and until < timezone.localdate():
        raise ValidationError({"until": _("The end date is in the past.")})
    locked.status = AccessRequest.Status.APPROVED if approve else AccessRequest.Status.REFUSED
    locked.decided_by = user
    locked.decided_at = timezone.now()
    locked.until = until if approve else None
    locked.decision_note = note
    locked.save()
    if approve:
        if locked.case is None:  # may_approve_access_request asked for one
            raise PermissionDenied
        case_services.team_add_user(
            case=locked.case,
            user=locked.requested_by,
            granted_by=user,
            event=GrantEvent.ACCESS_REQUEST,
            reason=locked.reason[:200],
            expires_on=until,
        )
    return locked


@transaction.atomic
def grants_remove_expired() -> int:
    """Delete user grants past their end date (the policy already ignores them). Audited."""

    expired = CaseUserObjectPermission.objects.filter(expires_on__lt=timezone.localdate())
    count = 0
    for grant in expired:
        grant.delete()
        count += 1
    return count


@transaction.atomic
def account_access_remove(*, user: User) -> None:
    """What a disabled account loses here: its case grants and its pending access requests,
    each removal audited."""
    for grant in CaseUserObjectPermission.objects.filter(user=user):
        grant.delete()
    for request in AccessRequest.objects.filter(
        requested_by=user, status=AccessRequest.Status.PENDING
    ):
        request.status = AccessRequest.Status.WITHDRAWN
        request.decision_note = _("Withdrawn: the account was disabled.")
        request.save()


def on_account_disabled(sender: object, *, user: User, **kwargs: object) -> None:  # noqa: ARG001
    """Receives accounts.security.account_disabled (connected in access/apps.py), inside the
    transaction that disables the account. (Django passes the unused sender by name.)"""
    account_access_remove(user=user)
