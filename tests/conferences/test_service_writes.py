"""Every conference service asks the policy itself: called directly (as a task, a command or a
shell would), as every role, on objects inside and outside their reach, a refused write raises
PermissionDenied and changes no row."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission

from accounts.models import Level, Role
from cases import services as case_services
from cases.models import (
    Action,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Escalation,
)
from conferences import services
from conferences.models import (
    AgencyCheck,
    AgendaItem,
    Amendment,
    Attendance,
    ConferenceSeries,
    DeclarationSignature,
    Meeting,
    Recusal,
)
from tests.factories import make_case, make_user

TABLES = (
    ConferenceSeries,
    ConferenceSeries.core_members.through,
    Meeting,
    AgendaItem,
    Amendment,
    Attendance,
    DeclarationSignature,
    Recusal,
    AgencyCheck,
    Case,
    Action,
    Escalation,
    CaseUserObjectPermission,
    CaseGroupObjectPermission,
    UserObjectPermission,
    GroupObjectPermission,
)


def snapshot() -> dict:
    return {model: list(model.objects.order_by("pk").values()) for model in TABLES}


@dataclass
class World:
    users: dict
    series: ConferenceSeries
    meeting: Meeting
    item_in: AgendaItem  # on a case the coordinator and the police officer see
    item_out: AgendaItem  # on a case nobody here sees but its owner
    case_in: Case
    case_spare: Case  # visible to the coordinator, not yet on the agenda
    escalation: Escalation
    guest: object


# Roles tried. "police_chair" chairs another series; "coordinator_other" is a coordinator of
# another agency, not on the cases (a coordinator chairs every series by role).
ROLES = [
    "social_worker",
    "police",
    "police_chair",
    "information_officer",
    "coordinator",
    "coordinator_other",
    "youth_worker",
    "partner",
    "mayor_office",
    "admin",
]


@pytest.fixture
def world(db) -> World:
    users = {
        role: make_user(role=role)
        for role in (
            Role.SOCIAL_WORKER,
            Role.POLICE,
            Role.INFORMATION_OFFICER,
            Role.COORDINATOR,
            Role.YOUTH_WORKER,
            Role.PARTNER,
            Role.MAYOR_OFFICE,
            Role.ADMIN,
        )
    }
    users["police_chair"] = make_user(role=Role.POLICE)
    users["coordinator_other"] = make_user(role=Role.COORDINATOR)
    coordinator = users["coordinator"]
    members = [users[r] for r in ("social_worker", "police", "information_officer")]
    series = services.series_create(
        user=coordinator,
        name="Case conference",
        kind=ConferenceSeries.Kind.CASE_CONFERENCE,
        chair=coordinator,
        core_members=members,
    )
    services.series_create(
        user=coordinator,
        name="Elsewhere",
        kind=ConferenceSeries.Kind.CASE_MEETING,
        chair=users["police_chair"],
        core_members=[],
    )
    meeting = series.meetings.get()
    lead = coordinator.profile.agency
    case_in = make_case(owner=users["social_worker"], lead_agency=lead)
    case_services.team_add_user(
        case=case_in, user=users["police"], granted_by=users["social_worker"], reason="team"
    )
    case_spare = make_case(owner=users["social_worker"], lead_agency=lead)
    item_in = services.agenda_add_case(meeting=meeting, user=coordinator, case=case_in)
    item_out = AgendaItem.objects.create(meeting=meeting, case=make_case(), order=99)
    escalation = case_services.escalation_raise(
        case=case_spare,
        raised_by=users["social_worker"],
        audience=Escalation.Audience.COORDINATOR,
        summary="Needs the coordinator",
        decision_requested="Decide",
    )
    return World(
        users=users,
        series=series,
        meeting=meeting,
        item_in=item_in,
        item_out=item_out,
        case_in=case_in,
        case_spare=case_spare,
        escalation=escalation,
        guest=make_user(role=Role.SOCIAL_WORKER),
    )


# The writes, each called as a user (and on an item).
WRITES_ON_MEETING = {
    "agenda_add_general": lambda w, u: services.agenda_add_general(
        meeting=w.meeting, user=u, title="AOB"
    ),
    "agenda_add_case": lambda w, u: services.agenda_add_case(
        meeting=w.meeting, user=u, case=w.case_spare
    ),
    "agenda_add_escalation": lambda w, u: services.agenda_add_escalation(
        meeting=w.meeting, user=u, escalation=w.escalation
    ),
    "agenda_propose": lambda w, u: services.agenda_propose(meeting=w.meeting, user=u),
    "agenda_set_cutoff": lambda w, u: services.agenda_set_cutoff(
        meeting=w.meeting, user=u, cutoff=w.meeting.starts_at - timedelta(hours=1)
    ),
    "agenda_publish": lambda w, u: services.agenda_publish(meeting=w.meeting, user=u),
    "meeting_open": lambda w, u: services.meeting_open(meeting=w.meeting, user=u),
    "attendance_record": lambda w, u: services.attendance_record(
        meeting=w.meeting, user=u, attendee=w.users["social_worker"], status="present"
    ),
    "minutes_finalise": lambda w, u: services.minutes_finalise(meeting=w.meeting, user=u),
    "meeting_close": lambda w, u: services.meeting_close(meeting=w.meeting, user=u),
    "meeting_reopen": lambda w, u: services.meeting_reopen(
        meeting=w.meeting, user=u, reason="A decision was missed"
    ),
    "attendance_record_all": lambda w, u: services.attendance_record_all(
        meeting=w.meeting,
        user=u,
        rows=[{"attendee": w.users["social_worker"], "status": Attendance.Status.PRESENT}],
    ),
    "meeting_call_ad_hoc": lambda w, u: services.meeting_call_ad_hoc(
        series=w.series, user=u, starts_at=timezone.now() + timedelta(days=3)
    ),
}

WRITES_ON_ITEM = {
    "agenda_move": lambda w, u, item: services.agenda_move(item=item, user=u, up=False),
    "agenda_remove": lambda w, u, item: services.agenda_remove(item=item, user=u),
    "agenda_restrict": lambda w, u, item: services.agenda_restrict(
        item=item, user=u, level=Level.L2
    ),
    "agenda_invite_guest": lambda w, u, item: services.agenda_invite_guest(
        item=item, user=u, guest=w.guest
    ),
    "minute_record": lambda w, u, item: services.minute_record(
        item=item, user=u, discussion="Overwritten", decision="continue", level=Level.L1
    ),
    "recusal_record": lambda w, u, item: services.recusal_record(
        item=item, user=u, attendee=w.users["social_worker"], interest="Neighbour"
    ),
    "amendment_add": lambda w, u, item: services.amendment_add(
        item=item, user=u, text="Corrected", reason="Typo", level=Level.L1
    ),
    "live_outcome_record": lambda w, u, item: services.live_outcome_record(
        item=item,
        user=u,
        expected_version=item.version,
        discussion="Live",
        decision="continue",
        level=Level.L1,
        risk_level="high",
    ),
    "meeting_set_current_item": lambda w, u, item: services.meeting_set_current_item(
        meeting=w.meeting, user=u, item=item
    ),
    "item_move": lambda w, u, item: services.item_move(item=item, user=u, to="backlog"),
}

# The state of its life the meeting must be in for each write to work (issue 17).
STATE_FOR = {
    "meeting_open": Meeting.Status.PUBLISHED,
    "meeting_close": Meeting.Status.OPEN,
    "meeting_reopen": Meeting.Status.CLOSED,
    "minutes_finalise": Meeting.Status.CLOSED,
    "minute_record": Meeting.Status.OPEN,
    "live_outcome_record": Meeting.Status.OPEN,
    "meeting_set_current_item": Meeting.Status.OPEN,
    "item_move": Meeting.Status.OPEN,
    "amendment_add": Meeting.Status.FINAL,
}


def _in_state(w: World, name: str) -> None:
    status = STATE_FOR.get(name)
    if status is None:
        return
    Meeting.objects.filter(pk=w.meeting.pk).update(status=status)
    w.meeting.refresh_from_db()
    for item in (w.item_in, w.item_out):
        item.refresh_from_db()


CHAIRS = {"coordinator", "coordinator_other"}


def assert_refused(write, world, role) -> None:
    before = snapshot()
    with pytest.raises(PermissionDenied):
        write()
    assert snapshot() == before, f"{role}: a refused write changed the database"


@pytest.mark.parametrize("name", sorted(WRITES_ON_MEETING))
def test_only_a_chair_of_the_series_writes_on_its_meeting(world, name):
    write = WRITES_ON_MEETING[name]
    _in_state(world, name)
    for role in sorted(set(ROLES) - CHAIRS):
        assert_refused(lambda r=role: write(world, world.users[r]), world, role)


@pytest.mark.parametrize("name", sorted(WRITES_ON_ITEM))
def test_only_the_chair_who_sees_an_item_writes_on_it(world, name):
    write = WRITES_ON_ITEM[name]
    _in_state(world, name)
    for role in ROLES:
        # Inside reach for the coordinator only; the other coordinator chairs but sees neither
        # case; nobody here sees the outside item.
        items = [world.item_out] if role == "coordinator" else [world.item_in, world.item_out]
        for item in items:
            assert_refused(lambda r=role, i=item: write(world, world.users[r], i), world, role)


@pytest.mark.parametrize("name", sorted(WRITES_ON_ITEM))
def test_the_chair_who_sees_the_item_may_write_on_it(world, name):
    _in_state(world, name)
    before = snapshot()
    WRITES_ON_ITEM[name](world, world.users["coordinator"], world.item_in)
    assert snapshot() != before


@pytest.mark.parametrize("name", sorted(WRITES_ON_MEETING))
def test_the_chair_may_write_on_the_meeting(world, name):
    if name == "minutes_finalise":
        _in_state(world, "minute_record")
        services.minute_record(
            item=world.item_in,
            user=world.users["coordinator"],
            discussion="d",
            decision="continue",
            level=Level.L2,
        )
    _in_state(world, name)
    before = snapshot()
    WRITES_ON_MEETING[name](world, world.users["coordinator"])
    assert snapshot() != before


def test_only_those_who_see_a_meeting_sign_its_declaration(world):
    for role in ("police_chair", "youth_worker", "partner", "mayor_office", "admin"):
        assert_refused(
            lambda r=role: services.declaration_sign(meeting=world.meeting, user=world.users[r]),
            world,
            role,
        )
    for role in ("social_worker", "police", "information_officer", "coordinator"):
        services.declaration_sign(meeting=world.meeting, user=world.users[role])
    assert world.meeting.signatures.count() == 4


def test_a_chair_cannot_put_an_escalation_they_may_not_see_on_the_agenda(world):
    hidden = case_services.escalation_raise(
        case=world.item_out.case,
        raised_by=world.item_out.case.owner,
        audience=Escalation.Audience.COORDINATOR,
        summary="Not for this coordinator",
        decision_requested="Decide",
    )
    assert_refused(
        lambda: services.agenda_add_escalation(
            meeting=world.meeting, user=world.users["coordinator"], escalation=hidden
        ),
        world,
        "coordinator",
    )


def test_an_item_is_restricted_only_to_a_level_from_the_list(world):
    before = snapshot()
    for level in (Level.L0, Level.L1, 9):
        with pytest.raises(ValidationError):
            services.agenda_restrict(
                item=world.item_in, user=world.users["coordinator"], level=level
            )
    assert snapshot() == before
