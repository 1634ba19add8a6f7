"""What a user's profile makes them (role, clearance, agency), and the rules about accounts
themselves: who must sign in with a second factor, who administers accounts, and which changes
wait for a second person (DESIGN section 7: no role grants itself more).

access.policy builds need-to-know on the first four and re-exports them (policy.role_of, ...).
"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import ROLE_CLEARANCE, AccountChange, Level, Profile, Role
from accounts.types import Actor, AnyUser, User

NOTHING = Q(pk__in=[])


def role_of(user: AnyUser | None) -> str | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def clearance_of(user: Actor) -> int | None:
    """The highest level the user may read, or None for no case content at all."""
    role = role_of(user)
    if role is None:
        return None
    ceiling = ROLE_CLEARANCE[role]
    own = user.profile.clearance
    if ceiling is None or own is None:
        return None
    return min(own, ceiling)


def agency_id_of(user: Actor) -> int | None:
    return user.profile.agency_id if role_of(user) else None


def is_information_officer(user: Actor) -> bool:
    return role_of(user) == Role.INFORMATION_OFFICER


def may_administer_accounts(user: Actor) -> bool:
    return role_of(user) == Role.ADMIN


# --- Two-factor sign-in ---
# Required (when settings.REQUIRE_2FA is on) for every role cleared above L1 and for
# administrators.


def must_use_second_factor(user: AnyUser | None) -> bool:
    if not settings.REQUIRE_2FA or user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff or role_of(user) == Role.ADMIN:
        return True
    return (clearance_of(user) or 0) > Level.L1


# --- Administration ---
# No role grants itself more (DESIGN section 7). Nobody changes their own account through the
# administration: not its role, agency or clearance, not its permissions, password or second
# factor. On another account, these take effect only when a second person confirms: a role that
# reads above L1 (and the administrator's, who confirms, and the mayor's office, which reads
# escalations: the stricter reading), a clearance raise, the data-protection-officer permission,
# and a new password or second-factor reset for an account that holds any of these (whoever sets
# them can sign in as its holder). The second person is another administrator, or the
# information officer when the role concerned is police or information officer; never the
# person who asked, never the account's holder. Lowering (a role at or below L1, a lower
# clearance, taking the permission away, disabling) takes effect at once.

CONFIRMED_ROLES = frozenset(
    {role for role, ceiling in ROLE_CLEARANCE.items() if ceiling is not None and ceiling > Level.L1}
    | {Role.ADMIN, Role.MAYOR_OFFICE}
)
POLICE_ROLES = frozenset({Role.POLICE, Role.INFORMATION_OFFICER})
DATA_PROTECTION_OFFICER = "confirm_destruction"


def may_request_account_change(user: Actor, account: User) -> bool:
    return may_administer_accounts(user) and account.pk != user.pk


def _effective_clearance(role: str | None, clearance: int | None) -> int:
    ceiling = ROLE_CLEARANCE.get(role) if role else None
    if ceiling is None or clearance is None:
        return -1
    return min(ceiling, clearance)


def profile_change_needs_confirmation(
    profile: Profile | None, *, agency_id: int, role: str, clearance: int | None
) -> bool:
    """`profile`: the account's profile now (None for a new account)."""
    if clearance is None:
        clearance = ROLE_CLEARANCE[role]
    if profile is None:
        return role in CONFIRMED_ROLES
    raised = _effective_clearance(role, clearance) > _effective_clearance(
        profile.role, profile.clearance
    )
    moved = role != profile.role or agency_id != profile.agency_id
    return raised or (moved and role in CONFIRMED_ROLES)


def holds_data_protection_officer(account: User) -> bool:
    return Permission.objects.filter(
        Q(user=account) | Q(group__user=account),
        codename=DATA_PROTECTION_OFFICER,
        content_type__app_label="privacy",
    ).exists()


def may_hold_data_protection_officer(account: User) -> bool:
    profile = getattr(account, "profile", None)
    return profile is not None and profile.role != Role.ADMIN


def credentials_need_confirmation(account: User) -> bool:
    """Whether a new password or second factor, set by someone else, waits for a second person."""
    profile = getattr(account, "profile", None)
    if profile is not None and (
        profile.role in CONFIRMED_ROLES
        or _effective_clearance(profile.role, profile.clearance) > Level.L1
    ):
        return True
    return account.is_staff or account.is_superuser or holds_data_protection_officer(account)


def account_change_role(change: AccountChange) -> str | None:
    """The role that decides who may confirm: the role asked for, or the account's own."""
    if change.kind == "profile":
        return change.role
    profile = getattr(change.user, "profile", None)
    return profile.role if profile is not None else None


def may_confirm_account_change(user: Actor, change: AccountChange) -> bool:
    if user.pk in (change.requested_by_id, change.user_id):
        return False
    if may_administer_accounts(user):
        return True
    return (
        is_information_officer(user)
        and change.kind != "data_protection_officer"
        and account_change_role(change) in POLICE_ROLES
    )


def may_see_account_changes(user: Actor) -> bool:
    return may_administer_accounts(user) or is_information_officer(user)


def account_change_filter(user: Actor) -> Q:
    """A filter on AccountChange: those the user takes part in confirming."""
    if may_administer_accounts(user):
        return Q()
    if is_information_officer(user):
        police_profile = Q(kind="profile", role__in=POLICE_ROLES)
        police_account = Q(kind__in=["password", "second_factor_reset"]) & Q(
            user__profile__role__in=POLICE_ROLES
        )
        return police_profile | police_account
    return NOTHING
