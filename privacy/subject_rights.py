"""A person's rights over their data (GDPR arts. 15, 16 and 18): the access report with the
data held, who read it and what was released, as a page and as a file; rectification (a
correction supersedes a chronology entry, both kept: cases.services.entry_correct); and
restriction of processing, which freezes a case until it is lifted."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from cases.models import Action, Assessment, Case, ChronologyEntry, Escalation
from privacy.models import CaseRestriction, SharingDecision
from releases.models import Release


@transaction.atomic
def case_restrict(*, case, user, reason: str) -> CaseRestriction:
    if not policy.may_restrict_processing(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why processing is restricted.")})
    if policy.case_is_restricted(case):
        raise ValidationError(_("This case is already restricted."))
    return CaseRestriction.objects.create(case=case, reason=reason, restricted_by=user)


@transaction.atomic
def case_restriction_lift(*, case, user, reason: str) -> CaseRestriction:
    if not policy.may_restrict_processing(user):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the restriction is lifted.")})
    restriction = (
        CaseRestriction.objects.select_for_update()
        .filter(case=case, lifted_at__isnull=True)
        .first()
    )
    if restriction is None:
        raise ValidationError(_("This case is not restricted."))
    restriction.lifted_at = timezone.now()
    restriction.lifted_by = user
    restriction.lift_reason = reason
    restriction.save()
    return restriction


def case_restrictions(*, user, case):
    if not policy.may_restrict_processing(user):
        raise Http404
    return CaseRestriction.objects.filter(case=case).select_related("restricted_by", "lifted_by")


def person_access_report(*, user, person) -> dict:
    """For a subject-access request: every case of the person, who read what and when, and
    what was released from those cases."""
    if not policy.may_run_subject_access_report(user):
        raise Http404
    cases = list(Case.objects.filter(person=person).order_by("opened_at"))
    case_ids = [str(c.pk) for c in cases]
    types = ContentType.objects.get_for_models(Case, ChronologyEntry)
    reads = (
        LogEntry.objects.filter(
            action=LogEntry.Action.ACCESS,
            content_type=types[Case],
            object_pk__in=case_ids,
        )
        .select_related("actor")
        .order_by("timestamp")
    )
    releases = Release.objects.filter(case__in=cases).prefetch_related(
        "recipient_users", "recipient_agencies"
    )
    return {
        "person": person,
        "cases": cases,
        "reads": reads,
        "releases": releases,
        "sharing_decisions": _sharing_decisions(cases),
    }


def _sharing_decisions(cases):
    """The sharing-decision log of the person's cases (issue 18): decided to share, or not."""
    return (
        SharingDecision.objects.filter(case__in=cases)
        .select_related("case", "gateway", "agreement", "agency", "decided_by")
        .order_by("decided_at", "pk")
    )


def person_report_data(*, user, person) -> dict:
    """Everything the access report shows, plus the data held on each case, as plain values
    for the exported file. For the information officer only (who reads every case)."""
    report = person_access_report(user=user, person=person)
    cases = report["cases"]

    def values(model, *fields):
        return list(model.objects.filter(case__in=cases).order_by("pk").values(*fields))

    return {
        "generated_at": timezone.now().isoformat(),
        "person": {
            "code": person.code,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "gender": person.gender,
            "address": person.address,
            "school_or_employer": person.school_or_employer,
            "is_minor": person.is_minor,
        },
        "cases": [
            {
                "reference": c.reference,
                "status": c.status,
                "opened_at": c.opened_at.isoformat(),
                "closed_at": c.closed_at.isoformat() if c.closed_at else None,
                "closure_reason": c.closure_reason,
                "legal_basis": c.legal_basis,
                "restricted": policy.case_is_restricted(c),
            }
            for c in cases
        ],
        "chronology": values(
            ChronologyEntry,
            "case__reference",
            "occurred_at",
            "kind",
            "level",
            "agency__name",
            "text",
            "supersedes_id",
            "pk",
        ),
        "assessments": values(
            Assessment, "case__reference", "version", "overall_judgement", "what_changed"
        ),
        "actions": values(Action, "case__reference", "description", "due_date", "status"),
        "escalations": values(
            Escalation, "case__reference", "audience", "summary", "status", "decision"
        ),
        "reads": [
            {
                "at": row.timestamp.isoformat(),
                "who": row.actor.get_username() if row.actor else None,
                "what": row.object_repr,
                "from": row.remote_addr,
            }
            for row in report["reads"]
        ],
        "releases": [
            {
                "title": r.title,
                "version": r.version,
                "created_at": r.created_at.isoformat(),
                "purpose": r.purpose,
                "legal_basis": r.legal_basis,
                "recipients": [u.get_username() for u in r.recipient_users.all()]
                + [a.name for a in r.recipient_agencies.all()],
                "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None,
            }
            for r in report["releases"]
        ],
        "sharing_decisions": [
            {
                "case": d.case.reference,
                "decided_at": d.decided_at.isoformat(),
                "kind": d.kind,
                "information": d.information,
                "recipient": d.recipient,
                "gateway": d.gateway.name if d.gateway else None,
                "agreement": d.agreement.title if d.agreement else None,
                "reason": d.reason,
                "agency": d.agency.name,
                "decided_by": d.decided_by.get_username(),
            }
            for d in report["sharing_decisions"]
        ],
    }
