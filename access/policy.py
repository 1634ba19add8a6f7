"""The rules of need-to-know (DESIGN section 3). They live here and nowhere else.

Views and templates never decide access: they call selectors, and selectors call this module.
Filters are returned as Q objects so every list is filtered in SQL, with Exists subqueries over
the grant tables, never by loading ids into Python.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q
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
    from cases.models import CaseGroupObjectPermission, CaseUserObjectPermission

    case_ref = OuterRef(case_field)
    today = timezone.localdate()
    user_grant = CaseUserObjectPermission.objects.filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today),
        content_object=case_ref,
        user_id=user.pk,
        permission__codename=VIEW_CASE,
    )
    group_grant = CaseGroupObjectPermission.objects.filter(
        content_object=case_ref,
        group__user=user.pk,
        permission__codename=VIEW_CASE,
    )
    return Q(Exists(user_grant)) | Q(Exists(group_grant))


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


def may_decide_escalation(user: User, escalation) -> bool:
    from cases.models import Escalation

    deciders = {
        Escalation.Audience.COORDINATOR: {Role.COORDINATOR},
        Escalation.Audience.MAYOR: {Role.MAYOR_OFFICE},
        Escalation.Audience.MAC: {Role.MAYOR_OFFICE},
        Escalation.Audience.POLICE: {Role.POLICE, Role.INFORMATION_OFFICER},
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

    to_user = Release.recipient_users.through.objects.filter(
        release_id=OuterRef("pk"), user_id=user.pk
    )
    to_agency = Release.recipient_agencies.through.objects.filter(
        release_id=OuterRef("pk"), agency_id=agency_id_of(user)
    )
    return live_release_filter() & (Q(Exists(to_user)) | Q(Exists(to_agency)))


# --- Rule 4: escalations ---------------------------------------------------------------------

MAYOR_AUDIENCES = ("mayor", "mac")


def escalation_filter(user: User) -> Q:
    """Escalations the user may read: on cases they see, or addressed to the mayor's office."""
    if is_information_officer(user):
        return Q()
    if role_of(user) == Role.MAYOR_OFFICE:
        return Q(audience__in=MAYOR_AUDIENCES)
    return case_filter(user, case_field="case_id")


# --- Audit and access requests ---------------------------------------------------------------


def may_see_read_audit(user: User) -> bool:
    """Who has seen a case: for the information officer and the coordinator."""
    return role_of(user) in {Role.INFORMATION_OFFICER, Role.COORDINATOR}


def may_run_subject_access_report(user: User) -> bool:
    return is_information_officer(user)


def may_request_access(user: User) -> bool:
    return role_of(user) in CASE_TEAM_ROLES
