"""Retention of cases (DESIGN 4.8): closed cases are destroyed when their period ends (the audit
log that describes them is kept longer: audit.retention).

A daily job lists the closed cases whose period has passed (settings.RETENTION_YEARS,
per closure reason, from a country preset). A user with the data-protection-officer permission
(`privacy.confirm_destruction`) confirms each one; then every free text, name and file held for
the case, in every app, is erased in place and the case's grants are removed. The case row
itself stays as an empty shell with its reference, dates, closure reason, risk level and
categories, so the statistics stay right; a DestructionRecord keeps the reference, the rule, who
confirmed and when. The erasure writes no before-and-after audit rows (they would copy the very
text being destroyed); the DestructionRecord is the audit of it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import SecurityEvent
from audit.models import AuditRetentionRun, AuditSeal
from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person
from core.dates import years_before
from core.notifications import send_content_free
from privacy.models import DestructionRecord

logger = logging.getLogger("msc.retention")

# Audit tables are never erased by a case's destruction; they have their own retention.
NEVER_ERASED = {LogEntry, AuditSeal, AuditRetentionRun, DestructionRecord, SecurityEvent}
MAX_DEPTH = 4


def rule_for(closure_reason: str) -> tuple[int, str]:
    years = settings.RETENTION_YEARS.get(closure_reason)
    if years is None:
        years = max(settings.RETENTION_YEARS.values())
    return years, f"{settings.RETENTION_COUNTRY}: {years} years after closure ({closure_reason})"


# --- Reads -----------------------------------------------------------------------------------


def _due_filter(now: datetime) -> Q:
    due = Q(pk__in=[])
    for reason, years in settings.RETENTION_YEARS.items():
        due |= Q(closure_reason=reason, closed_at__lte=years_before(now, years))
    return due


def cases_due(*, now: datetime | None = None) -> QuerySet:
    """Closed cases past their retention period and not yet destroyed. No user: for the job."""
    now = now or timezone.now()
    destroyed = DestructionRecord.objects.filter(reference=OuterRef("reference"))
    return (
        Case.objects.filter(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        .filter(_due_filter(now))
        .filter(~Exists(destroyed))
        .only("pk", "reference", "closure_reason", "closed_at", "opened_at")
        .order_by("closed_at", "pk")
    )


@dataclass
class DueCase:
    reference: str
    closure_reason: str
    closed_at: datetime
    rule: str


def cases_due_for(*, user) -> list[DueCase]:
    """For the data protection officer: reference, reason, date and rule; nothing of content."""
    if not policy.may_confirm_destruction(user):
        raise Http404
    return [
        DueCase(
            c.reference, c.get_closure_reason_display(), c.closed_at, rule_for(c.closure_reason)[1]
        )
        for c in cases_due()
    ]


def destruction_log(*, user) -> QuerySet[DestructionRecord]:
    if not policy.may_confirm_destruction(user):
        raise Http404
    return DestructionRecord.objects.select_related("confirmed_by").order_by("-destroyed_at")


def destruction_officers() -> QuerySet:
    User = get_user_model()
    perm = Q(user_permissions__codename="confirm_destruction") | Q(
        groups__permissions__codename="confirm_destruction"
    )
    return User.objects.filter(perm, is_active=True).distinct()


def _cases_due_text(count: int) -> str:
    return _(
        "%(count)d closed case(s) reached the end of their retention period. Sign in to "
        "the MSC case conference application to confirm their destruction."
    ) % {"count": count}


def notify_cases_due() -> list[str]:
    """The daily job: tell the data protection officers how many cases wait (no references in
    the e-mail). Returns the references due."""
    references = list(cases_due().values_list("reference", flat=True))
    if references:
        emails = [u.email for u in destruction_officers() if u.email]
        # Put into words in each reader's language, when the message is written for them.
        body = lazy(_cases_due_text, str)(len(references))
        send_content_free(emails, gettext_lazy("Cases are due for destruction"), body)
    logger.info("%d case(s) due for destruction", len(references))
    return references


# --- Erasure ---------------------------------------------------------------------------------


def _blank_values(model: type[models.Model]) -> dict:
    """Free text, names and addresses of a model: every text field that is not a code."""
    values: dict = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.unique:
            continue
        if isinstance(field, models.FileField | models.TextField) or (
            isinstance(field, models.CharField) and not field.choices
        ):
            values[field.name] = ""
        elif isinstance(field, models.JSONField | models.GenericIPAddressField) and field.null:
            values[field.name] = None
    return values


def _delete_files(queryset: QuerySet) -> None:
    model = queryset.model
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            for name in queryset.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                if name:
                    field.storage.delete(name)


def _erase(queryset: QuerySet, skip: set, depth: int = 0) -> None:
    """Blank the rows and, first, every row that points at them (in any app)."""
    model = queryset.model
    if depth > MAX_DEPTH:
        raise RuntimeError(f"Erasure went too deep at {model.__name__}")
    for relation in model._meta.related_objects:
        child = relation.related_model
        if relation.many_to_many or child in skip or child is model or child in NEVER_ERASED:
            continue
        rows = child._default_manager.filter(**{f"{relation.field.name}__in": queryset})
        if rows.exists():
            _erase(rows, skip, depth + 1)
    _delete_files(queryset)
    values = _blank_values(model)
    if values:
        queryset.update(**values)


@transaction.atomic
def case_destroy(*, reference: str, confirmed_by) -> DestructionRecord:
    """Destroy one due case's personal data, as confirmed by the data protection officer."""
    if not policy.may_confirm_destruction(confirmed_by):
        raise PermissionDenied
    case = cases_due().select_for_update().filter(reference=reference).first()
    if case is None:
        raise ValidationError(_("This case is not due for destruction."))
    case = Case.objects.select_related("lead_agency").get(pk=case.pk)
    _years, rule = rule_for(case.closure_reason)
    record = DestructionRecord.objects.create(
        reference=case.reference,
        rule=rule,
        closure_reason=case.closure_reason,
        opened_on=timezone.localdate(case.opened_at),
        closed_on=timezone.localdate(case.closed_at) if case.closed_at else None,
        lead_agency_kind=case.lead_agency.kind,
        risk_level=case.risk_level,
        categories=", ".join(sorted(c.name for c in case.categories.all()))[:500],
        confirmed_by=confirmed_by,
    )
    with disable_auditlog():
        CaseUserObjectPermission.objects.filter(content_object=case).delete()
        CaseGroupObjectPermission.objects.filter(content_object=case).delete()
        _erase(Case.objects.filter(pk=case.pk), skip={Case, Person})
        person = case.person
        others = person.cases.exclude(pk=case.pk).filter(
            ~Exists(DestructionRecord.objects.filter(reference=OuterRef("reference")))
        )
        if not others.exists():
            people = Person.objects.filter(pk=person.pk)
            _erase(people, skip={Case, Person})
            people.update(code=f"ANON-{person.pk:06d}", date_of_birth=None)
    logger.info("case %s destroyed under rule %s", case.reference, rule)
    return record
