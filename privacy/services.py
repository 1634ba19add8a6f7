"""Writes of the sharing agreements register (register an agreement, record a party's sign-off,
end an agreement) and of the sharing-decision log (record a decision). Each asks the policy,
runs in one transaction and is audited by auditlog."""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from accounts.models import Agency, Level
from accounts.types import Actor
from cases.models import Case
from privacy.models import AgreementParty, LegalGateway, SharingAgreement, SharingDecision


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@transaction.atomic
def agreement_create(
    *,
    user: Actor,
    title: str,
    kind: str,
    purpose: str,
    gateways: Iterable[LegalGateway],
    data_categories: str,
    max_level: int,
    retention: str,
    starts_on: date,
    review_on: date,
    ends_on: date | None,
    parties: Iterable[Agency],
) -> SharingAgreement:
    """Register an agreement; it is in force once every party's sign-off is recorded."""
    _require(policy.may_manage_agreements(user))
    gateways, parties = list(gateways), list(parties)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the agreement its title.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the agreement is for.")
    if not gateways or any(not g.is_active for g in gateways):
        errors["gateways"] = _("Choose at least one legal gateway in use.")
    if len(parties) < 2:
        errors["parties"] = _("An agreement has at least two parties.")
    elif any(not agency.is_active for agency in parties):
        errors["parties"] = _("One of the agencies is no longer active.")
    if review_on < starts_on:
        errors["review_on"] = _("The review date must be on or after the start date.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("The end date must be on or after the start date.")
    if errors:
        raise ValidationError(errors)
    agreement = SharingAgreement.objects.create(
        title=title.strip(),
        kind=kind,
        purpose=purpose.strip(),
        data_categories=data_categories.strip(),
        max_level=max_level,
        retention=retention.strip(),
        starts_on=starts_on,
        review_on=review_on,
        ends_on=ends_on,
        created_by=user,
    )
    agreement.gateways.set(gateways)
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, agency=agency) for agency in parties
    )
    return agreement


@transaction.atomic
def agreement_sign(
    *, user: Actor, party: AgreementParty, signatory: str, signed_on: date
) -> AgreementParty:
    """Record who signed for a party and when, from the signed copy. Once recorded it stays:
    a disclosure may already rest on it."""
    _require(policy.may_manage_agreements(user))
    locked = AgreementParty.objects.select_for_update().get(pk=party.pk)
    if locked.signed_on is not None:
        raise ValidationError(_("This party's sign-off is already recorded."))
    errors: dict[str, str] = {}
    if not signatory.strip():
        errors["signatory"] = _("Say who signed for the agency.")
    if signed_on > timezone.localdate():
        errors["signed_on"] = _("The date of signing cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    locked.signatory = signatory.strip()
    locked.signed_on = signed_on
    locked.recorded_by = user
    locked.recorded_at = timezone.now()
    locked.save()
    return locked


@transaction.atomic
def agreement_end(*, user: Actor, agreement: SharingAgreement, ends_on: date) -> SharingAgreement:
    """End (or bring forward the end of) an agreement: no new disclosure goes under it after
    that day; what was shared under it before stays readable by its recipients."""
    _require(policy.may_manage_agreements(user))
    locked = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if ends_on < locked.starts_on:
        raise ValidationError({"ends_on": _("The end date must be on or after the start date.")})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("The end date cannot be in the past.")})
    if locked.ends_on is not None and locked.ends_on < timezone.localdate():
        raise ValidationError(_("This agreement has already ended."))
    locked.ends_on = ends_on
    locked.save()
    return locked


# --- The sharing-decision log ------------------------------------------------------------------

SD = SharingDecision.Kind


@transaction.atomic
def sharing_decision_record(
    *,
    user: Actor,
    case: Case,
    kind: str,
    information: str,
    reason: str,
    level: int,
    recipient: str = "",
    gateway: LegalGateway | None = None,
    agreement: SharingAgreement | None = None,
) -> SharingDecision:
    """Record a decision to share or not to share on a case, with its gateway and/or agreement
    and its reason (access.policy.may_record_sharing_decision says who). A disclosure (shared,
    or to a third party outside the conference) names its recipient and rests on a gateway in
    use or an agreement in force; one to a third party always names its gateway, as it goes
    outside the agreements of the conference. Releases, outbound referrals and agency checks
    write their own decisions in their services."""
    _require(policy.may_record_sharing_decision(user, case, kind))
    agency_id = policy.writer_agency_id(user)
    errors: dict[str, str] = {}
    if level not in policy.writable_levels(user) or level < Level.L2:
        errors["level"] = _("You cannot write at this level.")
    if not information.strip():
        errors["information"] = _("Say what information the decision is about.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the decision.")
    if gateway is not None and not gateway.is_active:
        errors["gateway"] = _("This legal gateway is no longer in use: choose another.")
    if kind in SharingDecision.DISCLOSURES:
        if not recipient.strip():
            errors["recipient"] = _("Say with whom the information was shared.")
        if kind == SD.THIRD_PARTY and gateway is None:
            errors.setdefault("gateway", _("Choose the legal gateway of the disclosure."))
        elif gateway is None and agreement is None:
            errors["gateway"] = _("Choose the legal gateway or the agreement it rests on.")
        if agreement is not None and not agreement.is_in_force(timezone.localdate()):
            errors["agreement"] = _(
                "%(agreement)s is not in force today: nothing new can be shared under it."
            ) % {"agreement": agreement}
    if errors:
        raise ValidationError(errors)
    return SharingDecision.objects.create(
        case=case,
        kind=kind,
        information=information.strip(),
        recipient=recipient.strip(),
        gateway=gateway,
        agreement=agreement,
        reason=reason.strip(),
        level=level,
        agency_id=agency_id,
        decided_by=user,
    )
