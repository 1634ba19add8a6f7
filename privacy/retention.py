"""Retention of cases (DESIGN 4.8 and 8): closed cases are destroyed when their period ends, by
a destruction list that two reviewers approve, yielding to legal holds, leaving a certificate,
and written to a deletion register that a restore from a backup applies again. (The audit log
that describes them is kept longer: audit.retention.)

The daily job proposes a destruction list of the closed cases whose period has passed
(settings.RETENTION_YEARS, per closure reason, from a country preset) and that no open list
holds. The process owner (the coordinator) and a holder of the data-protection-officer
permission (`privacy.confirm_destruction`), two different people, each approve it after its
dry run (what each item erases, in counts); the second approval destroys it. An item whose case
or person is under a legal hold is skipped and says so; so is one no longer due.

Destroying a case erases in place every free text, name and file held for it, in every app,
and removes its grants. The case row stays as an empty shell with its reference, dates, closure
reason, risk level and categories, so the statistics keep their counts; a DestructionRecord (the
certificate) keeps the reference, the rule, the list, the reviewers, the time and what was
erased. The erasure writes no before-and-after audit rows (they would copy the very text being
destroyed); the certificate is the audit of it.

The deletion register (settings.DELETION_REGISTER_PATH) is a file outside the database: one
line per destruction with the certificate's facts and what to erase again (the case, and its
person or not), keyed with the audit chain's key so a line added by hand is refused. A backup
taken before a destruction still holds the data; `manage.py restore` ends by applying every
line of the register whose case the restored database does not show destroyed.
"""

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import Role, SecurityEvent
from accounts.types import Actor
from audit import activities, reads
from audit.models import AuditRetentionRun, AuditSeal
from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission, Person
from core.dates import years_before
from core.notifications import send_content_free
from privacy.models import DestructionList, DestructionListItem, DestructionRecord, LegalHold

logger = logging.getLogger("msc.retention")

# Audit tables are never erased by a case's destruction; they have their own retention. Nor
# are the retention's own records, which name the case by its row.
NEVER_ERASED = {
    LogEntry,
    AuditSeal,
    AuditRetentionRun,
    DestructionRecord,
    SecurityEvent,
    DestructionListItem,
    LegalHold,
}
MAX_DEPTH = 4
REGISTER_VERSION = 1


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


def cases_due(*, now: datetime | None = None) -> QuerySet[Case]:
    """Closed cases past their retention period and not yet destroyed. No user: for the job."""
    now = now or timezone.now()
    destroyed = DestructionRecord.objects.filter(reference=OuterRef("reference"))
    return (
        Case.objects.filter(status__in=[Case.Status.CLOSED, Case.Status.AFTERCARE])
        .filter(_due_filter(now))
        .filter(~Exists(destroyed))
        .only("pk", "reference", "closure_reason", "closed_at", "opened_at", "person_id")
        .order_by("closed_at", "pk")
    )


def holds_in_force() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(lifted_at__isnull=True)


def hold_on(case: Case) -> LegalHold | None:
    """The legal hold in force on the case or on its person, if any."""
    return (
        holds_in_force()
        .filter(Q(case_id=case.pk) | Q(person_id=case.person_id))
        .order_by("placed_at", "pk")
        .first()
    )


def destruction_lists(*, user: Actor, q: str = "") -> QuerySet[DestructionList]:
    """The lists, newest first; `q` finds them by their reference or a case's on them."""
    if not policy.may_review_destruction(user):
        raise Http404
    lists = DestructionList.objects.select_related("owner_approved_by", "officer_approved_by")
    if q:
        holding = DestructionListItem.objects.filter(
            destruction_list=OuterRef("pk"), case__reference__icontains=q
        )
        lists = lists.filter(Q(reference__icontains=q) | Exists(holding))
    return lists.annotate(item_count=models.Count("items")).order_by("-proposed_at", "-pk")


def destruction_list_for(*, user: Actor, list_id: int) -> DestructionList:
    """The door of a destruction list: 404 unless the user reviews destruction. Its read (the
    references on it) is recorded."""
    if not policy.may_review_destruction(user):
        raise Http404
    found = (
        DestructionList.objects.select_related("owner_approved_by", "officer_approved_by")
        .filter(pk=list_id)
        .first()
    )
    if found is None:
        raise Http404
    reads.record_read(user=user, obj=found, what="destruction list")
    return found


def destruction_log(*, user: Actor, q: str = "") -> QuerySet[DestructionRecord]:
    """The certificates, newest first; `q` finds them by the case's or the list's reference."""
    if not policy.may_review_destruction(user):
        raise Http404
    records = DestructionRecord.objects.select_related("confirmed_by", "owner_approved_by")
    if q:
        records = records.filter(Q(reference__icontains=q) | Q(list_reference__icontains=q))
    return records.order_by("-destroyed_at", "-pk")


def legal_holds(*, user: Actor, q: str = "") -> QuerySet[LegalHold]:
    """Holds in force first, then lifted ones: what, why, who and when (references and person
    codes only); `q` finds them by the case's reference or the person's code."""
    if not policy.may_manage_legal_holds(user):
        raise Http404
    holds = LegalHold.objects.select_related("case", "person", "placed_by", "lifted_by")
    if q:
        holds = holds.filter(Q(case__reference__icontains=q) | Q(person__code__icontains=q))
    return holds.order_by(models.F("lifted_at").desc(nulls_first=True), "-placed_at", "-pk")


def legal_hold_for(*, user: Actor, hold_id: int) -> LegalHold:
    if not policy.may_manage_legal_holds(user):
        raise Http404
    hold = LegalHold.objects.select_related("case", "person").filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    return hold


# --- The dry run -----------------------------------------------------------------------------


def _blank_values(model: type[models.Model]) -> dict:
    """Free text, names and addresses of a model: every text field that is not a code."""
    values: dict = {}
    for field_ in model._meta.concrete_fields:
        if field_.primary_key or field_.is_relation or field_.unique:
            continue
        if isinstance(field_, models.FileField | models.TextField) or (
            isinstance(field_, models.CharField) and not field_.choices
        ):
            values[field_.name] = ""
        elif isinstance(field_, models.JSONField | models.GenericIPAddressField) and field_.null:
            values[field_.name] = None
    return values


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _walk(queryset: QuerySet, skip: set, visit, depth: int = 0) -> None:
    """Visit the rows and, first, every row that points at them (in any app)."""
    model = queryset.model
    if depth > MAX_DEPTH:
        raise RuntimeError(f"Erasure went too deep at {model.__name__}")
    for relation in model._meta.related_objects:
        child = relation.related_model
        if relation.many_to_many or child in skip or child is model or child in NEVER_ERASED:
            continue
        rows = child._default_manager.filter(**{f"{relation.field.name}__in": queryset})
        if rows.exists():
            _walk(rows, skip, visit, depth + 1)
    visit(queryset)


@dataclass
class Erasure:
    """What erasing a case takes away: rows per model (by label) and files."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    person: bool = False

    def count(self, queryset: QuerySet) -> None:
        model = queryset.model
        if _blank_values(model):
            label = model._meta.label
            self.rows[label] = self.rows.get(label, 0) + queryset.count()
        for file_field in _file_fields(model):
            self.files += queryset.exclude(**{file_field.name: ""}).count()

    def as_json(self) -> dict:
        return {"rows": self.rows, "files": self.files, "person": self.person}

    @property
    def named(self) -> list[tuple[str, int]]:
        """(what, how many), in words: "chronology entries", 3."""
        return named_counts(self.rows)


def named_counts(rows: dict[str, int]) -> list[tuple[str, int]]:
    named = []
    for label, count in sorted(rows.items()):
        try:
            name = str(apps.get_model(label)._meta.verbose_name_plural)
        except LookupError:
            name = label
        named.append((name, count))
    return named


def _person_goes(case: Case, also_going: set[int]) -> bool:
    """The person is erased with their last case: no other case of theirs that is not
    destroyed (or, in a dry run, going before this one on the same list)."""
    others = (
        Person.objects.get(pk=case.person_id)
        .cases.exclude(pk=case.pk)
        .exclude(pk__in=also_going)
        .filter(~Exists(DestructionRecord.objects.filter(reference=OuterRef("reference"))))
    )
    return not others.exists()


def _plan(case: Case, *, person: bool) -> Erasure:
    erasure = Erasure(person=person)
    _walk(Case.objects.filter(pk=case.pk), {Case, Person}, erasure.count)
    if person:
        _walk(Person.objects.filter(pk=case.person_id), {Case, Person}, erasure.count)
    return erasure


@dataclass
class PlannedItem:
    item: DestructionListItem
    hold: LegalHold | None
    due: bool
    erasure: Erasure | None

    @property
    def goes(self) -> bool:
        return self.hold is None and self.due and self.erasure is not None


def dry_run(destruction_list: DestructionList) -> list[PlannedItem]:
    """Exactly what destroying the list would do now, item by item: skipped (and why), or the
    rows and files it erases. Counts only. (For a list already destroyed: what each item
    became, with what its certificate records.)"""
    items = list(destruction_list.items.select_related("case").order_by("case__closed_at", "pk"))
    due_ids = set(
        cases_due().filter(pk__in=[i.case_id for i in items]).values_list("pk", flat=True)
    )
    planned = []
    for item in items:
        hold = hold_on(item.case)
        planned.append(PlannedItem(item, hold, item.case_id in due_ids, None))
    earlier: set[int] = set()
    for plan in planned:
        if destruction_list.status == DestructionList.Status.DESTROYED:
            record = DestructionRecord.objects.filter(reference=plan.item.case.reference).first()
            if record is not None and plan.item.outcome == DestructionListItem.Outcome.DESTROYED:
                plan.erasure = Erasure(
                    rows=record.erased.get("rows", {}),
                    files=record.erased.get("files", 0),
                    person=record.erased.get("person", False),
                )
        elif plan.hold is None and plan.due:
            # The items go in this order: the person goes with the last of their cases.
            plan.erasure = _plan(plan.item.case, person=_person_goes(plan.item.case, earlier))
            earlier.add(plan.item.case_id)
    return planned


# --- The job: propose a list ----------------------------------------------------------------


def _reviewers() -> QuerySet:
    """Who approves destruction lists: the coordinators and the data protection officers."""
    User = get_user_model()
    officer = Q(user_permissions__codename="confirm_destruction") | Q(
        groups__permissions__codename="confirm_destruction"
    )
    return User.objects.filter(
        officer | Q(profile__role=Role.COORDINATOR), is_active=True
    ).distinct()


def _list_waiting_text(count: int) -> str:
    return _(
        "A destruction list of %(count)d closed case(s) that reached the end of their "
        "retention period waits for your approval. Sign in to the MSC case conference "
        "application to see what would be destroyed and to approve it."
    ) % {"count": count}


def _next_list_reference(now: datetime) -> str:
    year = timezone.localdate(now).year
    taken = DestructionList.objects.filter(reference__startswith=f"DL-{year}-").count()
    return f"DL-{year}-{taken + 1:04d}"


@activities.serving(activities.Code.RETENTION)
@transaction.atomic
def destruction_list_propose(*, now: datetime | None = None) -> DestructionList | None:
    """The daily job: put the cases due that no list waiting for approval holds on a new list,
    and tell the reviewers how many (no references in the e-mail). None when there is none."""
    now = now or timezone.now()
    waiting = DestructionListItem.objects.filter(
        case_id=OuterRef("pk"), destruction_list__status=DestructionList.Status.PROPOSED
    )
    cases = list(cases_due(now=now).filter(~Exists(waiting)))
    if not cases:
        logger.info("no case newly due for destruction")
        return None
    proposed = DestructionList.objects.create(reference=_next_list_reference(now), proposed_at=now)
    for case in cases:
        DestructionListItem.objects.create(
            destruction_list=proposed, case=case, rule=rule_for(case.closure_reason)[1]
        )
    emails = [u.email for u in _reviewers() if u.email]
    # Put into words in each reader's language, when the message is written for them.
    body = lazy(_list_waiting_text, str)(len(cases))
    transaction.on_commit(
        lambda: send_content_free(
            emails, gettext_lazy("A destruction list waits for your approval"), body
        )
    )
    logger.info("destruction list %s proposed: %d case(s)", proposed.reference, len(cases))
    return proposed


# --- The two approvals, and the destruction ---------------------------------------------------


@transaction.atomic
def destruction_list_approve(*, user: Actor, destruction_list: DestructionList) -> DestructionList:
    """Approve a list as its process owner (a coordinator) or as the data protection officer,
    whichever of the two is still open and is the user's; the second approval, by someone
    else, destroys it."""
    locked = DestructionList.objects.select_for_update().get(pk=destruction_list.pk)
    if not policy.may_approve_destruction_list(user, locked):
        if locked.status != DestructionList.Status.PROPOSED:
            raise ValidationError(_("This list has already been destroyed."))
        if user.pk in (locked.owner_approved_by_id, locked.officer_approved_by_id):
            raise ValidationError(
                _("You have approved this list. Someone else must give the second approval.")
            )
        raise PermissionDenied
    now = timezone.now()
    if locked.owner_approved_by_id is None and policy.may_approve_destruction_as_owner(user):
        locked.owner_approved_by, locked.owner_approved_at = user, now
    else:
        locked.officer_approved_by, locked.officer_approved_at = user, now
    locked.save()
    if locked.owner_approved_by_id and locked.officer_approved_by_id:
        _destroy_list(locked)
    return locked


@activities.serving(activities.Code.RETENTION)
def _destroy_list(destruction_list: DestructionList) -> None:
    """Every audit row of a destruction serves retention, whoever's case and whatever runs it
    (the approval's page, the restore re-applying the register)."""
    items = destruction_list.items.select_related("case").order_by("case__closed_at", "pk")
    reviewers = (destruction_list.owner_approved_by, destruction_list.officer_approved_by)
    lines = []
    for item in items:
        case = Case.objects.select_for_update().get(pk=item.case_id)
        if hold_on(case) is not None:
            item.outcome = DestructionListItem.Outcome.HELD
        elif not cases_due().filter(pk=case.pk).exists():
            item.outcome = DestructionListItem.Outcome.NOT_DUE
        else:
            lines.append(
                _destroy_case(
                    case,
                    rule=item.rule,
                    list_reference=destruction_list.reference,
                    owner=reviewers[0],
                    officer=reviewers[1],
                    person=_person_goes(case, set()),
                )
            )
            item.outcome = DestructionListItem.Outcome.DESTROYED
        item.save()
    destruction_list.status = DestructionList.Status.DESTROYED
    destruction_list.destroyed_at = timezone.now()
    destruction_list.save()
    # Last, just before the commit: a line for a destruction rolled back would erase, at the
    # next restore, a case two reviewers approved for destruction; a destruction committed
    # without its line could come back with a backup.
    _register_append(lines)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _destroy_case(
    case: Case,
    *,
    rule: str,
    list_reference: str,
    owner,
    officer,
    person: bool,
    entry: dict | None = None,
) -> dict:
    """Erase one case (and its person when `person`) and leave its certificate. Returns the
    deletion register's line for it (`entry` itself when that line is being applied again)."""
    case = Case.objects.select_related("lead_agency").get(pk=case.pk)
    erasure = _plan(case, person=person)
    if entry is None:
        facts = {
            "closure_reason": case.closure_reason,
            "opened_on": timezone.localdate(case.opened_at).isoformat(),
            "closed_on": timezone.localdate(case.closed_at).isoformat() if case.closed_at else None,
            "lead_agency_kind": case.lead_agency.kind,
            "risk_level": case.risk_level,
            "categories": ", ".join(sorted(c.name for c in case.categories.all()))[:500],
            "reviewers": f"{_name(owner)}; {_name(officer)}"[:300],
            "owner_approved_by": owner.pk,
            "confirmed_by": officer.pk,
            "destroyed_at": timezone.now().isoformat(),
        }
    else:
        facts = entry
    users = get_user_model().objects.in_bulk([facts["owner_approved_by"], facts["confirmed_by"]])
    DestructionRecord.objects.create(
        reference=case.reference,
        rule=rule,
        list_reference=list_reference,
        closure_reason=facts["closure_reason"],
        opened_on=parse_date(facts["opened_on"]),
        closed_on=parse_date(facts["closed_on"]) if facts["closed_on"] else None,
        lead_agency_kind=facts["lead_agency_kind"],
        risk_level=facts["risk_level"],
        categories=facts["categories"],
        reviewers=facts["reviewers"],
        owner_approved_by=users.get(facts["owner_approved_by"]),
        confirmed_by=users.get(facts["confirmed_by"]),
        erased=erasure.as_json(),
        destroyed_at=parse_datetime(facts["destroyed_at"]),
        reapplied_at=timezone.now() if entry is not None else None,
    )
    with disable_auditlog():
        CaseUserObjectPermission.objects.filter(content_object=case).delete()
        CaseGroupObjectPermission.objects.filter(content_object=case).delete()
        _erase(Case.objects.filter(pk=case.pk))
        if person:
            people = Person.objects.filter(pk=case.person_id)
            _erase(people)
            people.update(code=f"ANON-{case.person_id:06d}", date_of_birth=None)
    logger.info("case %s destroyed under rule %s", case.reference, rule)
    if entry is not None:
        return entry
    return {
        "v": REGISTER_VERSION,
        "reference": case.reference,
        "case_id": case.pk,
        "person_id": case.person_id,
        "person": person,
        "rule": rule,
        "list": list_reference,
        **facts,
    }


def _erase_rows(queryset: QuerySet) -> None:
    for file_field in _file_fields(queryset.model):
        names = queryset.exclude(**{file_field.name: ""}).values_list(file_field.name, flat=True)
        for name in names:
            if name:
                file_field.storage.delete(name)
    values = _blank_values(queryset.model)
    if values:
        queryset.update(**values)


def _erase(queryset: QuerySet) -> None:
    """Blank the rows and, first, every row that points at them (in any app)."""
    _walk(queryset, {Case, Person}, _erase_rows)


# --- Legal holds -----------------------------------------------------------------------------


@transaction.atomic
def legal_hold_place(
    *, user: Actor, reason: str, reference: str = "", person_code: str = ""
) -> LegalHold:
    """Suspend the destruction of a case (by its reference) or of everything about a person
    (by their code) until the hold is lifted."""
    if not policy.may_manage_legal_holds(user):
        raise PermissionDenied
    reference, person_code, reason = reference.strip(), person_code.strip(), reason.strip()
    if bool(reference) == bool(person_code):
        raise ValidationError(_("Enter a case reference or a person's code, not both."))
    if not reason:
        raise ValidationError({"reason": _("Say why destruction is suspended.")})
    if reference:
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise ValidationError({"reference": _("There is no case with this reference.")})
        if DestructionRecord.objects.filter(reference=reference).exists():
            raise ValidationError({"reference": _("This case has already been destroyed.")})
        target = {"case": case}
    else:
        person = Person.objects.filter(code=person_code).first()
        if person is None:
            raise ValidationError({"person_code": _("There is no person with this code.")})
        target = {"person": person}
    if holds_in_force().filter(**target).exists():
        raise ValidationError(_("A legal hold is already in force on it."))
    return LegalHold.objects.create(**target, reason=reason, placed_by=user)


@transaction.atomic
def legal_hold_lift(*, user: Actor, hold: LegalHold, reason: str) -> LegalHold:
    if not policy.may_manage_legal_holds(user):
        raise PermissionDenied
    locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if locked.lifted_at is not None:
        raise ValidationError(_("This legal hold has already been lifted."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the hold is lifted.")})
    locked.lifted_by, locked.lifted_at, locked.lift_reason = user, timezone.now(), reason.strip()
    locked.save()
    return locked


# --- The deletion register -------------------------------------------------------------------


def _register_mac(entry: dict, key: bytes) -> str:
    body = json.dumps(
        {k: v for k, v in entry.items() if k != "mac"}, sort_keys=True, separators=(",", ":")
    )
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def _register_keys() -> list[bytes]:
    return [k.encode() for k in (settings.AUDIT_CHAIN_KEY, *settings.AUDIT_CHAIN_KEY_FALLBACKS)]


def _register_append(entries: list[dict]) -> None:
    """One line per destruction, each keyed, written and flushed to disk before the
    destructions commit. A failure here (a full disk) rolls the destructions back."""
    if not entries:
        return
    key = _register_keys()[0]
    text = "".join(
        json.dumps({**e, "mac": _register_mac(e, key)}, sort_keys=True, ensure_ascii=False) + "\n"
        for e in entries
    )
    path = settings.DELETION_REGISTER_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as register:
        register.write(text)
        register.flush()
        os.fsync(register.fileno())


@dataclass
class RegisterReport:
    reapplied: list[str] = field(default_factory=list)
    already: int = 0
    refused: list[int] = field(default_factory=list)  # line numbers that do not verify


def register_entries() -> tuple[list[dict], list[int]]:
    """The register's lines that verify, and the numbers of those that do not."""
    path = settings.DELETION_REGISTER_PATH
    if not path.exists():
        return [], []
    entries, refused = [], []
    keys = _register_keys()
    with open(path, encoding="utf-8") as register:
        for number, line in enumerate(register, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                refused.append(number)
                continue
            if not isinstance(entry, dict) or not any(
                hmac.compare_digest(str(entry.get("mac", "")), _register_mac(entry, key))
                for key in keys
            ):
                refused.append(number)
                continue
            entries.append(entry)
    return entries, refused


@transaction.atomic
def register_reapply() -> RegisterReport:
    """Apply again every destruction of the register that the database does not show (after a
    restore from a backup taken before it): erase the case, and its person where the register
    says so, and re-create its certificate. Idempotent."""
    entries, refused = register_entries()
    report = RegisterReport(refused=refused)
    for entry in entries:
        if DestructionRecord.objects.filter(reference=entry["reference"]).exists():
            report.already += 1
            continue
        case = Case.objects.filter(pk=entry["case_id"], reference=entry["reference"]).first()
        if case is None:
            # The backup is older than the case itself: nothing of it to erase.
            report.already += 1
            continue
        _destroy_case(
            case,
            rule=entry["rule"],
            list_reference=entry["list"],
            owner=None,
            officer=None,
            person=bool(entry["person"]),
            entry=entry,
        )
        report.reapplied.append(entry["reference"])
    for number in refused:
        logger.error("deletion register line %d does not verify: not applied", number)
    return report
