"""Every write on a case, called straight on the service as each role, on a case inside and
outside the user's reach: the services ask access.policy themselves, so no caller (view, task,
command, shell) can skip it. A refused write raises and leaves every case table as it was;
an allowed one changes it (so the refusals are not refusals of everything)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, Level, Role
from cases import services
from cases.models import (
    Action,
    Assessment,
    AssessmentRating,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    ChronologyEntry,
    Escalation,
    Indicator,
    StatusChange,
)
from privacy import subject_rights
from tests.factories import AgencyFactory, make_case, make_user

CASE_TABLES = (
    Case,
    CaseUserObjectPermission,
    CaseGroupObjectPermission,
    ChronologyEntry,
    Assessment,
    AssessmentRating,
    Action,
    Escalation,
    StatusChange,
    LogEntry,
)

# The roles tried. "owner" is the social worker who owns the case inside; "police" and
# "coordinator" are on its team by name (of other agencies); "outsider" is a social worker of
# another agency. The case outside is owned by yet another social worker.
ROLES = [
    "owner",
    "police",
    "coordinator",
    "information_officer",
    "outsider",
    "youth_worker",
    "partner",
    "mayor_office",
    "admin",
]
# Who may do what on the case inside. On the case outside only the information officer sees
# it, and writes; nobody there manages the team or decides (the coordinator is not on it).
WRITERS = {"owner", "police", "coordinator", "information_officer"}
TEAM_MANAGERS = {"owner", "coordinator"}
DECIDERS = {"coordinator"}  # of an escalation addressed to the coordinator


@dataclass
class World:
    users: dict
    cases: dict
    prison: Agency
    newcomer: object  # a social worker on no team
    indicator: Indicator


@pytest.fixture
def world(db) -> World:
    social = AgencyFactory(name="Social Prevention")
    users = {
        "owner": make_user(role=Role.SOCIAL_WORKER, agency=social),
        "police": make_user(role=Role.POLICE),
        "coordinator": make_user(role=Role.COORDINATOR),
        "information_officer": make_user(role=Role.INFORMATION_OFFICER),
        "outsider": make_user(role=Role.SOCIAL_WORKER),
        "youth_worker": make_user(role=Role.YOUTH_WORKER),
        "partner": make_user(role=Role.PARTNER),
        "mayor_office": make_user(role=Role.MAYOR_OFFICE),
        "admin": make_user(role=Role.ADMIN),
    }
    inside = make_case(owner=users["owner"])
    for name in ("police", "coordinator"):
        services.team_add_user(
            case=inside, user=users[name], granted_by=users["owner"], reason="team"
        )
    outside = make_case(owner=make_user(role=Role.SOCIAL_WORKER))
    for case in (inside, outside):
        _furnish(case)
    return World(
        users=users,
        cases={"in": inside, "out": outside},
        prison=AgencyFactory(name="Prison", kind=Agency.Kind.PRISON),
        newcomer=make_user(role=Role.SOCIAL_WORKER),
        indicator=Indicator.objects.create(domain=Indicator.Domain.INTENT, name="Justification"),
    )


def _furnish(case: Case) -> None:
    """An L1 entry (every team member reads it), an action and an escalation to correct,
    update and decide; plus a second member by name to remove."""
    owner = case.owner
    services.entry_add(
        case=case,
        author=owner,
        kind=ChronologyEntry.Kind.NOTE,
        occurred_at=timezone.now() - timedelta(hours=2),
        level=Level.L1,
        text="Met at the youth centre",
    )
    services.action_add(
        case=case,
        created_by=owner,
        description="Home visit",
        owner=owner,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    services.escalation_raise(
        case=case,
        raised_by=owner,
        audience=Escalation.Audience.COORDINATOR,
        summary="Needs a decision",
        decision_requested="Approve outreach",
    )
    colleague = make_user(role=Role.SOCIAL_WORKER)
    services.team_add_user(case=case, user=colleague, granted_by=owner, reason="colleague")


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in CASE_TABLES}


# --- The writes, each as one call ------------------------------------------------------------


def _fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def update_risk(w, user, case):
    case = _fresh(case)
    services.case_update(
        case=case, user=user, expected_version=case.version, risk_level=Case.RiskLevel.HIGH
    )


def change_owner(w, user, case):
    case = _fresh(case)
    services.case_update(case=case, user=user, expected_version=case.version, owner=w.newcomer)


def change_lead_agency(w, user, case):
    case = _fresh(case)
    services.case_update(case=case, user=user, expected_version=case.version, lead_agency=w.prison)


def change_status(w, user, case):
    case = _fresh(case)
    services.case_change_status(
        case=case,
        user=user,
        to_status=Case.Status.INFORMATION_GATHERING,
        reason="Gathering",
        expected_version=case.version,
    )


def add_entry(w, user, case):
    services.entry_add(
        case=case,
        author=user,
        kind=ChronologyEntry.Kind.NOTE,
        occurred_at=timezone.now() - timedelta(hours=1),
        level=Level.L1,
        text="Another note",
    )


def correct_entry(w, user, case):
    entry = case.entries.get()
    services.entry_correct(entry=entry, author=user, text="Met at the sports hall")


def record_assessment(w, user, case):
    services.assessment_record(
        case=case,
        author=user,
        overall_judgement=Assessment.Judgement.LOW,
        ratings={w.indicator.pk: (1, "")},
        level=Level.L1,
    )


def add_action(w, user, case):
    services.action_add(
        case=case,
        created_by=user,
        description="Call the school",
        owner=case.owner,
        due_date=timezone.localdate() + timedelta(days=3),
    )


def update_action(w, user, case):
    services.action_update(action=case.actions.get(), user=user, status=Action.Status.DONE)


def raise_escalation(w, user, case):
    services.escalation_raise(
        case=case,
        raised_by=user,
        audience=Escalation.Audience.POLICE,
        summary="Weapons mentioned",
        decision_requested="Police route?",
    )


def decide_escalation(w, user, case):
    services.escalation_decide(
        escalation=case.escalations.get(),
        user=user,
        status=Escalation.Status.DECIDED,
        decision="Outreach approved",
    )


def add_team_member(w, user, case):
    services.team_add_user(case=case, user=w.newcomer, granted_by=user, reason="Joins")


def add_team_agency(w, user, case):
    services.team_add_agency(case=case, agency=w.prison, granted_by=user, reason="Joins")


def remove_team_member(w, user, case):
    colleague = case.caseuserobjectpermission_set.get(reason="colleague").user
    services.team_remove_user(case=case, user=colleague, removed_by=user)


def remove_team_agency(w, user, case):
    services.team_remove_agency(case=case, agency=case.lead_agency, removed_by=user)


WRITES = {
    update_risk: WRITERS,
    change_status: WRITERS,
    add_entry: WRITERS,
    correct_entry: WRITERS,
    record_assessment: WRITERS,
    add_action: WRITERS,
    update_action: WRITERS,
    raise_escalation: WRITERS,
    decide_escalation: DECIDERS,
    change_owner: TEAM_MANAGERS,
    change_lead_agency: TEAM_MANAGERS,
    add_team_member: TEAM_MANAGERS,
    add_team_agency: TEAM_MANAGERS,
    remove_team_member: TEAM_MANAGERS,
    remove_team_agency: TEAM_MANAGERS,
}
OUTSIDE = {
    write: ({"information_officer"} if allowed is WRITERS else set())
    for write, allowed in WRITES.items()
}


def expected_to_succeed(write, role: str, scope: str) -> bool:
    return role in (WRITES[write] if scope == "in" else OUTSIDE[write])


def attempt(write, world, user, case) -> str:
    """Try the write; answer "done" (it changed the tables: rolled back afterwards, so the
    next role starts from the same world), "refused" (PermissionDenied, nothing changed),
    "restricted" (ValidationError naming the restriction, nothing changed) or what went wrong."""
    before = snapshot()
    try:
        with transaction.atomic():
            write(world, user, case)
            changed = snapshot() != before
            transaction.set_rollback(True)
    except PermissionDenied:
        outcome = "refused"
    except ValidationError as error:
        outcome = "restricted" if "restricted" in str(error) else f"invalid: {error}"
    else:
        return "done" if changed else "done, but nothing changed"
    return outcome if snapshot() == before else f"{outcome}, but the tables changed"


@pytest.mark.parametrize("scope", ["in", "out"])
@pytest.mark.parametrize("write", list(WRITES), ids=lambda write: write.__name__)
def test_each_write_is_decided_by_the_policy_in_the_service(world, write, scope):
    case = world.cases[scope]
    allowed = WRITES[write] if scope == "in" else OUTSIDE[write]
    outcomes = {role: attempt(write, world, world.users[role], case) for role in ROLES}
    expected = {role: "done" if role in allowed else "refused" for role in ROLES}
    assert outcomes == expected


@pytest.mark.parametrize("write", list(WRITES), ids=lambda write: write.__name__)
def test_a_restricted_case_takes_no_write_and_no_team_change(world, write):
    case = world.cases["in"]
    subject_rights.case_restrict(
        case=case, user=world.users["information_officer"], reason="Accuracy contested"
    )
    outcomes = {role: attempt(write, world, world.users[role], case) for role in ROLES}
    # Those who could otherwise do it are told why; the others are refused as before.
    expected = {role: "restricted" if role in WRITES[write] else "refused" for role in ROLES}
    if write in (change_owner, change_lead_agency):
        # An edit of the case first: whoever may edit it hears of the restriction.
        expected.update(dict.fromkeys(WRITERS, "restricted"))
    assert outcomes == expected
