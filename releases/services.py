"""Writes for releases: write, revise, revoke, acknowledge. Each runs in one transaction, asks
the policy first and is audited by auditlog; recipients are told after the commit."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from accounts.models import Agency, Level
from accounts.types import Actor, User
from cases.models import Case
from privacy.models import SharingAgreement, SharingDecision
from releases.models import Release, ReleaseAcknowledgement
from releases.notifications import notify_release


def release_check(
    *,
    case: Case,
    author: Actor,
    title: str,
    summary: str,
    purpose: str,
    legal_basis: str,
    expires_on: date | None,
    recipient_users: Iterable[User] = (),
    recipient_agencies: Iterable[Agency] = (),
    previous: Release | None = None,
    agreement: SharingAgreement | None = None,
) -> SharingAgreement:
    """Everything release_create asks before it discloses, without writing: the policy, then
    the text, the recipients and the sharing agreement it goes under, which it answers (the one
    named, or the one in force that covers every recipient's agency). The "check your answers"
    page asks it before it shows."""
    if not policy.may_release(author, case):
        raise PermissionDenied
    if previous is not None and (
        previous.revoked_at or Release.objects.filter(previous=previous).exists()
    ):
        raise ValidationError(_("Only the current, unrevoked version can be revised."))
    users, agencies = list(recipient_users), list(recipient_agencies)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the release a title.")
    if not summary.strip():
        errors["summary"] = _("Write the summary for the recipients.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the release is for.")
    if not legal_basis.strip():
        errors["legal_basis"] = _("Give the legal basis.")
    if expires_on is None or expires_on < timezone.localdate():
        errors["expires_on"] = _("The expiry date must be today or later.")
    if not users and not agencies:
        errors["recipient_users"] = _("Choose at least one person or agency.")
    elif any(u.pk == author.pk for u in users):
        errors["recipient_users"] = _("You cannot release to yourself.")
    elif any(not (u.is_active and policy.may_receive_releases(u)) for u in users):
        errors["recipient_users"] = _("One of the people cannot receive releases.")
    if any(not agency.is_active for agency in agencies):
        errors["recipient_agencies"] = _("One of the agencies is no longer active.")
    under = None
    if users or agencies:
        under = _agreement_for(users=users, agencies=agencies, named=agreement, errors=errors)
    if errors:
        raise ValidationError(errors)
    assert under is not None
    return under


def _agreement_for(
    *,
    users: list[User],
    agencies: list[Agency],
    named: SharingAgreement | None,
    errors: dict[str, str],
) -> SharingAgreement | None:
    """The agreement in force covering every recipient's agency, or an error on "agreement"
    naming the agencies it leaves out."""
    reach = {a.pk: a.name for a in agencies}
    reach.update(
        Agency.objects.filter(profiles__user__in=[u.pk for u in users]).values_list("pk", "name")
    )
    under = policy.disclosure_agreement(agency_ids=reach, named=named)
    if under is not None:
        return under
    if named is not None:
        outside = sorted(
            name
            for pk, name in reach.items()
            if not SharingAgreement.objects.filter(pk=named.pk).covering([pk]).exists()
        )
        if named.is_in_force(timezone.localdate()) and outside:
            errors["agreement"] = _(
                "%(agreement)s does not cover %(agencies)s: choose another agreement or "
                "other recipients."
            ) % {"agreement": named, "agencies": ", ".join(outside)}
        else:
            errors["agreement"] = _(
                "%(agreement)s is not in force today: no new release can go under it."
            ) % {"agreement": named}
    else:
        errors["agreement"] = _(
            "No sharing agreement in force covers every recipient (%(agencies)s): ask the "
            "coordinator, or choose other recipients."
        ) % {"agencies": ", ".join(sorted(reach.values()))}
    return None


@transaction.atomic
def release_create(
    *,
    case: Case,
    author: Actor,
    title: str,
    summary: str,
    purpose: str,
    legal_basis: str,
    expires_on: date,
    recipient_users: Iterable[User] = (),
    recipient_agencies: Iterable[Agency] = (),
    previous: Release | None = None,
    agreement: SharingAgreement | None = None,
) -> Release:
    """Under the agreement named, or else the one in force covering every recipient's agency
    (release_check); the release records which."""
    users, agencies = list(recipient_users), list(recipient_agencies)
    under = release_check(
        case=case,
        author=author,
        title=title,
        summary=summary,
        purpose=purpose,
        legal_basis=legal_basis,
        expires_on=expires_on,
        recipient_users=users,
        recipient_agencies=agencies,
        agreement=agreement,
    )
    release = Release.objects.create(
        agreement=under,
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
    release.recipient_users.set(users)
    release.recipient_agencies.set(agencies)
    _log_decision(
        release=release, author=author, kind=SharingDecision.Kind.SHARED, reason=release.purpose
    )
    notify_release.delay_on_commit(release.pk)
    return release


def _log_decision(*, release: Release, author: Actor, kind: str, reason: str) -> SharingDecision:
    """The release's entry in the case's sharing-decision log, in the same transaction, under
    its agreement: shared, for its purpose, when made; revoked, with the reason, when ended
    (DESIGN 8). At L2, for the case team: it says to whom and why, never the summary (which its
    recipients alone read)."""
    return SharingDecision.objects.create(
        case_id=release.case_id,
        kind=kind,
        agreement_id=release.agreement_id,
        reason=reason,
        level=Level.L2,
        agency_id=policy.writer_agency_id(author),
        release=release,
        decided_by=author,
    )


@transaction.atomic
def release_revise(*, release: Release, author: Actor, **fields: Any) -> Release:
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
def release_revoke(*, release: Release, user: Actor, reason: str) -> Release:
    """Recipients lose it at once. A restriction of processing does not stop this: it ends a
    disclosure (access.policy.may_revoke_release)."""
    locked = Release.objects.select_for_update().get(pk=release.pk)
    if not policy.may_revoke_release(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    if locked.revoked_at:
        raise ValidationError(_("This release is already revoked."))
    locked.revoked_at = timezone.now()
    locked.revoked_by = user
    locked.revoke_reason = reason
    locked.save()
    _log_decision(
        release=locked, author=user, kind=SharingDecision.Kind.REVOKED, reason=reason.strip()
    )
    return locked


@transaction.atomic
def release_acknowledge(*, release: Release, user: Actor) -> ReleaseAcknowledgement:
    if not policy.may_acknowledge_release(user, release):
        raise PermissionDenied
    acknowledgement, _created = ReleaseAcknowledgement.objects.get_or_create(
        release=release, user=user
    )
    return acknowledgement
