"""The rules of need-to-know (DESIGN section 3). They live here and nowhere else.

Views and templates never decide access: they call selectors, and selectors call this module.
Filters are returned as Q objects so every list is filtered in SQL, with Exists subqueries over
the grant tables, never by loading ids into Python.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from access.models import ROLE_CLEARANCE, Level, Role

User = AbstractBaseUser | AnonymousUser

# Roles that can be on a case team at all. A youth worker, partner or the mayor's office reads
# only what is released or escalated to them, even if someone grants them a case by mistake.
CASE_TEAM_ROLES = frozenset({Role.SOCIAL_WORKER, Role.POLICE, Role.COORDINATOR})
# Roles that may manage a case team besides the case owner.
TEAM_MANAGER_ROLES = frozenset({Role.COORDINATOR})
VIEW_CASE = "view_case"

NOTHING = Q(pk__in=[])


def role_of(user: User) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def clearance_of(user: User) -> int | None:
    """The highest level the user may read, or None for no case content at all."""
    role = role_of(user)
    if role is None:
        return None
    ceiling = ROLE_CLEARANCE[role]
    own = user.profile.clearance
    if ceiling is None or own is None:
        return None
    return min(own, ceiling)


def agency_id_of(user: User) -> int | None:
    return user.profile.agency_id if role_of(user) else None


def is_information_officer(user: User) -> bool:
    return role_of(user) == Role.INFORMATION_OFFICER


def may_administer_accounts(user: User) -> bool:
    return role_of(user) == Role.ADMIN


def may_work_on_cases(user: User) -> bool:
    """Whether the user can ever see a case (if granted one, or as the information officer)."""
    return is_information_officer(user) or role_of(user) in CASE_TEAM_ROLES


# --- Rule 1: which cases exist for a user ----------------------------------------------------


def case_filter(user: User, case_field: str = "pk") -> Q:
    """A filter on Case (or, with case_field="case_id", on a model with a case foreign key)."""
    if is_information_officer(user):
        return Q()
    if role_of(user) not in CASE_TEAM_ROLES:
        return NOTHING
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission

    today = timezone.localdate()
    # The permission and the user's groups as subqueries rather than joins, so that the
    # planner estimates the user's grants well (bench/README.md).
    permission = Permission.objects.filter(codename=VIEW_CASE, content_type__app_label="cases")
    view_case = Subquery(permission.values("pk")[:1])
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
    # One IN over both kinds of grant, still a subquery in SQL: PostgreSQL starts from the
    # user's grants and looks each case up, where EXISTS(...) OR EXISTS(...) read every case
    # (bench/README.md: a few ms instead of 480 ms at 100 000 cases).
    return Q(**{f"{case_field}__in": user_grant.union(group_grant, all=True)})


# --- Rule 2: which items on a visible case ---------------------------------------------------


def item_filter(user: User, level_field: str = "level", agency_field: str = "agency") -> Q:
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


def may_read_item(user: User, level: int, agency_id: int) -> bool:
    if is_information_officer(user):
        return True
    clearance = clearance_of(user)
    if clearance is None or role_of(user) not in CASE_TEAM_ROLES or level > clearance:
        return False
    return level < Level.L3 or agency_id == agency_id_of(user)


def writable_levels(user: User) -> list[int]:
    """Levels a user may give an item they write: never above what they could read back."""
    if not may_work_on_cases(user):
        return []
    clearance = clearance_of(user) or 0
    return [level for level in Level.values if Level.L1 <= level <= clearance]


# --- Persons ---------------------------------------------------------------------------------


def may_read_identities(user: User) -> bool:
    """Whether the user can ever read a person's identity (L2 on one of their cases)."""
    return is_information_officer(user) or (
        role_of(user) in CASE_TEAM_ROLES and (clearance_of(user) or 0) >= Level.L2
    )


# --- Writes on a visible case ----------------------------------------------------------------


def may_edit_case(user: User) -> bool:
    """On a case the user already sees: may they add to it and move it on?"""
    return may_work_on_cases(user)


def may_manage_team(user: User, case) -> bool:
    """On a case the user already sees: may they grant and remove access?"""
    return case.owner_id == user.pk or role_of(user) in TEAM_MANAGER_ROLES


def may_open_cases(user: User) -> bool:
    return role_of(user) in {Role.SOCIAL_WORKER, Role.COORDINATOR, Role.INFORMATION_OFFICER}


def may_raise_escalation(user: User, audience: str) -> bool:
    """Only the coordinator asks the mayor for a meeting; any case worker escalates."""
    if audience == "mayor_meeting":
        return role_of(user) == Role.COORDINATOR
    return may_edit_case(user)


def may_decide_escalation(user: User, escalation) -> bool:
    from cases.models import Escalation

    deciders = {
        Escalation.Audience.COORDINATOR: {Role.COORDINATOR},
        Escalation.Audience.MAYOR: {Role.MAYOR_OFFICE},
        Escalation.Audience.MAC: {Role.MAYOR_OFFICE},
        Escalation.Audience.POLICE: {Role.POLICE, Role.INFORMATION_OFFICER},
        Escalation.Audience.MAYOR_MEETING: {Role.MAYOR_OFFICE},
    }
    return role_of(user) in deciders[escalation.audience]


# --- Rule 3: releases ------------------------------------------------------------------------


def may_write_releases(user: User) -> bool:
    return is_information_officer(user)


def may_receive_releases(user: User) -> bool:
    return role_of(user) not in (None, Role.ADMIN)


def live_release_filter() -> Q:
    """Current (not revised), not revoked, not expired."""
    return Q(
        revoked_at__isnull=True, replaced_by__isnull=True, expires_on__gte=timezone.localdate()
    )


def release_recipient_filter(user: User) -> Q:
    """Releases addressed to the user, by name or through their agency, and live."""
    if not may_receive_releases(user):
        return NOTHING
    from access.models import Release

    to_user = Release.recipient_users.through.objects.filter(user_id=user.pk).values("release_id")
    to_agency = Release.recipient_agencies.through.objects.filter(
        agency_id=agency_id_of(user)
    ).values("release_id")
    # As in case_filter: one IN over both ways of being addressed, not EXISTS OR EXISTS.
    return live_release_filter() & Q(pk__in=to_user.union(to_agency, all=True))


# --- Rule 4: escalations ---------------------------------------------------------------------

MAYOR_AUDIENCES = ("mayor", "mac", "mayor_meeting")


def escalation_filter(user: User) -> Q:
    """Escalations the user may read: on cases they see, or addressed to the mayor's office."""
    if is_information_officer(user):
        return Q()
    if role_of(user) == Role.MAYOR_OFFICE:
        return Q(audience__in=MAYOR_AUDIENCES)
    return case_filter(user, case_field="case_id")


# --- Conferences -----------------------------------------------------------------------------


def may_run_conferences(user: User) -> bool:
    """Create series, call meetings and chair them: the coordinator."""
    return role_of(user) == Role.COORDINATOR


def may_chair(user: User, series) -> bool:
    return series.chair_id == user.pk or may_run_conferences(user)


def meeting_filter(user: User) -> Q:
    """Meetings a user may see: as a core member of the series, an attendee or a guest."""
    if is_information_officer(user) or may_run_conferences(user):
        return Q()
    if role_of(user) is None or role_of(user) == Role.ADMIN:
        return NOTHING
    from conferences.models import AgendaItem, Attendance, ConferenceSeries

    member = ConferenceSeries.core_members.through.objects.filter(
        conferenceseries_id=OuterRef("series_id"), user_id=user.pk
    )
    attending = Attendance.objects.filter(meeting_id=OuterRef("pk"), user_id=user.pk)
    guest = AgendaItem.objects.filter(meeting_id=OuterRef("pk"), guest_id=user.pk)
    return Q(Exists(member)) | Q(Exists(attending)) | Q(Exists(guest))


def agenda_item_filter(user: User) -> Q:
    """Items a (signed) attendee sees: general items, and items on cases they may see, unless
    restricted above their clearance (then even the item's existence is hidden)."""
    if is_information_officer(user):
        return Q()
    clearance = clearance_of(user)
    if clearance is None:
        return NOTHING
    from cases.models import Escalation

    unrestricted = Q(restricted_to_level__isnull=True) | Q(restricted_to_level__lte=clearance)
    general = Q(case__isnull=True, escalation__isnull=True)
    on_visible_case = Q(case__isnull=False) & case_filter(user, case_field="case_id")
    visible_escalation = Escalation.objects.filter(
        escalation_filter(user), pk=OuterRef("escalation_id")
    )
    escalation_only = Q(case__isnull=True, escalation__isnull=False) & Q(Exists(visible_escalation))
    return unrestricted & (general | on_visible_case | escalation_only)


def minute_filter(user: User) -> Q:
    """On visible items: the minute's text by its level and originating agency."""
    return item_filter(user, level_field="minute_level", agency_field="minute_agency")


# --- Oversight -------------------------------------------------------------------------------


def may_see_statistics(user: User) -> bool:
    """Aggregate statistics (L0, small counts suppressed)."""
    return role_of(user) in {Role.MAYOR_OFFICE, Role.COORDINATOR}


def may_see_dashboard(user: User) -> bool:
    return role_of(user) == Role.COORDINATOR


def may_see_mayor_escalations(user: User) -> bool:
    return role_of(user) == Role.MAYOR_OFFICE


# --- Audit and access requests ---------------------------------------------------------------


def may_see_read_audit(user: User) -> bool:
    """Who has seen a case: for the information officer and the coordinator."""
    return role_of(user) in {Role.INFORMATION_OFFICER, Role.COORDINATOR}


def may_run_subject_access_report(user: User) -> bool:
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


def _audit_object_rules(user: User) -> dict:
    """{model: filter on that model}: the objects whose audit rows `user` may see."""
    from access.models import AccessRequest, CaseRestriction, Release, ReleaseAcknowledgement
    from cases import models as cases
    from conferences import models as conferences
    from referrals import models as referrals

    def on_case(path: str) -> Q:
        return case_filter(user, case_field=path)

    def within(rule: Q, path: str, model) -> Q:
        """Objects under those `rule` allows on `model` (all of them when it allows all)."""
        return Q() if rule == Q() else Q(**{f"{path}__in": model.objects.filter(rule).values("pk")})

    meetings = within(meeting_filter(user), "meeting_id", conferences.Meeting)
    items = meetings & agenda_item_filter(user)
    runs_series = is_information_officer(user) or may_run_conferences(user)
    releases = Q() if may_write_releases(user) else release_recipient_filter(user)
    return {
        cases.Case: case_filter(user),
        cases.Person: person_identity_filter(user),
        cases.ChronologyEntry: on_case("case_id") & item_filter(user),
        cases.Attachment: on_case("entry__case_id")
        & item_filter(user, level_field="entry__level", agency_field="entry__agency"),
        cases.Assessment: on_case("case_id") & item_filter(user),
        cases.AssessmentRating: on_case("assessment__case_id")
        & item_filter(user, level_field="assessment__level", agency_field="assessment__agency"),
        cases.Action: on_case("case_id"),
        cases.Escalation: escalation_filter(user),
        cases.AftercareReview: on_case("case_id"),
        cases.StatusChange: on_case("case_id"),
        cases.CaseUserObjectPermission: on_case("content_object_id"),
        cases.CaseGroupObjectPermission: on_case("content_object_id"),
        CaseRestriction: on_case("case_id"),
        AccessRequest: on_case("case_id"),
        Release: releases,
        ReleaseAcknowledgement: Q() if may_write_releases(user) else Q(user_id=user.pk),
        conferences.ConferenceSeries: Q() if runs_series else NOTHING,
        conferences.Meeting: meeting_filter(user),
        conferences.Attendance: meetings,
        conferences.DeclarationSignature: meetings,
        conferences.AgendaItem: items,
        conferences.Amendment: within(items, "item_id", conferences.AgendaItem) & item_filter(user),
        referrals.Referral: referral_screening_filter(user),
        referrals.Screening: within(
            referral_screening_filter(user), "referral_id", referrals.Referral
        ),
        referrals.OutboundReferral: on_case("case_id"),
        referrals.PrisonRelease: on_case("case_id"),
        referrals.PrisonReleaseTask: on_case("protocol__case_id"),
    }


def _audit_rows_on_readable_objects(user: User, *, values: bool) -> Q:
    """A filter on auditlog's LogEntry: rows about objects the user may read (for `values`:
    whose recorded values they may read, including rows about models without a rule)."""
    from django.contrib.contenttypes.models import ContentType

    from referrals.models import Referral

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
            visible = model.objects.filter(rule).values("pk")
            allowed |= Q(content_type=types[model], object_id__in=visible)
    return allowed


def audit_entry_filter(user: User) -> Q:
    """A filter on auditlog's LogEntry: the rows the user sees listed in the audit log."""
    if is_information_officer(user):
        return Q()
    if not may_browse_audit(user):
        return NOTHING
    return _audit_rows_on_readable_objects(user, values=False)


def audit_values_filter(user: User) -> Q:
    """A filter on LogEntry: the rows whose recorded values (changes, object name) the user
    sees. Rows on models without a rule are the information officer's (accounts, agencies)."""
    if not may_see_audit_changes(user):
        return NOTHING
    return _audit_rows_on_readable_objects(user, values=True)


def may_request_access(user: User) -> bool:
    return role_of(user) in CASE_TEAM_ROLES


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


def may_refer(user: User) -> bool:
    return role_of(user) not in (None, Role.ADMIN)


def may_screen_referrals(user: User) -> bool:
    """Whether the user sees the screening queue and reads referrals in full."""
    return role_of(user) in REFERRAL_SCREENER_ROLES


def may_decide_screening(user: User) -> bool:
    return role_of(user) in REFERRAL_DECIDER_ROLES


def referral_screening_filter(user: User) -> Q:
    """A filter on Referral: those the user may read in full, for screening."""
    from referrals.models import Referral

    status = Referral.Status
    role = role_of(user)
    if role in REFERRAL_DECIDER_ROLES:
        return ~Q(status=status.DRAFT)
    if role == Role.POLICE:
        return Q(status__in=[status.SUBMITTED, status.INFORMATION_REQUESTED, status.POLICE_ROUTE])
    return NOTHING


def referral_referrer_filter(user: User) -> Q:
    """A filter on Referral: the user's own, followed by status and outcome."""
    if not may_refer(user):
        return NOTHING
    return Q(referrer_id=user.pk)


def may_edit_referral(user: User, referral) -> bool:
    return may_refer(user) and referral.referrer_id == user.pk and referral.status == "draft"


def may_answer_referral_question(user: User, referral) -> bool:
    return (
        may_refer(user)
        and referral.referrer_id == user.pk
        and referral.status == "information_requested"
    )


def person_identity_filter(user: User) -> Q:
    """A filter on Person: those whose identity the user may read (on a case they see)."""
    if is_information_officer(user):
        return Q()
    if not may_read_identities(user):
        return NOTHING
    from cases.models import Case

    return Q(Exists(Case.objects.filter(case_filter(user), person=OuterRef("pk"))))


def may_receive_outbound_referrals(user: User) -> bool:
    return role_of(user) in PROVIDER_ROLES


def outbound_provider_filter(user: User) -> Q:
    """A filter on OutboundReferral: addressed to the user's agency and not revoked."""
    if not may_receive_outbound_referrals(user):
        return NOTHING
    return Q(provider_id=agency_id_of(user)) & ~Q(status="revoked")


def may_send_outbound_referral(user: User) -> bool:
    """On a case the user already sees: may they refer the person to a service?"""
    return may_edit_case(user)


def may_override_outbound_consent(user: User) -> bool:
    return role_of(user) in CONSENT_OVERRIDE_ROLES


def may_answer_outbound_referral(user: User, outbound) -> bool:
    return role_of(user) in PROVIDER_ROLES and outbound.provider_id == agency_id_of(user)


def may_manage_prison_release(user: User) -> bool:
    """On a case the user already sees: may they set up and change the prison-release protocol?"""
    return may_edit_case(user)


# --- Security and data protection ---
# Two-factor sign-in is required (when settings.REQUIRE_2FA is on) for every role cleared above
# L1 and for administrators. The audit log is browsed by the information officer (everything,
# with the before-and-after of each change) and the coordinator (who did what to which object,
# when and from where, without the changed values, which can hold L3 and L4 text). Destruction
# at the end of retention is confirmed by a holder of the data-protection-officer permission,
# who sees references and dates only.


def must_use_second_factor(user: User) -> bool:
    from django.conf import settings

    if not settings.REQUIRE_2FA or user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or role_of(user) == Role.ADMIN:
        return True
    return (clearance_of(user) or 0) > Level.L1


def may_browse_audit(user: User) -> bool:
    return role_of(user) in {Role.INFORMATION_OFFICER, Role.COORDINATOR}


def may_see_audit_changes(user: User) -> bool:
    return is_information_officer(user)


def may_confirm_destruction(user: User) -> bool:
    return role_of(user) is not None and user.has_perm("access.confirm_destruction")


def may_restrict_processing(user: User) -> bool:
    """Restriction of processing (a subject's right) is decided by the information officer,
    who also answers subject-access requests."""
    return is_information_officer(user)


def case_is_restricted(case) -> bool:
    """A restricted case is read-only for everyone until the restriction is lifted."""
    from access.models import CaseRestriction

    return CaseRestriction.objects.filter(case_id=case.pk, lifted_at__isnull=True).exists()
