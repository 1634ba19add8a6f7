"""The rules of need-to-know (DESIGN section 3). They live here and nowhere else; what a
user's role and clearance are, and the rules about accounts themselves, are accounts.rules.

Views and templates never decide access: they call selectors, and selectors call this module.
Filters are returned as Q objects so every list is filtered in SQL, with Exists subqueries over
the grant tables, never by loading ids into Python.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from access.models import AccessRequest
from accounts.models import Level, Role
from accounts.rules import agency_id_of, clearance_of, is_information_officer, role_of
from accounts.types import Actor
from audit.models import ProcessingActivity
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
    Escalation,
    Person,
    StatusChange,
)
from conferences.models import (
    AgencyCheck,
    AgendaItem,
    AgreedAction,
    Amendment,
    Attendance,
    ConferenceSeries,
    DeclarationSignature,
    DocumentCopy,
    Meeting,
    MeetingStateChange,
    MinutesApproval,
    Recusal,
)
from privacy.models import (
    AgreementParty,
    CaseRestriction,
    DestructionList,
    DestructionRecord,
    SharingAgreement,
    SharingDecision,
)
from referrals.models import (
    OutboundReferral,
    PrisonRelease,
    PrisonReleaseTask,
    Referral,
    Screening,
)
from releases.models import Release, ReleaseAcknowledgement

# Roles that can be on a case team at all. A youth worker, partner or the mayor's office reads
# only what is released or escalated to them, even if someone grants them a case by mistake.
CASE_TEAM_ROLES = frozenset({Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR})
# Roles that may manage a case team besides the case owner.
TEAM_MANAGER_ROLES = frozenset({Role.COORDINATOR})
VIEW_CASE = "view_case"

NOTHING = Q(pk__in=[])


def may_work_on_cases(user: Actor) -> bool:
    """Whether the user can ever see a case (if granted one, or as the information officer)."""
    return is_information_officer(user) or role_of(user) in CASE_TEAM_ROLES


# --- Rule 1: which cases exist for a user ----------------------------------------------------


def case_filter(user: Actor, case_field: str = "pk") -> Q:
    """A filter on Case (or, with case_field="case_id", on a model with a case foreign key)."""
    if is_information_officer(user):
        return Q()
    if role_of(user) not in CASE_TEAM_ROLES:
        return NOTHING
    return Q(**{f"{case_field}__in": _case_grants(user)})


def _case_grants(user: Actor) -> RawSQL:
    """The ids of the cases granted to the user, by name or through a group, as one subquery,
    compiled once per request's user and day (_compiled_for_user)."""
    return _compiled_for_user(user, "case_grants", lambda today: _grant_querysets(user, today))


def _compiled_for_user(user: Actor, name: str, parts: Callable[[date], list[QuerySet]]) -> RawSQL:
    """An uncorrelated subquery of ids the policy nests in many queries of a page (the user's
    case grants, their recusals, the escalations they see), compiled to SQL once per user
    object (a request's) and day and kept on it: Django compiles a queryset afresh each time
    it is nested in another (0.8 ms of Python for the grants' union against 0.02 compiled;
    bench/README.md). It stays SQL, evaluated when the query runs, so a grant or recusal made
    meanwhile is still seen; the user's id and the day are its parameters."""
    today = timezone.localdate()
    kept: dict = user.__dict__.setdefault("_policy_subqueries", {})
    key = (name, user.pk, today)
    if key not in kept:
        kept[key] = _compiled(parts(today))
    return kept[key]


def _grant_querysets(user: Actor, today: date) -> list[QuerySet]:
    """The user's grants by name and through their groups, each the ids of the cases."""
    # The permission and the user's groups as subqueries rather than joins, so that the
    # planner estimates the user's grants well (bench/README.md).
    permission = Permission.objects.filter(codename=VIEW_CASE, content_type__app_label="cases")
    view_case = Subquery(permission.order_by().values("pk")[:1])
    groups = get_user_model().groups.through.objects.filter(user_id=user.pk).values("group_id")
    user_grant = CaseUserObjectPermission.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        user_id=user.pk,
        permission_id=view_case,
    ).values("content_object_id")
    group_grant = CaseGroupObjectPermission.objects.filter(
        group_id__in=groups,
        permission_id=view_case,
    ).values("content_object_id")
    return [user_grant, group_grant]


def _compiled(parts: list[QuerySet]) -> RawSQL:
    """One IN over every part (UNION ALL), still a subquery in SQL and never ids in Python:
    PostgreSQL starts from the user's grants and looks each case up, where EXISTS(...) OR
    EXISTS(...) read every case (bench/README.md: a few ms instead of 480 ms at 100 000
    cases). Compiled here once; the queries it is nested in only paste it in."""
    first, *rest = parts
    query = first.union(*rest, all=True).query if rest else first.query
    sql, params = query.sql_with_params()
    # Django's own compiled SQL, every value passed apart as a parameter (as core.counts).
    return RawSQL(sql, params, output_field=IntegerField())  # noqa: S611


def dashboard_case_filter(user: Actor) -> Q:
    """The cases the dashboard counts: those the user sees, and the empty shells of destroyed
    cases their agency led (destruction removes the grants; statistics keep their counts, and
    nothing of a shell is shown). The shells are one more branch of the grants' UNION ALL:
    ORed onto it, they made PostgreSQL read every case (bench/README.md)."""
    if not may_see_dashboard(user):
        return NOTHING
    if is_information_officer(user):
        return Q()
    shells = (
        Case.objects.filter(
            Exists(DestructionRecord.objects.filter(reference=OuterRef("reference"))),
            lead_agency_id=agency_id_of(user),
        )
        .order_by()
        .values("pk")
    )
    if role_of(user) not in CASE_TEAM_ROLES:
        return Q(pk__in=shells)
    return Q(pk__in=_compiled([*_grant_querysets(user, timezone.localdate()), shells]))


# --- Rule 2: which items on a visible case ---------------------------------------------------


def item_filter(user: Actor, level_field: str = "level", agency_field: str = "agency") -> Q:
    """A filter on case items (entries, assessments, minutes) by level and originating agency."""
    if is_information_officer(user):
        return Q()
    clearance = clearance_of(user)
    if clearance is None or role_of(user) not in CASE_TEAM_ROLES:
        return NOTHING
    below_agency_held = Q(**{f"{level_field}__lt": Level.L3, f"{level_field}__lte": clearance})
    if clearance < Level.L3:
        return below_agency_held
    own_agency = Q(**{f"{level_field}__lte": clearance, agency_field: agency_id_of(user)})
    return below_agency_held | own_agency


def may_read_item(user: Actor, level: int, agency_id: int | None) -> bool:
    if is_information_officer(user):
        return True
    clearance = clearance_of(user)
    if clearance is None or role_of(user) not in CASE_TEAM_ROLES or level > clearance:
        return False
    return level < Level.L3 or agency_id == agency_id_of(user)


def writer_agency_id(user: Actor) -> int:
    """The originating agency of what a user writes. Only a user with a role writes (a role
    comes with a profile, a profile with an agency); anyone else is refused."""
    agency_id = agency_id_of(user)
    if agency_id is None:
        raise PermissionDenied
    return agency_id


def writable_levels(user: Actor) -> list[int]:
    """Levels a user may give an item they write: never above what they could read back."""
    if not may_work_on_cases(user):
        return []
    clearance = clearance_of(user) or 0
    return [level for level in Level.values if Level.L1 <= level <= clearance]


def usual_level(user: Actor) -> int | None:
    """The level an item takes unless its writer chooses another: the narrowest they may
    write, their own clearance (L2 for the social side, L4 for the police). Accepting the
    default never shares more widely than the writer's usual readers."""
    levels = writable_levels(user)
    return max(levels) if levels else None


# --- Persons ---------------------------------------------------------------------------------


def may_read_identities(user: Actor) -> bool:
    """Whether the user can ever read a person's identity (L2 on one of their cases)."""
    return is_information_officer(user) or (
        role_of(user) in CASE_TEAM_ROLES and (clearance_of(user) or 0) >= Level.L2
    )


# --- Writes on a visible case ----------------------------------------------------------------


def may_edit_case(user: Actor) -> bool:
    """Whether the user's role writes on the cases it sees: the role part of may_write_case,
    for a door or a page that already holds a case the user sees."""
    return may_work_on_cases(user)


def case_visible(user: Actor, case: Case) -> bool:
    """Rule 1 for one case already in hand (one EXISTS query)."""
    return Case.objects.filter(case_filter(user), pk=case.pk).exists()


def may_write_case(user: Actor, case: Case) -> bool:
    """May the user add to this case and move it on: they see it, their role writes, and
    processing of the case is not restricted (then it is read-only for everyone). One EXISTS
    query."""
    if not may_edit_case(user):
        return False
    return Case.objects.filter(case_filter(user), unrestricted_case_filter(), pk=case.pk).exists()


def may_write_opened_case(user: Actor, case: Case) -> bool:
    """may_write_case for a case the user opened through its door (so one they see)."""
    return may_edit_case(user) and not case_is_restricted(case)


def is_team_manager(user: Actor, case: Case) -> bool:
    """The role part of may_manage_team: the case owner, or a coordinator."""
    return case.owner_id == user.pk or role_of(user) in TEAM_MANAGER_ROLES


def may_manage_team(user: Actor, case: Case) -> bool:
    """May the user grant and remove access to this case: the owner or a coordinator, who may
    write to it (so never on a restricted case)."""
    return is_team_manager(user, case) and may_write_case(user, case)


def may_change_owner_or_lead_agency(user: Actor, case: Case) -> bool:
    """A new owner or lead agency joins the case team: a team change like any other."""
    return may_manage_team(user, case)


def may_join_case_team(user: Actor) -> bool:
    """Who may be granted a case by name, or own one: the roles that work in a case team."""
    return role_of(user) in CASE_TEAM_ROLES


def may_open_cases(user: Actor) -> bool:
    return role_of(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.INFORMATION_OFFICER}


def may_correct_entry(user: Actor, entry: ChronologyEntry) -> bool:
    """A correction reaches the readers of the entry it corrects: only one of them writes it."""
    return may_read_item(user, entry.level, entry.agency_id) and may_write_case(user, entry.case)


def may_update_action(user: Actor, action: Action) -> bool:
    return may_write_case(user, action.case)


def may_raise_escalation(user: Actor, audience: str) -> bool:
    """Only the coordinator asks the mayor for a meeting; any case worker escalates."""
    if audience == "mayor_meeting":
        return role_of(user) == Role.COORDINATOR
    return may_edit_case(user)


def decides_escalations_to(user: Actor, audience: str) -> bool:
    """The role part of may_decide_escalation: whose decision an audience asks for."""
    deciders: dict[str, set[str]] = {
        Escalation.Audience.COORDINATOR: {Role.COORDINATOR},
        Escalation.Audience.MAYOR: {Role.MAYOR_OFFICE},
        Escalation.Audience.MAC: {Role.MAYOR_OFFICE},
        Escalation.Audience.POLICE: {Role.POLICE, Role.INFORMATION_OFFICER},
        Escalation.Audience.MAYOR_MEETING: {Role.MAYOR_OFFICE},
    }
    return role_of(user) in deciders.get(audience, set())


def may_decide_escalation(user: Actor, escalation: Escalation) -> bool:
    """The escalation is addressed to the user's role, the user may read it, and the case is not
    restricted (the decision is written into the case)."""
    return (
        decides_escalations_to(user, escalation.audience)
        and Escalation.objects.filter(escalation_filter(user), pk=escalation.pk).exists()
        and not case_is_restricted(escalation.case)
    )


# --- Rule 3: releases ------------------------------------------------------------------------
# The information officer writes every release and reads them all (they see every case). A
# release is read by its live recipients and by nobody else; it never leads back to the case.
# Restriction of processing stops a new disclosure (a release or a revision) but not the end of
# one: revoking stops the processing the restriction is about.


def may_write_releases(user: Actor) -> bool:
    return is_information_officer(user)


def may_receive_releases(user: Actor) -> bool:
    return role_of(user) not in (None, Role.ADMIN)


def release_receiver_filter() -> Q:
    """A filter on User: who can be addressed by a release, by name or through their agency
    (what may_receive_releases answers for one user: a role, and not the administrator)."""
    return Q(profile__isnull=False) & ~Q(profile__role=Role.ADMIN)


def live_release_filter() -> Q:
    """Current (not revised), not revoked, not expired."""
    return Q(
        revoked_at__isnull=True, replaced_by__isnull=True, expires_on__gte=timezone.localdate()
    )


def release_recipient_filter(user: Actor) -> Q:
    """Releases addressed to the user, by name or through their agency, and live."""
    agency_id = agency_id_of(user)
    if not may_receive_releases(user) or agency_id is None:
        return NOTHING
    to_user = Release.recipient_users.through.objects.filter(user_id=user.pk).values("release_id")
    to_agency = Release.recipient_agencies.through.objects.filter(agency_id=agency_id).values(
        "release_id"
    )
    # As in case_filter: one IN over both ways of being addressed, not EXISTS OR EXISTS.
    return live_release_filter() & Q(pk__in=to_user.union(to_agency, all=True))


def release_filter(user: Actor) -> Q:
    """Releases the user may read: all of them for their author, the information officer (live
    and past); the live ones addressed to them for everyone else."""
    if may_write_releases(user):
        return Q()
    return release_recipient_filter(user)


def release_management_filter(user: Actor) -> Q:
    """Releases the user may manage (revise, revoke, see who acknowledged): the author's."""
    return Q() if may_write_releases(user) else NOTHING


def may_release(user: Actor, case: Case) -> bool:
    """Write a release from this case: the information officer, who sees every case, unless
    processing of the case is restricted (a release is a new disclosure)."""
    return may_write_releases(user) and not case_is_restricted(case)


def may_revise_release(user: Actor, release: Release) -> bool:
    """A revision is a new disclosure from the release's case: as may_release."""
    return may_release(user, release.case)


def may_revoke_release(user: Actor) -> bool:
    """Revoking ends a disclosure, so a restriction of processing does not stop it."""
    return may_write_releases(user)


def may_acknowledge_release(user: Actor, release: Release) -> bool:
    """A live recipient records that they read it (one EXISTS query)."""
    return Release.objects.filter(release_recipient_filter(user), pk=release.pk).exists()


# --- Rule 4: escalations ---------------------------------------------------------------------

MAYOR_AUDIENCES = ("mayor", "mac", "mayor_meeting")


def escalation_filter(user: Actor) -> Q:
    """Escalations the user may read: on cases they see, or addressed to the mayor's office."""
    if is_information_officer(user):
        return Q()
    if role_of(user) == Role.MAYOR_OFFICE:
        return Q(audience__in=MAYOR_AUDIENCES)
    return case_filter(user, case_field="case_id")


def mayor_escalation_filter(user: Actor) -> Q:
    """Escalations on the mayor's office's own list: addressed to the mayor or the MAC (their
    short text and the decision asked, never the case)."""
    if not may_see_mayor_escalations(user):
        return NOTHING
    return escalation_filter(user) & Q(audience__in=MAYOR_AUDIENCES)


# --- Conferences -----------------------------------------------------------------------------


def may_run_conferences(user: Actor) -> bool:
    """Create series, call meetings and chair them: the coordinator."""
    return role_of(user) == Role.COORDINATOR


def may_chair(user: Actor, series: ConferenceSeries) -> bool:
    if role_of(user) in (None, Role.ADMIN):
        return False
    return series.chair_id == user.pk or may_run_conferences(user)


def meeting_filter(user: Actor) -> Q:
    """Meetings a user may see: as a core member of the series, an attendee or a guest."""
    if is_information_officer(user) or may_run_conferences(user):
        return Q()
    if role_of(user) is None or role_of(user) == Role.ADMIN:
        return NOTHING
    member = ConferenceSeries.core_members.through.objects.filter(
        conferenceseries_id=OuterRef("series_id"), user_id=user.pk
    )
    attending = Attendance.objects.filter(meeting_id=OuterRef("pk"), user_id=user.pk)
    guest = AgendaItem.objects.filter(meeting_id=OuterRef("pk"), guest_id=user.pk)
    return Q(Exists(member)) | Q(Exists(attending)) | Q(Exists(guest))


def series_filter(user: Actor) -> Q:
    """Series a user may see: as a core member, or through a meeting of it they see (all of
    them for the coordinator and the information officer)."""
    if is_information_officer(user) or may_run_conferences(user):
        return Q()
    member = ConferenceSeries.core_members.through.objects.filter(
        conferenceseries_id=OuterRef("pk"), user_id=user.pk
    )
    meeting = Meeting.objects.filter(meeting_filter(user), series_id=OuterRef("pk"))
    return Q(Exists(member)) | Q(Exists(meeting))


def agenda_item_filter(user: Actor) -> Q:
    """Items a (signed) attendee sees: general items, and items on cases they may see, unless
    restricted above their clearance (then even the item's existence is hidden). Never an item
    they are recused from (a declared conflict of interest), whatever their role."""
    if role_of(user) is None:
        return NOTHING
    if is_information_officer(user):
        return not_recused(user)
    clearance = clearance_of(user)
    if clearance is None:
        return NOTHING
    unrestricted = Q(restricted_to_level__isnull=True) | Q(restricted_to_level__lte=clearance)
    general = Q(case__isnull=True, escalation__isnull=True)
    on_visible_case = Q(case__isnull=False) & case_filter(user, case_field="case_id")
    escalation_only = Q(case__isnull=True, escalation__isnull=False) & _visible_escalation(user)
    return unrestricted & (general | on_visible_case | escalation_only) & not_recused(user)


def _visible_escalation(user: Actor) -> Q:
    """A filter on AgendaItem: its escalation is one the user may read (escalation_filter),
    as an uncorrelated subquery compiled once per request (_compiled_for_user)."""
    readable = escalation_filter(user)
    if readable == NOTHING:
        return NOTHING
    escalations = _compiled_for_user(
        user, "escalations", lambda _today: [Escalation.objects.filter(readable).values("pk")]
    )
    return Q(escalation_id__in=escalations)


def may_read_minute(user: Actor, item: AgendaItem) -> bool:
    """On a visible item: the minute's text, by its own level and originating agency (rule 2,
    as item_filter for entries)."""
    return may_read_item(user, item.minute_level, item.minute_agency_id)


def may_see_meeting(user: Actor, meeting: Meeting) -> bool:
    return Meeting.objects.filter(meeting_filter(user), pk=meeting.pk).exists()


def may_see_agenda_item(user: Actor, item: AgendaItem) -> bool:
    return AgendaItem.objects.filter(agenda_item_filter(user), pk=item.pk).exists()


def may_edit_agenda_item(user: Actor, item: AgendaItem) -> bool:
    """Move, remove, restrict, minute or amend an item: the chair, on an item they see (an item
    restricted above the chair's clearance is not theirs to touch, nor to learn of)."""
    return may_chair(user, item.meeting.series) and may_see_agenda_item(user, item)


def may_replace_minute(user: Actor, item: AgendaItem) -> bool:
    """Write an item's minute over the one it has: only if the writer may read that minute, by
    its level and originating agency, so nobody overwrites (or declassifies) what they cannot
    read. An item not minuted yet has nothing to replace."""
    if not may_edit_agenda_item(user, item):
        return False
    if not (item.discussion or item.minuted_at or item.minute_agency_id):
        return True
    return may_read_minute(user, item)


def item_on_restricted_case(item: AgendaItem) -> bool:
    """Whether the item is on a case whose processing is restricted now: read from the item's
    annotation `case_restricted` (case_restricted_now) where its query made one."""
    if item.case_id is None:
        return False
    annotated = getattr(item, "case_restricted", None)
    if annotated is not None:
        return bool(annotated)
    return CaseRestriction.objects.filter(case_id=item.case_id, lifted_at__isnull=True).exists()


def may_record_minute(user: Actor, item: AgendaItem) -> bool:
    """may_replace_minute, and not while processing of the item's case is restricted: the
    minute (and the decision it applies) joins the case's record, which then takes no
    additions."""
    return may_replace_minute(user, item) and not item_on_restricted_case(item)


def may_amend_item(user: Actor, item: AgendaItem) -> bool:
    """Amend the final minutes of an item: the chair who sees it, unless processing of its
    case is restricted (an amendment adds to the case's record, as a minute does)."""
    return may_edit_agenda_item(user, item) and not item_on_restricted_case(item)


# --- Live meetings (issue 17) ------------------------------------------------------------------
# The chair moves the meeting through its states and runs the live screen; every member who
# may see the meeting follows it, each seeing the current item only as agenda_item_filter and
# may_read_minute let them (a restricted item stays hidden, existence included).


def may_run_meeting(user: Actor, meeting: Meeting) -> bool:
    """Publish, open, close, reopen and finalise a meeting, and set the item on the table."""
    return may_chair(user, meeting.series)


def may_follow_meeting(user: Actor, meeting: Meeting) -> bool:
    return may_see_meeting(user, meeting)


def may_record_seen_minute(user: Actor, item: AgendaItem) -> bool:
    """may_record_minute for an item the user already came through its door for (so one they
    see): the chair, who may read the minute it has, on a case whose processing is not
    restricted."""
    if not may_run_meeting(user, item.meeting):
        return False
    minuted = bool(item.discussion or item.minuted_at or item.minute_agency_id)
    if minuted and not may_read_minute(user, item):
        return False
    return not item_on_restricted_case(item)


def backlog_filter(user: Actor) -> Q:
    """A filter on BacklogItem, which names its case, escalation and restriction as an agenda
    item does: the same rule."""
    return agenda_item_filter(user)


def may_bring_guest_to(user: Actor, case: Case) -> bool:
    """A guest for one item joins the case team: only those who manage the team (the case
    owner, the coordinator) may bring one, not any chair."""
    if role_of(user) is None:
        return False
    return case.owner_id == user.pk or role_of(user) in TEAM_MANAGER_ROLES


def may_invite_guest(user: Actor, item: AgendaItem) -> bool:
    if item.case is None or not may_bring_guest_to(user, item.case):
        return False
    return may_edit_agenda_item(user, item) and not case_is_restricted(item.case)


# Minutes as a document (issue 17, part 7): the chair approves them; every reader who may see
# the meeting takes a PDF copy of what they may read (conferences.documents).


def may_approve_minutes(user: Actor, meeting: Meeting) -> bool:
    """Approve the minutes as a true record: the chair of the series (who approves what they
    may read of them; what is hidden from them stays out of their approval, as it stays out of
    their finalising)."""
    return may_chair(user, meeting.series)


def guest_grant_ends_on(meeting: Meeting, *, today: date | None = None) -> date:
    """The last day a guest's grant lasts: the day after the meeting, and never more than
    settings.GUEST_GRANT_MAX_DAYS from today (a meeting called for 2099 grants a week)."""
    today = today or timezone.localdate()
    day_after = timezone.localtime(meeting.starts_at).date() + timedelta(days=1)
    return min(day_after, today + timedelta(days=settings.GUEST_GRANT_MAX_DAYS))


# --- Conferences: recusals and agency checks (issue 17, parts 4 and 5) -----------------------
# A declared conflict of interest recuses an attendee from one item: agenda_item_filter hides
# the item from them, so every read through it (the agenda, the minutes, the item pages, the
# live screen, a briefing) leaves it out, and every door answers 404.
# Before the meeting, each agency on the series (the agencies of its core members who work on
# cases) answers per case on the published agenda. A member of that agency who sees the meeting
# and the item answers for it; an agency none of whose members sees the case cannot answer (the
# chair sees it as not answered, and may put the agency on the case team). An answer is a case
# item: it carries a level and its agency, and its content is read as rule 2 says.

CHECK_ANSWERER_ROLES = CASE_TEAM_ROLES | {Role.INFORMATION_OFFICER}
AGENCY_CHECK_STATUSES = (Meeting.Status.PUBLISHED, Meeting.Status.OPEN)


def not_recused(user: Actor) -> Q:
    """A filter on AgendaItem: the items the user is not recused from (a withdrawn recusal
    no longer hides the item)."""
    recused = _compiled_for_user(
        user,
        "recused_items",
        lambda _today: [
            Recusal.objects.filter(user_id=user.pk, withdrawn_at__isnull=True).values("item_id")
        ],
    )
    return ~Q(pk__in=recused)


def may_record_recusal(user: Actor, item: AgendaItem) -> bool:
    """Record a declared conflict of interest on an item: the chair, on an item they see."""
    return may_edit_agenda_item(user, item)


def recusal_filter(user: Actor) -> Q:
    """A filter on Recusal: those on items the user sees (so never their own: the item is
    hidden from them)."""
    return Q(item__in=AgendaItem.objects.filter(agenda_item_filter(user)).values("pk"))


def may_answer_agency_checks(user: Actor) -> bool:
    """The role part: whoever can see a case answers for their agency."""
    return role_of(user) in CHECK_ANSWERER_ROLES


def checking_agency_filter(series: ConferenceSeries | Subquery) -> Q:
    """A filter on Agency: the agencies asked to check on a series' agendas, those of its core
    members who work on cases (use .distinct())."""
    return Q(profiles__role__in=CHECK_ANSWERER_ROLES, profiles__user__conference_series=series)


def agency_check_item_filter(user: Actor, *, open_only: bool = True) -> Q:
    """A filter on AgendaItem: the case items the user's agency is asked to check: on a
    meeting the user sees, of a series on which their agency has a core member, and on the
    user's own agenda (agenda_item_filter). open_only: only while the checks are open (the
    agenda published, until the meeting closes; the service refuses an answer otherwise)."""
    agency_id = agency_id_of(user)
    if not may_answer_agency_checks(user) or agency_id is None:
        return NOTHING
    asked = ConferenceSeries.core_members.through.objects.filter(
        conferenceseries_id=OuterRef("meeting__series_id"),
        user__profile__agency_id=agency_id,
        user__profile__role__in=CHECK_ANSWERER_ROLES,
    )
    meetings = Meeting.objects.filter(meeting_filter(user))
    if open_only:
        meetings = meetings.filter(status__in=AGENCY_CHECK_STATUSES)
    return (
        Q(case__isnull=False, meeting__in=meetings.values("pk"))
        & Q(Exists(asked))
        & agenda_item_filter(user)
    )


def may_answer_agency_check(user: Actor, item: AgendaItem) -> bool:
    """Answer for one's agency on this item (one EXISTS query), unless processing of its case
    is restricted (an answer, and the entry a shared one writes, join the case's record).
    Whether the checks are open yet is the meeting's state: the service's check."""
    asked = agency_check_item_filter(user, open_only=False)
    asked_here = AgendaItem.objects.filter(asked, pk=item.pk).exists()
    return asked_here and not item_on_restricted_case(item)


def may_replace_agency_check(user: Actor, check: AgencyCheck) -> bool:
    """An agency's earlier answer is replaced only by someone who may read it: nobody
    overwrites (or declassifies) what they cannot read."""
    return may_read_item(user, check.level, check.agency_id)


def agency_check_filter(user: Actor) -> Q:
    """A filter on AgencyCheck: answers whose content the user may read (rule 2)."""
    return item_filter(user)


# --- Oversight -------------------------------------------------------------------------------


def may_see_statistics(user: Actor) -> bool:
    """Aggregate statistics (L0, small counts suppressed)."""
    return role_of(user) in {Role.MAYOR_OFFICE, Role.COORDINATOR}


def may_see_dashboard(user: Actor) -> bool:
    return role_of(user) == Role.COORDINATOR


def may_see_mayor_escalations(user: Actor) -> bool:
    return role_of(user) == Role.MAYOR_OFFICE


def may_request_mayor_meeting(user: Actor) -> bool:
    """The form that asks the mayor for a meeting about a case (an escalation to the MAC)."""
    return may_raise_escalation(user, "mayor_meeting")


def may_see_conferences(user: Actor) -> bool:
    """The conference pages and their menu entry: every role but the technical administrator
    (each page lists only the meetings meeting_filter lets the user see)."""
    return role_of(user) not in (None, Role.ADMIN)


# --- Audit and access requests ---------------------------------------------------------------


def may_see_read_audit(user: Actor) -> bool:
    """Who has seen a case: for the information officer and the coordinator."""
    return role_of(user) in {Role.INFORMATION_OFFICER, Role.COORDINATOR}


def may_run_subject_access_report(user: Actor) -> bool:
    return is_information_officer(user)


# The audit log (/audit/log/): which rows a reader sees listed, and of which the recorded
# values. The information officer lists every row. The coordinator lists only rows about what
# they may read themselves: a case they see and the items on it within their clearance, a
# person on such a case, a referral they screen (from when it was sent), a meeting they see;
# never rows about accounts, agencies, security events or cases they cannot see (the stricter
# reading of DESIGN 3). The values of a row (its changes and the object's name) are shown only
# to the information officer, and only for what they may read. Never a referral's: a draft is
# the referrer's alone, and the row that sends it, or sets its indicators then, still holds the
# draft's text as the "before"; a sent referral is read on its own page, through its door.


def _audit_object_rules(user: Actor) -> dict[type[Model], Q]:
    """{model: filter on that model}: the objects whose audit rows `user` may see."""

    def on_case(path: str) -> Q:
        return case_filter(user, case_field=path)

    def within(rule: Q, path: str, model: type[Model]) -> Q:
        """Objects under those `rule` allows on `model` (all of them when it allows all)."""
        return (
            Q()
            if rule == Q()
            else Q(**{f"{path}__in": model._default_manager.filter(rule).values("pk")})
        )

    meetings = within(meeting_filter(user), "meeting_id", Meeting)
    items = meetings & agenda_item_filter(user)
    runs_series = is_information_officer(user) or may_run_conferences(user)
    releases = Q() if may_write_releases(user) else release_recipient_filter(user)
    runs_register = is_information_officer(user) or may_manage_agreements(user)
    return {
        Case: case_filter(user),
        Person: person_identity_filter(user),
        ChronologyEntry: on_case("case_id") & item_filter(user),
        Attachment: on_case("entry__case_id")
        & item_filter(user, level_field="entry__level", agency_field="entry__agency"),
        Assessment: on_case("case_id") & item_filter(user),
        AssessmentRating: on_case("assessment__case_id")
        & item_filter(user, level_field="assessment__level", agency_field="assessment__agency"),
        Action: on_case("case_id"),
        Escalation: escalation_filter(user),
        AftercareReview: on_case("case_id"),
        StatusChange: on_case("case_id"),
        CaseUserObjectPermission: on_case("content_object_id"),
        CaseGroupObjectPermission: on_case("content_object_id"),
        CaseRestriction: on_case("case_id"),
        AccessRequest: on_case("case_id"),
        Release: releases,
        ReleaseAcknowledgement: Q() if may_write_releases(user) else Q(user_id=user.pk),
        ConferenceSeries: Q() if runs_series else NOTHING,
        Meeting: meeting_filter(user),
        Attendance: meetings,
        DeclarationSignature: meetings,
        MeetingStateChange: meetings,
        AgendaItem: items,
        Amendment: within(items, "item_id", AgendaItem) & item_filter(user),
        AgreedAction: within(items, "item_id", AgendaItem),
        MinutesApproval: meetings,
        DocumentCopy: meetings,
        Recusal: within(items, "item_id", AgendaItem),
        AgencyCheck: within(items, "item_id", AgendaItem) & item_filter(user),
        Referral: referral_screening_filter(user),
        Screening: within(referral_screening_filter(user), "referral_id", Referral),
        OutboundReferral: on_case("case_id"),
        PrisonRelease: on_case("case_id"),
        PrisonReleaseTask: on_case("protocol__case_id"),
        # The register holds no personal data: its keeper follows its history.
        SharingAgreement: Q() if runs_register else NOTHING,
        AgreementParty: Q() if runs_register else NOTHING,
        SharingDecision: on_case("case_id") & item_filter(user),
        # Nor does the register of processing activities: its readers follow its history.
        ProcessingActivity: Q() if may_read_processing_register(user) else NOTHING,
    }


def _audit_rows_on_readable_objects(user: Actor, *, values: bool) -> Q:
    """A filter on auditlog's LogEntry: rows about objects the user may read (for `values`:
    whose recorded values they may read, including rows about models without a rule)."""
    rules = _audit_object_rules(user)
    types = ContentType.objects.get_for_models(*rules)
    allowed = ~Q(content_type__in=list(types.values())) if values else NOTHING
    for model, rule in rules.items():
        if rule == NOTHING:
            continue
        if model is Referral:
            if not values:
                # Listed from when it was sent: nothing of its time as a draft.
                sent = Referral.objects.filter(
                    rule, pk=OuterRef("object_id"), submitted_at__lte=OuterRef("timestamp")
                )
                allowed |= Q(content_type=types[model]) & Q(Exists(sent))
        elif rule == Q():
            # Every row of the kind, also about objects destroyed since.
            allowed |= Q(content_type=types[model])
        else:
            visible = model._default_manager.filter(rule).values("pk")
            allowed |= Q(content_type=types[model], object_id__in=visible)
    return allowed


def audit_entry_filter(user: Actor) -> Q:
    """A filter on auditlog's LogEntry: the rows the user sees listed in the audit log."""
    if is_information_officer(user):
        return Q()
    if not may_browse_audit(user):
        return NOTHING
    return _audit_rows_on_readable_objects(user, values=False)


def audit_values_filter(user: Actor) -> Q:
    """A filter on LogEntry: the rows whose recorded values (changes, object name) the user
    sees. Rows on models without a rule are the information officer's (accounts, agencies)."""
    if not may_see_audit_changes(user):
        return NOTHING
    return _audit_rows_on_readable_objects(user, values=True)


def may_request_access(user: Actor) -> bool:
    return role_of(user) in CASE_TEAM_ROLES


def access_request_decider_filter(user: Actor) -> Q:
    """A filter on AccessRequest: the requests the user decides. Those on a case they see and
    whose team they manage (its owner, or the coordinator), never their own."""
    if not may_work_on_cases(user):
        return NOTHING
    manageable = Case.objects.filter(case_filter(user))
    if role_of(user) not in TEAM_MANAGER_ROLES:
        manageable = manageable.filter(owner_id=user.pk)
    return Q(case__in=manageable.values("pk")) & ~Q(requested_by_id=user.pk)


def may_decide_access_request(user: Actor, request: AccessRequest) -> bool:
    """Refuse (or approve, below) this request: one EXISTS query. (Whether it still waits for a
    decision is the service's check, not an access rule.)"""
    return AccessRequest.objects.filter(access_request_decider_filter(user), pk=request.pk).exists()


def may_approve_access_request(user: Actor, request: AccessRequest) -> bool:
    """Approval puts the requester on the case team: it widens access, so not while processing
    of the case is restricted."""
    return (
        may_decide_access_request(user, request)
        and request.case is not None
        and not case_is_restricted(request.case)
    )


# --- Referrals ---
# Anyone with a role except the technical administrator may refer a person (DESIGN 4.1). The
# coordinator and the information officer screen referrals and decide. The police take part in
# screening: they read a referral while it is being screened, and afterwards only if it was sent
# down the police or judicial route; a referral accepted into a case is then read through the case.
# The referrer follows their own referrals by status and outcome only: once sent, the content is
# the case conference's. A draft is the referrer's alone. Deconfliction answers hit / no hit for a
# match the user may not see: a person's identity only on a case they see (rule 1 and "Persons").
# An outbound referral is read by the case team (as part of the case) and by its provider agency,
# which sees what the referral says and nothing behind it, until it is revoked (like a release).

REFERRAL_DECIDER_ROLES = frozenset({Role.COORDINATOR, Role.INFORMATION_OFFICER})
REFERRAL_SCREENER_ROLES = REFERRAL_DECIDER_ROLES | {Role.POLICE}
# Who may send an outbound referral without the person's (or a parent's) consent, with a reason.
CONSENT_OVERRIDE_ROLES = frozenset({Role.COORDINATOR, Role.INFORMATION_OFFICER})
# Who answers an outbound referral addressed to their agency.
PROVIDER_ROLES = frozenset(Role.values) - {Role.ADMIN, Role.MAYOR_OFFICE}


def may_refer(user: Actor) -> bool:
    return role_of(user) not in (None, Role.ADMIN)


def may_screen_referrals(user: Actor) -> bool:
    """Whether the user sees the screening queue and reads referrals in full."""
    return role_of(user) in REFERRAL_SCREENER_ROLES


def may_decide_screening(user: Actor) -> bool:
    return role_of(user) in REFERRAL_DECIDER_ROLES


def may_decide_referral(user: Actor, referral: Referral) -> bool:
    """Record the screening of this referral: a decider who reads it in full (one EXISTS)."""
    return (
        may_decide_screening(user)
        and Referral.objects.filter(referral_screening_filter(user), pk=referral.pk).exists()
    )


def referral_screening_filter(user: Actor) -> Q:
    """A filter on Referral: those the user may read in full, for screening."""
    status = Referral.Status
    role = role_of(user)
    if role in REFERRAL_DECIDER_ROLES:
        return ~Q(status=status.DRAFT)
    if role == Role.POLICE:
        return Q(status__in=[status.SUBMITTED, status.INFORMATION_REQUESTED, status.POLICE_ROUTE])
    return NOTHING


def referral_referrer_filter(user: Actor) -> Q:
    """A filter on Referral: the user's own, followed by status and outcome."""
    if not may_refer(user):
        return NOTHING
    return Q(referrer_id=user.pk)


def may_edit_referral(user: Actor, referral: Referral) -> bool:
    return may_refer(user) and referral.referrer_id == user.pk and referral.status == "draft"


def may_answer_referral_question(user: Actor, referral: Referral) -> bool:
    return (
        may_refer(user)
        and referral.referrer_id == user.pk
        and referral.status == "information_requested"
    )


def person_identity_filter(user: Actor) -> Q:
    """A filter on Person: those whose identity the user may read (on a case they see)."""
    if is_information_officer(user):
        return Q()
    if not may_read_identities(user):
        return NOTHING
    return Q(Exists(Case.objects.filter(case_filter(user), person=OuterRef("pk"))))


def may_receive_outbound_referrals(user: Actor) -> bool:
    return role_of(user) in PROVIDER_ROLES


def outbound_provider_filter(user: Actor) -> Q:
    """A filter on OutboundReferral: addressed to the user's agency and not revoked."""
    if not may_receive_outbound_referrals(user):
        return NOTHING
    return Q(provider_id=agency_id_of(user)) & ~Q(status="revoked")


def may_send_outbound_referral(user: Actor, case: Case) -> bool:
    """Refer the person on this case to a service (the provider agency then reads what the
    referral says): a case worker who sees the case, unless its processing is restricted."""
    return may_write_case(user, case)


def may_revoke_outbound_referral(user: Actor, outbound: OutboundReferral) -> bool:
    """Withdraw it from the provider: the case team. Revoking ends a disclosure, so a
    restriction of processing does not stop it."""
    return (
        may_edit_case(user) and Case.objects.filter(case_filter(user), pk=outbound.case_id).exists()
    )


def may_override_outbound_consent(user: Actor) -> bool:
    return role_of(user) in CONSENT_OVERRIDE_ROLES


def may_answer_outbound_referral(user: Actor, outbound: OutboundReferral) -> bool:
    """The provider agency accepts, declines or completes it, but not while processing of the
    case is restricted (an answer is processing too)."""
    return (
        role_of(user) in PROVIDER_ROLES
        and outbound.provider_id == agency_id_of(user)
        and not CaseRestriction.objects.filter(
            case_id=outbound.case_id, lifted_at__isnull=True
        ).exists()
    )


def may_manage_prison_release(user: Actor, case: Case) -> bool:
    """Change the prison-release protocol of this case (prison, date, conditions; the tasks
    follow): the case team, unless processing of the case is restricted."""
    return may_write_case(user, case)


def may_set_up_prison_release(user: Actor, case: Case) -> bool:
    """Start the protocol on this case. It widens access: it sends a referral the prison (the
    provider agency) reads, so the same people as may_send_outbound_referral; and when the
    outreach worker is not on the team yet, it adds them, which only those who may manage the
    team do (may_manage_team; prison_release_start asks it)."""
    return may_send_outbound_referral(user, case)


# --- Security and data protection ---
# The audit log is browsed by the information officer (everything, with the before-and-after of
# each change) and the coordinator (who did what to which object, when and from where, without
# the changed values, which can hold L3 and L4 text). Destruction at the end of retention takes
# two reviewers, two different people: the process owner (the coordinator) and a holder of the
# data-protection-officer permission; both see references, dates and counts only. A legal hold
# is placed and lifted by the data protection officer or the information officer (who hears of
# inquests and court orders). Who administers accounts, and the second factor: accounts.rules.


def may_browse_audit(user: Actor) -> bool:
    return role_of(user) in {Role.INFORMATION_OFFICER, Role.COORDINATOR}


def may_see_audit_changes(user: Actor) -> bool:
    return is_information_officer(user)


def may_confirm_destruction(user: Actor) -> bool:
    # Never the technical administrator: the retention pages show case references (rule 5).
    return role_of(user) not in (None, Role.ADMIN) and user.has_perm("privacy.confirm_destruction")


def may_approve_destruction_as_owner(user: Actor) -> bool:
    return role_of(user) == Role.COORDINATOR


def may_review_destruction(user: Actor) -> bool:
    """Read the destruction lists (the dry run) and the certificates."""
    return may_approve_destruction_as_owner(user) or may_confirm_destruction(user)


def may_approve_destruction_list(user: Actor, destruction_list: DestructionList) -> bool:
    """Approve a proposed list in a capacity still open, never twice: the second approval must
    come from someone else."""
    if destruction_list.status != DestructionList.Status.PROPOSED:
        return False
    if user.pk in (destruction_list.owner_approved_by_id, destruction_list.officer_approved_by_id):
        return False
    return (
        destruction_list.owner_approved_by_id is None and may_approve_destruction_as_owner(user)
    ) or (destruction_list.officer_approved_by_id is None and may_confirm_destruction(user))


def may_manage_legal_holds(user: Actor) -> bool:
    return is_information_officer(user) or may_confirm_destruction(user)


def may_read_processing_register(user: Actor) -> bool:
    """The register of processing activities (GDPR art. 30): its keeper, and those who read
    the audit log by the activity each row served."""
    return may_maintain_processing_register(user) or may_browse_audit(user)


def may_maintain_processing_register(user: Actor) -> bool:
    """The data protection officer keeps the register (never the technical administrator:
    the permission takes effect only when a second person confirms it)."""
    return may_confirm_destruction(user)


def may_restrict_processing(user: Actor) -> bool:
    """Restriction of processing (a subject's right) is decided by the information officer,
    who also answers subject-access requests."""
    return is_information_officer(user)


def case_is_restricted(case: Case) -> bool:
    """A restricted case is read-only for everyone until the restriction is lifted. A case
    opened through its door (access.doors.access_case) brought the answer with it."""
    opened = getattr(case, "restricted_when_opened", None)
    if opened is not None:
        return opened
    return CaseRestriction.objects.filter(case_id=case.pk, lifted_at__isnull=True).exists()


def case_restricted_now(case_field: str = "pk") -> Exists:
    """An expression, for an annotation: whether processing of the case (or of the case that
    `case_field` names) is restricted now."""
    return Exists(
        CaseRestriction.objects.filter(case_id=OuterRef(case_field), lifted_at__isnull=True)
    )


def unrestricted_case_filter(case_field: str = "pk") -> Q:
    """A filter: the cases (or the rows whose `case_field` names a case) whose processing is
    not restricted. What may be proposed for an agenda, for example (conferences.selectors)."""
    return ~Q(case_restricted_now(case_field))


# --- Sharing agreements (DESIGN 8) ---
# Every disclosure (a release, an outbound referral) rests on a sharing agreement in force whose
# parties include every recipient's agency. An agreement that has ended stops new disclosures
# under it; what was shared under it before stays readable (the rules above, not this one,
# decide who reads a release). The coordinator keeps the register and records each party's
# sign-off; the case workers and the information officer read it, as they disclose under it.


def may_read_agreements(user: Actor) -> bool:
    return may_work_on_cases(user)


def may_manage_agreements(user: Actor) -> bool:
    return role_of(user) == Role.COORDINATOR


def disclosure_agreement(
    *, agency_ids: Iterable[int], named: SharingAgreement | None = None, on: date | None = None
) -> SharingAgreement | None:
    """The agreement a disclosure to these agencies goes under today: the one named if it is
    in force and covers them all, else (none named) the covering one in force that started
    last; None when there is none."""
    day = on or timezone.localdate()
    covering = SharingAgreement.objects.in_force(day).covering(agency_ids)
    if named is not None:
        return covering.filter(pk=named.pk).first()
    return covering.order_by("-starts_on", "-pk").first()


# A conference series discloses under the agreement it names (issue 18): case information first
# reaches the table when its agenda is published, and is talked through when a meeting opens.
# So its agreement must be in force that day and have every member and guest's agency among its
# signed parties when the series is set up, when a guest is invited, when an agenda is published
# and when a meeting opens. An agreement that ended stops new publications and meetings under it;
# minutes already made stay readable (reading them asks nothing of the agreement).
NO_AGREEMENT = "no_agreement"
AGREEMENT_NOT_IN_FORCE = "not_in_force"
AGREEMENT_NOT_COVERING = "not_covering"


def conference_agreement_refusal(
    *, agreement: SharingAgreement | None, agency_ids: Iterable[int], on: date | None = None
) -> tuple[str, frozenset[int]] | None:
    """Why a conference series may not disclose to these agencies under this agreement, or
    None if it may: NO_AGREEMENT (none named), AGREEMENT_NOT_IN_FORCE (not started, ended or
    not signed by all), or AGREEMENT_NOT_COVERING with the agencies that are not its parties."""
    if agreement is None:
        return NO_AGREEMENT, frozenset()
    day = on or timezone.localdate()
    if not SharingAgreement.objects.in_force(day).filter(pk=agreement.pk).exists():
        return AGREEMENT_NOT_IN_FORCE, frozenset()
    wanted = {pk for pk in agency_ids if pk is not None}
    parties = set(
        AgreementParty.objects.filter(agreement=agreement, agency_id__in=wanted).values_list(
            "agency_id", flat=True
        )
    )
    outside = frozenset(wanted - parties)
    return (AGREEMENT_NOT_COVERING, outside) if outside else None


# --- The sharing-decision log (DESIGN 8) ---
# Each decision to share or not to share is a case item (DESIGN 3: "every piece of case
# information carries a level and the agency it came from"), because a reason for not sharing
# can say as much as what was held. So the log is read as the chronology is: by the case team
# (rule 1, case_filter: the users and agencies granted the case) within their clearance, an
# agency-held (L3) or police (L4) decision by its own agency only (rule 2), and by the
# information officer, who sees every case. The coordinator reads the log of the cases whose
# team they are on, like any case worker: DESIGN 2 gives the coordinator no view of a case
# outside its team (rule 1 has only the information officer as exception), and their L2
# clearance is a ceiling here too. Nobody else learns anything of it: no page, no count, 404.
# Recording a decision adds to the case: a case worker who may write to it (never while its
# processing is restricted). A disclosure to a third party outside the conference is a
# decision of the information officer or the coordinator alone (issue 18), who also answer
# for the register and the exchanges outside the conference.

THIRD_PARTY_DISCLOSERS = frozenset({Role.INFORMATION_OFFICER, Role.COORDINATOR})


def sharing_decision_filter(user: Actor) -> Q:
    """A filter on SharingDecision: those the user may read. The log is part of the case
    (issue 18), so DESIGN 3 decides, as for the chronology: rule 1, the case team (users and
    agencies granted view_case) and the information officer, who sees every case; rule 2,
    within the reader's clearance, and an L3/L4 decision only for its own agency. The
    coordinator reads it on the cases whose team they are on, no others: DESIGN 2 gives them
    no view of a case outside its team and an L2 ceiling. Anyone else reads nothing of it."""
    return case_filter(user, case_field="case_id") & item_filter(user)


def sharing_decision_kinds(user: Actor) -> list[str]:
    """The kinds of decision the user may record on a case they may write to."""
    if not may_edit_case(user):
        return []
    # A revocation is logged by the revocation of the release or referral itself.
    kinds = [k for k in SharingDecision.Kind.values if k != SharingDecision.Kind.REVOKED]
    if role_of(user) not in THIRD_PARTY_DISCLOSERS:
        kinds.remove(SharingDecision.Kind.THIRD_PARTY)
    return kinds


def may_record_sharing_decision(user: Actor, case: Case, kind: str) -> bool:
    """Record a decision of this kind on this case: a case worker who may write to the case
    (one EXISTS query); a disclosure outside the conference, only the information officer or
    the coordinator."""
    return kind in sharing_decision_kinds(user) and may_write_case(user, case)
