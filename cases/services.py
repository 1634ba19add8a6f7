"""Writes on cases. Keyword-only, atomic; auditlog records each row's before and after."""

import calendar
import unicodedata
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Length
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access import policy
from accounts.models import Agency, Level
from accounts.types import Actor, User
from cases import selectors
from cases.models import (
    Action,
    AftercareReview,
    Assessment,
    AssessmentRating,
    Attachment,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChronologyEntry,
    ConcernCategory,
    Escalation,
    GrantEvent,
    Person,
    StatusChange,
)
from cases.notifications import notify_escalation_decided
from cases.uploads import check_upload
from core.dates import FUTURE_TOLERANCE

S = Case.Status

# Which status may follow which. Anything else is refused with a reason.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.INTAKE: frozenset({S.INFORMATION_GATHERING, S.CLOSED}),
    S.INFORMATION_GATHERING: frozenset({S.ON_AGENDA, S.CLOSED}),
    S.ON_AGENDA: frozenset({S.ACTIVE_SUPPORT, S.INFORMATION_GATHERING, S.ESCALATED, S.CLOSED}),
    S.ACTIVE_SUPPORT: frozenset({S.UNDER_REVIEW, S.ON_AGENDA, S.ESCALATED, S.CLOSED}),
    S.UNDER_REVIEW: frozenset({S.ACTIVE_SUPPORT, S.ON_AGENDA, S.ESCALATED, S.CLOSED}),
    S.ESCALATED: frozenset({S.ACTIVE_SUPPORT, S.UNDER_REVIEW, S.ON_AGENDA, S.CLOSED}),
    S.CLOSED: frozenset({S.AFTERCARE, S.INFORMATION_GATHERING}),
    S.AFTERCARE: frozenset({S.CLOSED, S.INFORMATION_GATHERING}),
}
AFTERCARE_MONTHS = (6, 12)


class ConflictError(Exception):
    """Someone else changed the case since the user loaded it."""

    def __init__(self, current: Case) -> None:
        super().__init__("The case was changed by someone else.")
        self.current = current


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _ascii_initials(first_name: str, last_name: str) -> str:
    """Initials anyone can type in a search box: Çelik -> C, Öztürk -> O."""
    letters = ""
    for name in (first_name, last_name):
        folded = unicodedata.normalize("NFKD", name.strip()).encode("ascii", "ignore").decode()
        letters += next((c for c in folded if c.isalpha()), "X")
    return letters.upper()


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


RESTRICTED = gettext_lazy("Processing of this case is restricted: nothing can be added or changed.")


def _refuse(user: Actor, case: Case) -> NoReturn:
    """The policy said no. On a case the user sees whose processing is restricted, say so (the
    form shows it); otherwise a plain refusal, which tells nothing about the case."""
    if policy.case_visible(user, case) and policy.case_is_restricted(case):
        raise ValidationError(RESTRICTED)
    raise PermissionDenied


def _refuse_decision(user: Actor, escalation: Escalation) -> NoReturn:
    """As _refuse, for a decider who may read the escalation without seeing its case."""
    readable = Escalation.objects.filter(policy.escalation_filter(user), pk=escalation.pk)
    if readable.exists() and policy.case_is_restricted(escalation.case):
        raise ValidationError(RESTRICTED)
    raise PermissionDenied


def _require_write(user: Actor, case: Case) -> None:
    if not policy.may_write_case(user, case):
        _refuse(user, case)


def _require_team_manager(user: Actor, case: Case) -> None:
    if not policy.may_manage_team(user, case):
        _require(policy.is_team_manager(user, case))
        _refuse(user, case)


def _view_case_permission() -> Permission:
    return Permission.objects.get(codename=policy.VIEW_CASE, content_type__app_label="cases")


# --- Persons and opening a case -------------------------------------------------------------


@transaction.atomic
def person_create(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    gender: str = Person.Gender.UNKNOWN,
    address: str = "",
    school_or_employer: str = "",
    is_minor: bool = False,
) -> Person:
    if date_of_birth and date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth is in the future.")})
    initials = _ascii_initials(first_name, last_name)
    person = Person.objects.create(
        code=f"tmp-{uuid.uuid4().hex[:12]}",  # replaced below, once the pk is known
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=date_of_birth,
        gender=gender,
        address=address,
        school_or_employer=school_or_employer,
        is_minor=is_minor,
    )
    # The code is a pseudonym: initials and a number, nothing else about the person.
    person.code = f"{initials}-{person.pk:04d}"
    person.save(update_fields=["code"])
    return person


def _next_reference(year: int) -> str:
    prefix = f"MSC-{year}-"
    # By length first: MSC-2026-10000 comes after MSC-2026-9999.
    last = (
        Case.objects.filter(reference__startswith=prefix)
        .annotate(length=Length("reference"))
        .order_by("-length", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _recent_closed_case(person: Person) -> Case | None:
    since = timezone.now() - timedelta(days=Case.REPEAT_WINDOW_DAYS)
    return (
        person.cases.filter(status__in=[S.CLOSED, S.AFTERCARE], closed_at__gte=since)
        .order_by("-closed_at")
        .first()
    )


@transaction.atomic
def case_open(
    *,
    opened_by: Actor,
    person: Person,
    lead_agency: Agency,
    owner: User,
    legal_basis: str,
    categories: list[ConcernCategory] | None = None,
    risk_level: str = Case.RiskLevel.MODERATE,
    person_informed: bool = False,
    not_informed_reason: str = "",
    reason: str = "",
    event: str = StatusChange.Event.OPENED,
    params: dict | None = None,
) -> Case:
    _require(policy.may_open_cases(opened_by))
    if not person_informed and not not_informed_reason.strip():
        raise ValidationError({"not_informed_reason": _("Say why the person is not informed.")})
    if not policy.may_join_case_team(owner):
        raise ValidationError({"owner": _("The case owner must be able to work on cases.")})
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=_next_reference(timezone.localdate().year),
                    person=person,
                    lead_agency=lead_agency,
                    owner=owner,
                    legal_basis=legal_basis,
                    risk_level=risk_level,
                    person_informed=person_informed,
                    not_informed_reason="" if person_informed else not_informed_reason,
                    repeat_of=_recent_closed_case(person),
                    opened_by=opened_by,
                )
            break
        except IntegrityError:  # two cases opened at the same moment took the same number
            continue
    else:
        raise RuntimeError("Could not allocate a case reference.")
    if categories:
        case.categories.set(categories)
    StatusChange.objects.create(
        case=case,
        from_status="",
        to_status=case.status,
        changed_by=opened_by,
        event=event,
        params=params or {},
        reason=reason,
    )
    # The opener, the owner and the lead agency form the first team: part of opening the case,
    # which the opener may do, not a team change asked of may_manage_team.
    for member in {opened_by, owner}:
        if policy.may_join_case_team(member):
            _grant_user(
                case=case, user=member, granted_by=opened_by, event=GrantEvent.OPENED_THE_CASE
            )
    _grant_agency(case=case, agency=lead_agency, granted_by=opened_by, event=GrantEvent.LEAD_AGENCY)
    return case


# --- The case team (guardian direct foreign-key grants) -------------------------------------
# Each change asks policy.may_manage_team: the case owner or a coordinator, on a case they may
# write to. Whoever calls (the team page, an access request, a guest invitation, the prison-
# release protocol) is held to it.


def _grant_user(
    *,
    case: Case,
    user: User,
    granted_by: Actor,
    reason: str = "",
    expires_on: date | None = None,
    event: str = "",
    params: dict | None = None,
) -> CaseUserObjectPermission:
    if not policy.may_join_case_team(user):
        raise ValidationError(_("Only social workers, police and coordinators join case teams."))
    grant, _created = CaseUserObjectPermission.objects.update_or_create(
        content_object=case,
        user=user,
        permission=_view_case_permission(),
        defaults={
            "granted_by": granted_by,
            "reason": reason,
            "event": event,
            "params": params or {},
            "expires_on": expires_on,
        },
    )
    return grant


def _grant_agency(
    *, case: Case, agency: Agency, granted_by: Actor, reason: str = "", event: str = ""
) -> CaseGroupObjectPermission:
    grant, _created = CaseGroupObjectPermission.objects.update_or_create(
        content_object=case,
        group=agency.group,
        permission=_view_case_permission(),
        defaults={"granted_by": granted_by, "reason": reason, "event": event, "params": {}},
    )
    return grant


@transaction.atomic
def team_add_user(
    *,
    case: Case,
    user: User,
    granted_by: Actor,
    reason: str = "",
    expires_on: date | None = None,
    event: str = "",
    params: dict | None = None,
) -> CaseUserObjectPermission:
    """A person's grant gives a reason; the system's its event (GrantEvent) and parameters."""
    _require_team_manager(granted_by, case)
    return _grant_user(
        case=case,
        user=user,
        granted_by=granted_by,
        reason=reason,
        expires_on=expires_on,
        event=event,
        params=params,
    )


@transaction.atomic
def team_add_agency(
    *, case: Case, agency: Agency, granted_by: Actor, reason: str
) -> CaseGroupObjectPermission:
    _require_team_manager(granted_by, case)
    return _grant_agency(case=case, agency=agency, granted_by=granted_by, reason=reason)


@transaction.atomic
def team_remove_user(*, case: Case, user: User, removed_by: Actor) -> None:
    _require_team_manager(removed_by, case)
    for grant in CaseUserObjectPermission.objects.filter(content_object=case, user=user):
        grant.delete()  # one by one, so auditlog records each


@transaction.atomic
def team_remove_agency(*, case: Case, agency: Agency, removed_by: Actor) -> None:
    _require_team_manager(removed_by, case)
    for grant in CaseGroupObjectPermission.objects.filter(content_object=case, group=agency.group):
        grant.delete()


# --- Editing and moving a case --------------------------------------------------------------


CASE_EDITABLE_FIELDS = (
    "risk_level",
    "lead_agency",
    "owner",
    "next_review_date",
    "person_informed",
    "not_informed_reason",
    "legal_basis",
)


@transaction.atomic
def case_update(
    *,
    case: Case,
    user: Actor,
    expected_version: int,
    categories: Iterable[ConcernCategory] | None = None,
    **changes: Any,
) -> Case:
    """A new owner or lead agency joins the team, so changing either is a team change: only
    for the owner or a coordinator (policy.may_change_owner_or_lead_agency)."""
    _require_write(user, case)
    unknown = set(changes) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    if (
        not changes.get("person_informed", case.person_informed)
        and not changes.get("not_informed_reason", case.not_informed_reason).strip()
    ):
        raise ValidationError({"not_informed_reason": _("Say why the person is not informed.")})
    # auditlog sees save(), not update(): save first under the version check's lock.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise ConflictError(current=locked)
    owner_changed = "owner" in changes and changes["owner"].pk != locked.owner_id
    lead_changed = "lead_agency" in changes and changes["lead_agency"].pk != locked.lead_agency_id
    if owner_changed or lead_changed:
        _require(policy.may_change_owner_or_lead_agency(user, locked))
    if owner_changed and not policy.may_join_case_team(changes["owner"]):
        raise ValidationError({"owner": _("The case owner must be able to work on cases.")})
    if changes.get("person_informed"):
        changes["not_informed_reason"] = ""
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.version = expected_version + 1
    locked.save()
    if categories is not None:
        locked.categories.set(categories)
    if lead_changed:
        _grant_agency(
            case=locked, agency=locked.lead_agency, granted_by=user, event=GrantEvent.LEAD_AGENCY
        )
    if owner_changed:
        _grant_user(case=locked, user=locked.owner, granted_by=user, event=GrantEvent.CASE_OWNER)
    return locked


@transaction.atomic
def case_change_status(
    *,
    case: Case,
    user: Actor,
    to_status: str,
    expected_version: int,
    reason: str = "",
    next_review_date: date | None = None,
    closure_reason: str = "",
    event: str = StatusChange.Event.CHANGED,
    params: dict | None = None,
) -> Case:
    """A person changes the status with a reason; the system (a conference) with its event."""
    _require_write(user, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.version != expected_version:
        raise ConflictError(current=locked)
    from_status = locked.status
    if to_status not in S.values:
        raise ValidationError({"to_status": _("Choose a status from the list.")})
    if to_status not in ALLOWED_TRANSITIONS[from_status]:
        allowed = ", ".join(str(S(s).label) for s in sorted(ALLOWED_TRANSITIONS[from_status]))
        raise ValidationError(
            {
                "to_status": _(
                    "A case cannot go from %(from)s to %(to)s. From %(from)s it can go to: "
                    "%(allowed)s."
                )
                % {"from": S(from_status).label, "to": S(to_status).label, "allowed": allowed}
            }
        )
    if event == StatusChange.Event.CHANGED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this change.")})
    today = timezone.localdate()
    if to_status == S.ACTIVE_SUPPORT:
        review = next_review_date or locked.next_review_date
        if review is None or review < today:
            raise ValidationError(
                {"next_review_date": _("Active support needs a next review date from today on.")}
            )
        locked.next_review_date = review
    elif next_review_date:
        locked.next_review_date = next_review_date
    if to_status == S.CLOSED and from_status != S.AFTERCARE:
        if closure_reason not in Case.ClosureReason.values:
            raise ValidationError({"closure_reason": _("Choose why the case is closed.")})
        locked.closure_reason = closure_reason
        locked.closed_at = timezone.now()
        locked.next_review_date = None  # aftercare reviews take over
        for months in AFTERCARE_MONTHS:
            AftercareReview.objects.get_or_create(
                case=locked, months=months, due_date=add_months(today, months)
            )
    if to_status == S.INFORMATION_GATHERING and from_status in (S.CLOSED, S.AFTERCARE):
        locked.closure_reason, locked.closed_at = "", None  # reopened
        for aftercare in locked.aftercare_reviews.filter(done_at__isnull=True):
            aftercare.delete()
    locked.status = to_status
    locked.version = expected_version + 1
    locked.save()
    StatusChange.objects.create(
        case=locked,
        from_status=from_status,
        to_status=to_status,
        event=event,
        params=params or {},
        reason=reason,
        changed_by=user,
    )
    return locked


# --- Chronology -----------------------------------------------------------------------------


def _check_level(user: Actor, level: int) -> None:
    if level not in policy.writable_levels(user):
        raise ValidationError({"level": _("You cannot write at this level.")})


@transaction.atomic
def entry_add(
    *,
    case: Case,
    author: Actor,
    kind: str,
    occurred_at: datetime,
    level: int,
    text: str = "",
    attachment: UploadedFile | None = None,
    event: str = "",
    params: dict | None = None,
) -> ChronologyEntry:
    """A person's entry (`text`, as they wrote it), or the system's (`event` and its `params`,
    put into words in each reader's language; `text` then keeps them in English)."""
    _require_write(author, case)
    _check_level(author, level)
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"occurred_at": _("This is in the future. When did it happen?")})
    params = params or {}
    if event:
        text = _system_text(event, params)
    if not text.strip():
        raise ValidationError({"text": _("Write what happened.")})
    content_type = check_upload(attachment) if attachment else None
    entry = ChronologyEntry.objects.create(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        author=author,
        agency_id=policy.writer_agency_id(author),
        level=level,
        text=text,
        event=event,
        params=params,
    )
    if attachment is not None and content_type is not None:
        # check_upload read the name and size: an upload has both.
        Attachment.objects.create(
            entry=entry,
            file=attachment,
            original_name=(attachment.name or "")[:255],
            content_type=content_type,
            size=attachment.size or 0,
        )
    return entry


def _system_text(event: str, params: dict) -> str:
    """What the system writes, in English: kept in `text` for search and reports; each reader
    reads it in their own language (ChronologyEntry.in_words)."""
    with translation.override("en"):
        return ChronologyEntry.WORDS[ChronologyEntry.Event(event)](params)


@transaction.atomic
def entry_correct(*, entry: ChronologyEntry, author: Actor, text: str) -> ChronologyEntry:
    """A correction is a new entry that supersedes the old; both remain. It keeps the old
    entry's level and originating agency, so the correction reaches exactly the same readers."""
    if not policy.may_correct_entry(author, entry):
        if not policy.may_read_item(author, entry.level, entry.agency_id):
            raise PermissionDenied
        _refuse(author, entry.case)
    if not text.strip():
        raise ValidationError({"text": _("Write the corrected text.")})
    if ChronologyEntry.objects.filter(supersedes=entry).exists():
        raise ValidationError(_("This entry was already corrected; correct the newest version."))
    return ChronologyEntry.objects.create(
        case=entry.case,
        kind=entry.kind,
        occurred_at=entry.occurred_at,
        author=author,
        agency_id=entry.agency_id,
        level=entry.level,
        text=text,
        supersedes=entry,
    )


# --- Assessment -----------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    author: Actor,
    overall_judgement: str,
    ratings: dict[int, tuple[int, str]],
    what_changed: str = "",
    level: int = 2,
) -> Assessment:
    """A new version of the case's assessment; `ratings` maps indicator id to (rating, note)."""
    _require_write(author, case)
    _check_level(author, level)
    indicators = {i.pk: i for i in selectors.active_indicators()}
    if not ratings or set(ratings) - set(indicators):
        raise ValidationError(_("Rate the indicators of the framework."))
    locked_case = Case.objects.select_for_update().get(pk=case.pk)
    last = locked_case.assessments.aggregate(v=Max("version"))["v"] or 0
    if last and not what_changed.strip():
        raise ValidationError({"what_changed": _("Say what changed since the last version.")})
    assessment = Assessment.objects.create(
        case=locked_case,
        version=last + 1,
        overall_judgement=overall_judgement,
        what_changed=what_changed,
        level=level,
        author=author,
        agency_id=policy.writer_agency_id(author),
    )
    for pk, (rating, note) in sorted(ratings.items()):  # one by one: auditlog sees each
        AssessmentRating.objects.create(
            assessment=assessment, indicator_id=pk, rating=rating, note=note
        )
    return assessment


# --- Support plan ---------------------------------------------------------------------------


def _check_action_owner(case: Case, owner: User) -> None:
    """An action's owner must be able to see it: someone on the case team."""
    visible = Case.objects.filter(policy.case_filter(owner), pk=case.pk).exists()
    if not visible:
        raise ValidationError(
            {"owner": _("The owner must be on the case team. Add them to the team first.")}
        )


@transaction.atomic
def action_add(
    *,
    case: Case,
    created_by: Actor,
    description: str,
    owner: User,
    due_date: date,
    consent: str = Action.Consent.NOT_NEEDED,
) -> Action:
    _require_write(created_by, case)
    _check_action_owner(case, owner)
    if not description.strip():
        raise ValidationError({"description": _("Describe the action.")})
    if case.person.is_minor and consent == Action.Consent.GIVEN:
        raise ValidationError(
            {"consent": _("The person is a minor: record a parent's or guardian's consent.")}
        )
    return Action.objects.create(
        case=case,
        description=description,
        owner=owner,
        owner_agency_id=owner.profile.agency_id,
        due_date=due_date,
        consent=consent,
        created_by=created_by,
    )


@transaction.atomic
def action_update(
    *,
    action: Action,
    user: Actor,
    status: str,
    status_note: str = "",
    due_date: date | None = None,
    consent: str | None = None,
) -> Action:
    if not policy.may_update_action(user, action):
        _refuse(user, action.case)
    if status not in Action.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    if status in (Action.Status.NOT_POSSIBLE, Action.Status.NOT_DONE) and not status_note.strip():
        raise ValidationError({"status_note": _("Say why the action was not done.")})
    if consent == Action.Consent.GIVEN and action.case.person.is_minor:
        raise ValidationError(
            {"consent": _("The person is a minor: record a parent's or guardian's consent.")}
        )
    action.status = status
    action.status_note = status_note
    if due_date is not None:
        action.due_date = due_date
    if consent is not None:
        action.consent = consent
    action.save()
    return action


# --- Escalation -----------------------------------------------------------------------------


@transaction.atomic
def escalation_raise(
    *, case: Case, raised_by: Actor, audience: str, summary: str, decision_requested: str
) -> Escalation:
    _require_write(raised_by, case)
    if audience not in Escalation.Audience.values:
        raise ValidationError({"audience": _("Choose who the escalation is for.")})
    if not policy.may_raise_escalation(raised_by, audience):
        raise ValidationError(
            {"audience": _("Only the coordinator asks for a meeting with the mayor.")}
        )
    errors = {}
    if not summary.strip():
        errors["summary"] = _("Write a short text for the audience.")
    if not decision_requested.strip():
        errors["decision_requested"] = _("Say what decision you ask for.")
    if errors:
        raise ValidationError(errors)
    return Escalation.objects.create(
        case=case,
        audience=audience,
        summary=summary,
        decision_requested=decision_requested,
        raised_by=raised_by,
    )


@transaction.atomic
def escalation_decide(
    *, escalation: Escalation, user: Actor, status: str, decision: str = ""
) -> Escalation:
    # One decision: the row is locked and read again, so of two deciders at the same moment
    # (or one whose page was opened before another decided) the second sees the first's
    # decision and is refused, instead of overwriting it and writing a second entry.
    escalation.refresh_from_db(from_queryset=Escalation.objects.select_for_update())
    if not policy.may_decide_escalation(user, escalation):
        if not policy.decides_escalations_to(user, escalation.audience):
            raise PermissionDenied
        _refuse_decision(user, escalation)
    if escalation.status == Escalation.Status.DECIDED:
        raise ValidationError(_("This escalation has already been decided."))
    decided_at = timezone.now()
    if status not in (Escalation.Status.UNDER_REVIEW, Escalation.Status.DECIDED):
        raise ValidationError({"status": _("Choose under review or decided.")})
    if status == Escalation.Status.DECIDED:
        if not decision.strip():
            raise ValidationError({"decision": _("Write the decision taken.")})
        escalation.decision = decision
        escalation.decided_by = user
        escalation.decided_at = decided_at
    escalation.status = status
    escalation.save()
    if status == Escalation.Status.DECIDED:
        # The decision flows back into the case: a dated entry the team reads, and a
        # content-free message to the case owner.
        decided = {"audience": escalation.audience, "decision": decision}
        ChronologyEntry.objects.create(
            case=escalation.case,
            kind=ChronologyEntry.Kind.DECISION,
            occurred_at=decided_at,
            author=user,
            agency_id=policy.writer_agency_id(user),
            level=Level.L2,
            event=ChronologyEntry.Event.ESCALATION_DECIDED,
            params=decided,
            text=_system_text(ChronologyEntry.Event.ESCALATION_DECIDED, decided),
        )
        notify_escalation_decided.delay_on_commit(escalation.pk)
    return escalation
