"""Writes on referrals. Keyword-only, atomic; auditlog records each row; e-mails go on commit."""

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from access import policy
from accounts.models import Agency, Level
from accounts.types import Actor, User
from cases import services as case_services
from cases.models import (
    Action,
    Case,
    ChronologyEntry,
    GrantEvent,
    Indicator,
    Person,
    StatusChange,
)
from privacy.models import SharingAgreement, SharingDecision
from referrals import selectors
from referrals.models import (
    OutboundReferral,
    PrisonRelease,
    PrisonReleaseTask,
    Referral,
    Screening,
)
from referrals.notifications import (
    notify_outbound_answered,
    notify_outbound_sent,
    notify_referral_received,
    notify_release_approaching,
    notify_screening_decided,
)

RS = Referral.Status
CONSENTED = (Referral.Consent.GIVEN, Referral.Consent.PARENT_GIVEN)
ADULT_AGE = 18

# What the referrer fills in; the rest of a referral is set by the services.
REFERRAL_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "is_minor",
    "address",
    "school_or_employer",
    "concern",
    "urgency",
    "request",
    "other_agencies",
    "person_aware",
    "consent",
    "no_consent_reason",
    "legal_basis",
)


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# --- Inbound referrals -----------------------------------------------------------------------


def _check_complete(referral: Referral, indicators: list[Indicator]) -> None:
    """What a referral needs before it is sent, and what may not contradict itself."""
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not (referral.first_name.strip() or referral.last_name.strip()):
        errors["last_name"] = _("Give the person's name: at least the first or the last name.")
    born = referral.date_of_birth
    if born and born > today:
        errors["date_of_birth"] = _("The date of birth is in the future.")
    elif born and (age_on(born, today) < ADULT_AGE) != referral.is_minor:
        errors["is_minor"] = (
            _("The date of birth makes the person a minor: tick “minor”, or check the date.")
            if age_on(born, today) < ADULT_AGE
            else _(
                "The date of birth makes the person an adult: untick “minor”, or check the date."
            )
        )
    if not (born or referral.address.strip() or referral.school_or_employer.strip()):
        errors["date_of_birth"] = _(
            "Give the date of birth, the address or the school, so the person can be identified."
        )
    if not referral.concern.strip():
        errors["concern"] = _("Describe your concern in your own words.")
    if not referral.request.strip():
        errors["request"] = _("Say what you ask the case conference for.")
    consent = referral.consent
    if not consent:
        errors["consent"] = _("Say whether the person (or a parent) agreed to this referral.")
    elif consent in CONSENTED and not referral.person_aware:
        errors["person_aware"] = _(
            "You say they agreed to the referral, so the person knows about it: tick the box, "
            "or correct the consent."
        )
    elif consent == Referral.Consent.GIVEN and referral.is_minor:
        errors["consent"] = _(
            "The person is a minor: record a parent's or guardian's agreement, or say why it "
            "was not asked."
        )
    elif consent == Referral.Consent.PARENT_GIVEN and not referral.is_minor:
        errors["consent"] = _(
            "The person is an adult: only their own agreement counts, not a parent's."
        )
    if consent and consent not in CONSENTED:
        if not referral.no_consent_reason.strip():
            errors["no_consent_reason"] = _("Say why the person did not agree or was not asked.")
        if not referral.legal_basis:
            errors["legal_basis"] = _("Without consent, give the legal basis for the referral.")
        elif referral.legal_basis in (Case.LegalBasis.CONSENT, Case.LegalBasis.PARENTAL_CONSENT):
            errors["legal_basis"] = _("There is no consent: choose another legal basis.")
    if any(not indicator.is_active for indicator in indicators):
        errors["indicators"] = _("One of the indicators is no longer in use.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def referral_save(
    *,
    referrer: Actor,
    token: uuid.UUID,
    submit: bool,
    indicators: Iterable[Indicator] = (),
    **fields: Any,
) -> Referral:
    """Save the referral form as a draft, or send it for screening.

    The token is the form's: the same form saved twice updates one draft, and a form that was
    already sent is not sent again (a double click or a retry after a timeout makes one
    referral)."""
    _require(policy.may_refer(referrer))
    unknown = set(fields) - set(REFERRAL_FIELDS)
    if unknown:
        raise ValueError(f"Not a referral field: {sorted(unknown)}")
    referral = Referral.objects.select_for_update().filter(form_token=token).first()
    if referral is not None:
        if referral.referrer_id != referrer.pk:
            raise PermissionDenied
        if referral.status != RS.DRAFT:
            return referral
    else:
        referral = Referral(
            form_token=token,
            referrer=referrer,
            referrer_agency_id=policy.writer_agency_id(referrer),
        )
    for name, value in fields.items():
        setattr(referral, name, value.strip() if isinstance(value, str) else value)
    indicators = list(indicators)
    if referral.consent in CONSENTED:
        referral.no_consent_reason, referral.legal_basis = "", ""
    referral.full_clean(
        exclude=["form_token", "referrer", "referrer_agency"], validate_unique=False
    )
    if submit:
        _check_complete(referral, indicators)
        referral.status = RS.SUBMITTED
        referral.submitted_at = timezone.now()
        referral.is_repeat = selectors.is_repeat(
            first_name=referral.first_name,
            last_name=referral.last_name,
            date_of_birth=referral.date_of_birth,
        )
    if referral.pk is None:
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError:
            # The same form arrived twice at once; the other request saved it first.
            existing = Referral.objects.filter(form_token=token, referrer=referrer).first()
            if existing is None:
                raise
            return existing
    else:
        referral.save()
    referral.indicators.set(indicators)
    if submit:
        notify_referral_received.delay_on_commit(referral.pk)
    return referral


@transaction.atomic
def referral_delete_draft(*, referral: Referral, user: Actor) -> None:
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(policy.may_edit_referral(user, locked))
    locked.delete()


@transaction.atomic
def referral_answer(*, referral: Referral, user: Actor, answer: str) -> Referral:
    """The referrer answers the screening's question; the referral goes back for screening."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(policy.may_refer(user) and locked.referrer_id == user.pk)
    if locked.status != RS.INFORMATION_REQUESTED:
        raise ValidationError(_("This referral is not waiting for an answer from you."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer to the question.")})
    screening = (
        locked.screenings.filter(outcome=Screening.Outcome.MORE_INFORMATION)
        .order_by("-decided_at", "-pk")
        .first()
    )
    if screening is None:
        raise ValidationError(_("This referral is not waiting for an answer from you."))
    screening.answer = answer.strip()
    screening.answered_at = timezone.now()
    screening.save()
    locked.status = RS.SUBMITTED
    locked.is_repeat = selectors.is_repeat(
        first_name=locked.first_name,
        last_name=locked.last_name,
        date_of_birth=locked.date_of_birth,
    )
    locked.save()
    notify_referral_received.delay_on_commit(locked.pk)
    return locked


# --- Screening -------------------------------------------------------------------------------

OUTCOME_STATUS: dict[str, str] = {
    Screening.Outcome.NO_FURTHER_ACTION: RS.NO_FURTHER_ACTION,
    Screening.Outcome.MORE_INFORMATION: RS.INFORMATION_REQUESTED,
    Screening.Outcome.SIGNPOSTED: RS.SIGNPOSTED,
    Screening.Outcome.POLICE_ROUTE: RS.POLICE_ROUTE,
    Screening.Outcome.ACCEPTED: RS.ACCEPTED,
}


def _refuse_if_screened(referral: Referral) -> None:
    if referral.status == RS.SUBMITTED:
        return
    if referral.status == RS.ACCEPTED:
        raise ValidationError(
            _("This referral was already accepted on %(day)s; it cannot be accepted twice.")
            % {"day": timezone.localtime(referral.decided_at).date()}
        )
    if referral.status == RS.INFORMATION_REQUESTED:
        raise ValidationError(_("This referral is waiting for the referrer's answer."))
    if referral.status == RS.DRAFT:
        raise ValidationError(_("This referral has not been sent."))
    raise ValidationError(
        _("This referral was already screened: %(outcome)s.")
        % {"outcome": RS(referral.status).label}
    )


def _check_decision(
    *,
    user: Actor,
    outcome: str,
    reasons: str,
    question: str,
    signposted_to: str,
    acceptance: str,
    **accept: Any,
) -> None:
    errors: dict[str, str] = {}
    if outcome not in Screening.Outcome.values:
        errors["outcome"] = _("Choose the outcome of the screening.")
    if not reasons.strip():
        errors["reasons"] = _("Give the reasons for the decision.")
    if outcome == Screening.Outcome.MORE_INFORMATION and not question.strip():
        errors["question"] = _("Write the question for the referrer.")
    if outcome == Screening.Outcome.SIGNPOSTED and not signposted_to.strip():
        errors["signposted_to"] = _("Say which service the referral is signposted to.")
    if outcome == Screening.Outcome.ACCEPTED:
        errors.update(_check_acceptance(user=user, acceptance=acceptance, **accept))
    if errors:
        raise ValidationError(errors)


def _check_acceptance(
    *,
    user: Actor,
    acceptance: str,
    person: Person | None,
    case: Case | None,
    owner: User | None,
    lead_agency: Agency | None,
    risk_level: str,
) -> dict[str, str]:
    errors = {}
    kinds = Screening.Acceptance
    if acceptance not in kinds.values:
        return {"acceptance": _("Say how the referral is accepted: a new case, or linked.")}
    if acceptance in (kinds.NEW_PERSON, kinds.EXISTING_PERSON):
        if owner is None:
            errors["owner"] = _("Choose the owner of the new case.")
        if lead_agency is None:
            errors["lead_agency"] = _("Choose the lead agency of the new case.")
        if risk_level not in Case.RiskLevel.values:
            errors["risk_level"] = _("Choose the risk level.")
    if acceptance == kinds.EXISTING_PERSON and (
        person is None or not selectors.person_linkable(user=user, person=person)
    ):
        errors["person"] = _(
            "Choose the known person. If the match is in a case you cannot see, ask the "
            "information officer to screen this referral."
        )
    if acceptance == kinds.EXISTING_CASE and (
        case is None or selectors.case_linkable(user=user, reference=case.reference) is None
    ):
        errors["case"] = _("Choose an open case you can see.")
    return errors


def _case_legal_basis(referral: Referral) -> str:
    if referral.consent == Referral.Consent.GIVEN:
        return Case.LegalBasis.CONSENT
    if referral.consent == Referral.Consent.PARENT_GIVEN:
        return Case.LegalBasis.PARENTAL_CONSENT
    return referral.legal_basis or Case.LegalBasis.LIVC_LAW


def _referral_as_entry(referral: Referral) -> dict:
    """The referral as the parameters of the chronology entry that brings it into the case
    (ChronologyEntry.Event.REFERRAL_RECEIVED): the referrer's words as written, labels as
    written in the code, names in every language, so each reader reads it in theirs."""

    def names(obj: object) -> dict[str, str]:
        return {
            code: getattr(obj, f"name_{code}", None) or getattr(obj, "name_en", None) or str(obj)
            for code, _label in settings.LANGUAGES
        }

    with translation.override("en"):  # the labels' msgids, translated when read
        urgency = str(Referral.Urgency(referral.urgency).label)
        consent = str(Referral.Consent(referral.consent).label)
    return {
        "number": referral.number,
        "agency": names(referral.referrer_agency),
        "day": timezone.localtime(referral.submitted_at).date().isoformat(),
        "urgency": urgency,
        "concern": referral.concern,
        "indicators": [names(i) for i in referral.indicators.all()],
        "request": referral.request,
        "other_agencies": referral.other_agencies,
        "consent": consent,
        "aware": referral.person_aware,
        "no_consent_reason": referral.no_consent_reason,
    }


def _accept(
    *,
    referral: Referral,
    user: Actor,
    acceptance: str,
    person: Person | None,
    case: Case | None,
    owner: User | None,
    lead_agency: Agency | None,
    risk_level: str,
) -> Case:
    kinds = Screening.Acceptance
    if acceptance == kinds.NEW_PERSON:
        person = case_services.person_create(
            first_name=referral.first_name,
            last_name=referral.last_name,
            date_of_birth=referral.date_of_birth,
            gender=referral.gender,
            address=referral.address,
            school_or_employer=referral.school_or_employer,
            is_minor=referral.is_minor,
        )
    if acceptance in (kinds.NEW_PERSON, kinds.EXISTING_PERSON):
        if person is None or owner is None or lead_agency is None:
            raise ValueError("_check_acceptance asks for the person, owner and lead agency.")
        case = case_services.case_open(
            opened_by=user,
            person=person,
            lead_agency=lead_agency,
            owner=owner,
            legal_basis=_case_legal_basis(referral),
            risk_level=risk_level,
            person_informed=referral.person_aware,
            # A referral is sent only with the person aware, or with the reason they are not
            # (_check_complete): the referrer's reason is the case's.
            not_informed_reason="" if referral.person_aware else referral.no_consent_reason,
            event=StatusChange.Event.REFERRAL_ACCEPTED,
            params={"number": referral.number},
        )
    if case is None or referral.submitted_at is None:
        raise ValueError("_check_acceptance asks for the case; a referral screened was sent.")
    case_services.entry_add(
        case=case,
        author=user,
        kind=ChronologyEntry.Kind.NOTE,
        occurred_at=referral.submitted_at,
        level=Level.L2,
        event=ChronologyEntry.Event.REFERRAL_RECEIVED,
        params=_referral_as_entry(referral),
    )
    return case


@transaction.atomic
def screening_decide(
    *,
    referral: Referral,
    user: Actor,
    outcome: str,
    reasons: str,
    question: str = "",
    signposted_to: str = "",
    note_to_referrer: str = "",
    acceptance: str = "",
    person: Person | None = None,
    case: Case | None = None,
    owner: User | None = None,
    lead_agency: Agency | None = None,
    risk_level: str = Case.RiskLevel.MODERATE,
) -> Screening:
    """Record the outcome of screening, with its reasons and who decided. Accepting opens a new
    case (for a new or a known person) or links the referral to an open case, and brings the
    referral into the case's chronology."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    _require(policy.may_decide_referral(user, locked))
    _refuse_if_screened(locked)
    accept: dict[str, Any] = {
        "person": person,
        "case": case,
        "owner": owner,
        "lead_agency": lead_agency,
        "risk_level": risk_level,
    }
    _check_decision(
        user=user,
        outcome=outcome,
        reasons=reasons,
        question=question,
        signposted_to=signposted_to,
        acceptance=acceptance,
        **accept,
    )
    accepted = outcome == Screening.Outcome.ACCEPTED
    if accepted:
        case = _accept(referral=locked, user=user, acceptance=acceptance, **accept)
        locked.case, locked.person = case, case.person
    hit = bool(
        selectors.person_matches(
            first_name=locked.first_name,
            last_name=locked.last_name,
            date_of_birth=locked.date_of_birth,
        )
        or selectors.referral_matches(referral=locked)
    )
    screening = Screening.objects.create(
        referral=locked,
        outcome=outcome,
        reasons=reasons.strip(),
        decided_by=user,
        deconfliction_hit=hit,
        question=question.strip() if outcome == Screening.Outcome.MORE_INFORMATION else "",
        signposted_to=signposted_to.strip() if outcome == Screening.Outcome.SIGNPOSTED else "",
        note_to_referrer=note_to_referrer.strip(),
        acceptance=acceptance if accepted else "",
        case=case if accepted else None,
    )
    locked.status = OUTCOME_STATUS[outcome]
    if locked.status in Referral.DECIDED:
        locked.decided_at = timezone.now()
    locked.save()
    notify_screening_decided.delay_on_commit(screening.pk)
    return screening


# --- Outbound referrals ----------------------------------------------------------------------


def outbound_check(
    *,
    case: Case,
    user: Actor,
    service: str,
    provider: Agency,
    person_details: str,
    request: str,
    consent: str,
    override_reason: str = "",
) -> SharingAgreement | None:
    """Everything outbound_send asks before it sends, without writing: the "check your
    answers" page asks it before it shows. Answers the sharing agreement in force it goes
    under, one whose parties include the provider agency."""
    _require(policy.may_send_outbound_referral(user, case))
    OC = OutboundReferral.Consent
    if consent == OC.OVERRIDDEN:
        _require(policy.may_override_outbound_consent(user))
    errors: dict[str, str] = {}
    if service not in OutboundReferral.Service.values:
        errors["service"] = _("Choose the service.")
    under = None
    if provider is None or not provider.is_active:
        errors["provider"] = _("Choose an active provider agency.")
    else:
        under = policy.disclosure_agreement(agency_ids=[provider.pk])
        if under is None:
            errors["provider"] = _(
                "No sharing agreement in force covers %(agency)s: ask the coordinator, or "
                "choose another provider."
            ) % {"agency": provider.name}
    if not person_details.strip():
        errors["person_details"] = _("Say who the person is, as the provider needs to know.")
    if not request.strip():
        errors["request"] = _("Say what you ask the provider to do.")
    minor = case.person.is_minor
    if consent not in OC.values:
        errors["consent"] = _("Say whether consent was given.")
    elif consent == OC.GIVEN and minor:
        errors["consent"] = _(
            "The person is a minor: a parent's or guardian's consent is needed, or an override."
        )
    elif consent == OC.PARENT_GIVEN and not minor:
        errors["consent"] = _("The person is an adult: their own consent is needed.")
    elif consent == OC.OVERRIDDEN and not override_reason.strip():
        errors["override_reason"] = _("Give the reason for sending without consent.")
    if errors:
        raise ValidationError(errors)
    return under


@transaction.atomic
def outbound_send(
    *,
    case: Case,
    user: Actor,
    service: str,
    provider: Agency,
    person_details: str,
    request: str,
    consent: str,
    override_reason: str = "",
) -> OutboundReferral:
    """Refer the person on a case to a service. Consent is checked: a parent's for a minor; an
    override only with a reason, and only by a role the policy allows. Not while processing of
    the case is restricted (access.policy.may_send_outbound_referral). Only under a sharing
    agreement in force that covers the provider agency (outbound_check)."""
    under = outbound_check(
        case=case,
        user=user,
        service=service,
        provider=provider,
        person_details=person_details,
        request=request,
        consent=consent,
        override_reason=override_reason,
    )
    OC = OutboundReferral.Consent
    outbound = OutboundReferral.objects.create(
        case=case,
        agreement=under,
        service=service,
        provider=provider,
        person_details=person_details.strip(),
        request=request.strip(),
        consent=consent,
        override_reason=override_reason.strip() if consent == OC.OVERRIDDEN else "",
        sent_by=user,
    )
    _log_decision(
        outbound=outbound, user=user, kind=SharingDecision.Kind.SHARED, reason=outbound.request
    )
    notify_outbound_sent.delay_on_commit(outbound.pk)
    return outbound


OS = OutboundReferral.Status
OUTBOUND_ANSWERS: dict[str, frozenset[str]] = {
    OS.SENT: frozenset({OS.ACCEPTED, OS.DECLINED}),
    OS.ACCEPTED: frozenset({OS.COMPLETED}),
}


@transaction.atomic
def outbound_answer(
    *, outbound: OutboundReferral, user: Actor, status: str, note: str = ""
) -> OutboundReferral:
    """The provider accepts, declines (with a reason) or completes an outbound referral."""
    locked = OutboundReferral.objects.select_for_update().get(pk=outbound.pk)
    _require(policy.may_answer_outbound_referral(user, locked))
    if locked.status == OS.REVOKED:
        raise ValidationError(_("This referral was revoked by the sender."))
    if status not in OUTBOUND_ANSWERS.get(locked.status, frozenset()):
        raise ValidationError(
            {
                "status": _("This referral is %(now)s: it cannot be marked %(new)s now.")
                % {
                    "now": OS(locked.status).label.lower(),
                    "new": OS(status).label.lower() if status in OS.values else status,
                }
            }
        )
    if status == OS.DECLINED and not note.strip():
        raise ValidationError({"note": _("Say why you decline.")})
    locked.status = status
    locked.answer_note = note.strip()
    locked.answered_by = user
    locked.answered_at = timezone.now()
    locked.save()
    notify_outbound_answered.delay_on_commit(locked.pk)
    return locked


@transaction.atomic
def outbound_revoke(*, outbound: OutboundReferral, user: Actor, reason: str) -> OutboundReferral:
    """The case team withdraws a referral; the provider no longer sees it. A restriction of
    processing does not stop this: it ends a disclosure."""
    locked = OutboundReferral.objects.select_for_update().get(pk=outbound.pk)
    _require(policy.may_revoke_outbound_referral(user, locked))
    if locked.status not in (OS.SENT, OS.ACCEPTED):
        raise ValidationError(
            _("This referral is %(now)s: it can no longer be revoked.")
            % {"now": OS(locked.status).label.lower()}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking.")})
    locked.status = OS.REVOKED
    locked.revoke_reason = reason.strip()
    locked.revoked_by = user
    locked.revoked_at = timezone.now()
    locked.save()
    _log_decision(
        outbound=locked, user=user, kind=SharingDecision.Kind.REVOKED, reason=locked.revoke_reason
    )
    return locked


def _log_decision(
    *, outbound: OutboundReferral, user: Actor, kind: str, reason: str
) -> SharingDecision:
    """The referral's entry in the case's sharing-decision log, in the same transaction, under
    its agreement: shared with the provider when sent, revoked with the reason when withdrawn
    (DESIGN 8). At L2 like the referral itself (the case team reads it). (releases.services has
    its own for releases: the two services' modules do not import each other.)"""
    return SharingDecision.objects.create(
        case_id=outbound.case_id,
        kind=kind,
        agreement_id=outbound.agreement_id,
        reason=reason,
        level=Level.L2,
        agency_id=policy.writer_agency_id(user),
        outbound_referral=outbound,
        decided_by=user,
    )


# --- Prison release --------------------------------------------------------------------------


def lead_days() -> list[int]:
    return sorted(set(settings.PRISON_RELEASE_LEAD_DAYS), reverse=True)


def _reached_lead(release_date: date, today: date) -> int | None:
    """The smallest lead time the release is already within, or None."""
    days_left = (release_date - today).days
    reached = [lead for lead in lead_days() if days_left <= lead]
    return min(reached) if reached else None


def _task_text(for_whom: str, lead: int, institution: str) -> str:
    if for_whom == PrisonReleaseTask.For.OUTREACH_WORKER:
        return _(
            "Prison-release protocol, %(days)s days before release: meet the person in "
            "%(prison)s and prepare the release with them."
        ) % {"days": lead, "prison": institution}
    return _(
        "Prison-release protocol, %(days)s days before release: check housing, income and the "
        "release conditions with the team, and put the case on the agenda."
    ) % {"days": lead, "prison": institution}


def _due(release_date: date, lead: int, today: date) -> date:
    # A stage already reached when the protocol starts is due at once.
    return max(release_date - timedelta(days=lead), today)


def _put_on_team(*, case: Case, user: Actor, worker: User) -> None:
    if Case.objects.filter(policy.case_filter(worker), pk=case.pk).exists():
        return
    if policy.role_of(worker) not in policy.CASE_TEAM_ROLES:
        raise ValidationError(
            {
                "outreach_worker": _(
                    "The outreach worker must be able to join the case team (a social worker, "
                    "police officer or coordinator)."
                )
            }
        )
    if not policy.may_manage_team(user, case):
        raise ValidationError(
            {
                "outreach_worker": _(
                    "Ask the case owner or the coordinator to add the outreach worker to the "
                    "case team first."
                )
            }
        )
    case_services.team_add_user(
        case=case,
        user=worker,
        granted_by=user,
        event=GrantEvent.PRISON_OUTREACH,
    )


def _check_protocol(*, institution: str, expected_release_date: date | None) -> None:
    errors = {}
    if not institution.strip():
        errors["institution"] = _("Name the prison.")
    if expected_release_date is None:
        errors["expected_release_date"] = _("Give the expected release date.")
    elif expected_release_date < timezone.localdate():
        errors["expected_release_date"] = _("The expected release date is in the past.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def prison_release_start(
    *,
    case: Case,
    user: Actor,
    institution: str,
    expected_release_date: date,
    conditions: str,
    outreach_worker: User,
    provider: Agency,
    person_details: str,
    request: str,
    consent: str,
    override_reason: str = "",
) -> PrisonRelease:
    """The prison-release protocol: the release on record, tasks for the outreach worker and the
    case owner at each lead time before the release, and a referral to the prison outreach
    programme. The case is proposed for the last conference before the release through
    selectors.prison_releases_between.

    It widens access: the prison reads the outreach referral, and the outreach worker joins the
    case team if not on it. So it takes someone who may send an outbound referral from the case
    (a case worker who sees it, not while processing is restricted), and adding the outreach
    worker takes someone who may manage the team (access.policy.may_set_up_prison_release)."""
    _require(policy.may_set_up_prison_release(user, case))
    if PrisonRelease.objects.filter(case=case).exists():
        raise ValidationError(_("This case already follows the prison-release protocol."))
    if not case.is_open:
        raise ValidationError(_("The case is closed."))
    _check_protocol(institution=institution, expected_release_date=expected_release_date)
    _put_on_team(case=case, user=user, worker=outreach_worker)
    outbound = outbound_send(
        case=case,
        user=user,
        service=OutboundReferral.Service.PRISON_OUTREACH,
        provider=provider,
        person_details=person_details,
        request=request,
        consent=consent,
        override_reason=override_reason,
    )
    today = timezone.localdate()
    release = PrisonRelease.objects.create(
        case=case,
        institution=institution.strip(),
        expected_release_date=expected_release_date,
        conditions=conditions.strip(),
        outreach_worker=outreach_worker,
        outbound_referral=outbound,
        reminded_lead_days=_reached_lead(expected_release_date, today),
        created_by=user,
    )
    owners = {
        PrisonReleaseTask.For.OUTREACH_WORKER: outreach_worker,
        PrisonReleaseTask.For.CASE_OWNER: case.owner,
    }
    for lead in lead_days():
        for for_whom, owner in owners.items():
            action = case_services.action_add(
                case=case,
                created_by=user,
                description=_task_text(for_whom, lead, release.institution),
                owner=owner,
                due_date=_due(expected_release_date, lead, today),
            )
            PrisonReleaseTask.objects.create(
                protocol=release, action=action, lead_days=lead, for_whom=for_whom
            )
    return release


@transaction.atomic
def prison_release_update(
    *,
    release: PrisonRelease,
    user: Actor,
    institution: str,
    expected_release_date: date,
    conditions: str,
) -> PrisonRelease:
    """A new date moves the open tasks with it; reminders start again from the stage reached."""
    locked = PrisonRelease.objects.select_for_update().get(pk=release.pk)
    _require(policy.may_manage_prison_release(user, locked.case))
    _check_protocol(institution=institution, expected_release_date=expected_release_date)
    today = timezone.localdate()
    moved = expected_release_date != locked.expected_release_date
    locked.institution = institution.strip()
    locked.conditions = conditions.strip()
    locked.expected_release_date = expected_release_date
    if moved:
        locked.reminded_lead_days = _reached_lead(expected_release_date, today)
    locked.save()
    if moved:
        for task in locked.tasks.select_related("action__case__person"):
            if task.action.status == Action.Status.OPEN:
                case_services.action_update(
                    action=task.action,
                    user=user,
                    status=task.action.status,
                    status_note=task.action.status_note,
                    due_date=_due(expected_release_date, task.lead_days, today),
                )
    return locked


@transaction.atomic
def prison_release_reminders_send(*, today: date | None = None) -> int:
    """The daily job: mark each protocol that reached a new lead time and tell its case owner
    and outreach worker (content-free). Running it twice on one day sends nothing twice."""
    today = today or timezone.localdate()
    count = 0
    for release, lead in selectors.prison_release_reminders_due(today=today):
        locked = PrisonRelease.objects.select_for_update().get(pk=release.pk)
        if locked.reminded_lead_days is not None and locked.reminded_lead_days <= lead:
            continue
        locked.reminded_lead_days = lead
        locked.save()
        notify_release_approaching.delay_on_commit(locked.pk)
        count += 1
    return count
