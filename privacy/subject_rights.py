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
from audit.activities import ACTIVITY_KEY
from audit.models import ProcessingActivity
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
        "reads_by_activity": reads_by_activity(reads),
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
                "activity": activity_of(row),
            }
            for row in report["reads"]
        ],
        "processing_activities": [
            {
                "code": group["code"],
                "name": str(group["activity"]) if group["activity"] else None,
                "purpose": group["activity"].purpose if group["activity"] else None,
                "legal_basis": group["activity"].legal_basis if group["activity"] else None,
                "recipients": group["activity"].recipients if group["activity"] else None,
                "retention": group["activity"].retention if group["activity"] else None,
                "reads": len(group["reads"]),
            }
            for group in report["reads_by_activity"]
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


# --- The reads by the processing activity they served (GDPR arts. 15(1)(a) to (d), 30) --------


def activity_of(row: LogEntry) -> str:
    """The code of the activity an audit row served ("" for a row from before the register)."""
    data = row.additional_data
    return str(data.get(ACTIVITY_KEY) or "") if isinstance(data, dict) else ""


def reads_by_activity(reads) -> list[dict]:
    """[{code, activity (the register's entry, None if unknown), reads}] in the register's
    order of codes: what each processing read of the person's data was for, on what basis."""
    groups: dict[str, list[LogEntry]] = {}
    for row in reads:
        groups.setdefault(activity_of(row), []).append(row)
    register = {a.code: a for a in ProcessingActivity.objects.filter(code__in=list(groups))}
    return [
        {"code": code, "activity": register.get(code), "reads": rows}
        for code, rows in sorted(groups.items())
    ]
