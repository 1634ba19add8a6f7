"""Writes for releases and access requests. Each runs in one transaction and is audited by
auditlog."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from access.models import AccessRequest
from access.tasks import notify_release
from cases import services as case_services
from cases.models import Case, CaseUserObjectPermission
from releases.models import Release, ReleaseAcknowledgement

# --- Releases --------------------------------------------------------------------------------


def _check_release(*, summary: str, purpose: str, legal_basis: str, expires_on, recipients):
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Write the summary for the recipients.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the release is for.")
    if not legal_basis.strip():
        errors["legal_basis"] = _("Give the legal basis.")
    if expires_on is None or expires_on < timezone.localdate():
        errors["expires_on"] = _("The expiry date must be today or later.")
    if not any(recipients):
        errors["recipient_users"] = _("Choose at least one person or agency.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def release_create(
    *,
    case,
    author,
    title: str,
    summary: str,
    purpose: str,
    legal_basis: str,
    expires_on,
    recipient_users=(),
    recipient_agencies=(),
    previous=None,
):
    if not policy.may_release(author, case):
        raise PermissionDenied
    recipient_users, recipient_agencies = list(recipient_users), list(recipient_agencies)
    _check_release(
        summary=summary,
        purpose=purpose,
        legal_basis=legal_basis,
        expires_on=expires_on,
        recipients=(recipient_users, recipient_agencies),
    )
    if any(not policy.may_receive_releases(u) for u in recipient_users):
        raise ValidationError({"recipient_users": _("One of the people cannot receive releases.")})
    release = Release.objects.create(
        case=case,
        title=title,
        summary=summary,
        purpose=purpose,
        legal_basis=legal_basis,
        expires_on=expires_on,
        created_by=author,
        previous=previous,
        version=previous.version + 1 if previous else 1,
    )
    release.recipient_users.set(recipient_users)
    release.recipient_agencies.set(recipient_agencies)
    notify_release.delay_on_commit(release.pk)
    return release


@transaction.atomic
def release_revise(*, release, author, **fields):
    """A new version replaces the old one, which is kept; recipients acknowledge again."""
    locked = (
        Release.objects.select_for_update(of=("self",)).select_related("case").get(pk=release.pk)
    )
    if not policy.may_revise_release(author, locked):
        raise PermissionDenied
    if locked.revoked_at or Release.objects.filter(previous=locked).exists():
        raise ValidationError(_("Only the current, unrevoked version can be revised."))
    return release_create(case=locked.case, author=author, previous=locked, **fields)


@transaction.atomic
def release_revoke(*, release, user, reason: str):
    """Recipients lose it at once. A restriction of processing does not stop this: it ends a
    disclosure (access.policy.may_revoke_release)."""
    locked = Release.objects.select_for_update().get(pk=release.pk)
    if not policy.may_revoke_release(user, locked):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    if locked.revoked_at:
        raise ValidationError(_("This release is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.revoke_reason = reason
    locked.save()
    return locked


@transaction.atomic
def release_acknowledge(*, release, user):
    if not policy.may_acknowledge_release(user, release):
        raise PermissionDenied
    acknowledgement, _created = ReleaseAcknowledgement.objects.get_or_create(
        release=release, user=user
    )
    return acknowledgement


# --- Access requests -------------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, user, reference: str, reason: str):
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
def access_request_decide(*, request, user, approve: bool, until=None, note: str = ""):
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
        case_services.team_add_user(
            case=locked.case,
            user=locked.requested_by,
            granted_by=user,
            reason=_("Access request: %(reason)s") % {"reason": locked.reason[:200]},
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
