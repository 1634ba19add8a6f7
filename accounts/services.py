"""Writes for agencies, profiles and accounts. Each runs in one transaction and is audited by
auditlog."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ROLE_CLEARANCE, Agency, Profile, Role
from accounts.types import Actor, User

AGENCY_GROUP_PREFIX = "agency:"


@transaction.atomic
def agency_create(*, name: str, kind: str, names: dict[str, str] | None = None) -> Agency:
    """A new agency and its group. `name` is the English name (it names the group and is
    every language's fallback); `names` its name in the other languages, by language code."""
    group = Group.objects.create(name=f"{AGENCY_GROUP_PREFIX}{name}")
    agency = Agency(kind=kind, group=group)
    _set_names(agency, name, names)
    agency.save()
    return agency


def _set_names(agency: Agency, name: str, names: dict[str, str] | None) -> None:
    """Each language's column set on its own: `agency.name = ...` would write the column of
    whatever language is active (django-modeltranslation)."""
    agency.name_en = name  # type: ignore[attr-defined]  # modeltranslation's column
    for code, _label in settings.LANGUAGES:
        if code != "en" and names is not None:
            setattr(agency, f"name_{code}", (names.get(code) or "").strip() or None)


@transaction.atomic
def agency_update(
    *, agency: Agency, name: str, kind: str, is_active: bool, names: dict[str, str] | None = None
) -> Agency:
    """`names`: the other languages' names, by code; None leaves them as they are."""
    _set_names(agency, name, names)
    agency.kind, agency.is_active = kind, is_active
    agency.full_clean()
    agency.save()
    Group.objects.filter(pk=agency.group_id).update(name=f"{AGENCY_GROUP_PREFIX}{name}")
    return agency


def check_clearance(role: str, clearance: int | None) -> None:
    ceiling = ROLE_CLEARANCE[role]
    if clearance is not None and (ceiling is None or clearance > ceiling):
        raise ValidationError(
            _("A %(role)s may not be cleared above %(ceiling)s.")
            % {"role": Role(role).label, "ceiling": "none" if ceiling is None else f"L{ceiling}"}
        )


@transaction.atomic
def profile_set(*, user: User, agency: Agency, role: str, clearance: int | None = None) -> Profile:
    """Give a user their agency and role; the role's groups and staff flag follow from it."""
    if clearance is None:
        clearance = ROLE_CLEARANCE[role]
    check_clearance(role, clearance)
    profile, _created = Profile.objects.update_or_create(
        user=user, defaults={"agency": agency, "role": role, "clearance": clearance}
    )
    others = user.groups.exclude(name__in=Role.values).exclude(name__startswith=AGENCY_GROUP_PREFIX)
    user.groups.set([*others, Group.objects.get(name=role), agency.group])
    is_admin = role == Role.ADMIN
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
    return profile


@transaction.atomic
def profile_set_language(*, user: Actor, language: str) -> None:
    """Remember the interface language a user chose ("" for the browser's); audited."""
    if language not in {"", *(code for code, _name in settings.LANGUAGES)}:
        raise ValidationError(_("Unknown language."))
    profile = Profile.objects.select_for_update().filter(user=user).first()
    if profile is not None and profile.language != language:
        profile.language = language
        profile.save(update_fields=["language"])


@transaction.atomic
def account_create(
    *,
    username: str,
    password: str | None,
    agency: Agency,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    clearance: int | None = None,
) -> User:
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    profile_set(user=user, agency=agency, role=role, clearance=clearance)
    return user


ADMIN_MODEL_PERMISSIONS = [
    ("auth", "user", ("add", "change", "view")),
    ("accounts", "agency", ("add", "change", "view")),
    ("accounts", "profile", ("add", "change", "view")),
    ("accounts", "providergroupmapping", ("add", "change", "view", "delete")),
    ("cases", "concerncategory", ("add", "change", "view")),
    ("cases", "indicator", ("add", "change", "view")),
    # The legal gateways sharing agreements name (privacy.admin).
    ("privacy", "legalgateway", ("add", "change", "view")),
    # Unblocking an account locked after failed sign-ins.
    ("axes", "accessattempt", ("view", "delete")),
    ("axes", "accessfailurelog", ("view",)),
    ("axes", "accesslog", ("view",)),
]


def admin_role_grant_permissions(**_kwargs: Any) -> None:
    """The admin role manages accounts and agencies; called after every migrate."""
    group, _created = Group.objects.get_or_create(name=Role.ADMIN)
    wanted = [
        f"{action}_{model}"
        for _app, model, actions in ADMIN_MODEL_PERMISSIONS
        for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label__in={app for app, _m, _a in ADMIN_MODEL_PERMISSIONS},
        codename__in=wanted,
    )
    group.permissions.set(permissions)
