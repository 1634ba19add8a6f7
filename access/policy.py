"""The rules of need-to-know (DESIGN section 3). They live here and nowhere else.

Views and templates never decide access: they call selectors, and selectors call this module.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from access.models import ROLE_CLEARANCE, Role

User = AbstractBaseUser | AnonymousUser


def role_of(user: User) -> str | None:
    if not user.is_authenticated or not user.is_active:
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
