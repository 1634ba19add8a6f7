"""Django's model backend, with the reads every page makes folded into fewer queries."""

import functools

from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import SuspiciousOperation
from django.db.models import Exists, OuterRef, Q, QuerySet
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import security

# Permissions asked on every page (the navigation's "Retention" item): read with the user, as
# an EXISTS column of the same query, instead of loading every permission the user has.
PAGE_PERMISSIONS = ("privacy.confirm_destruction",)


def _page_permission_column(perm: str) -> str:
    return "page_perm_" + perm.replace(".", "_")


def _holds(perm: str) -> Exists:
    app_label, codename = perm.split(".", 1)
    held = Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk"))
    return Exists(
        Permission.objects.filter(held, codename=codename, content_type__app_label=app_label)
    )


@functools.cache
def _users_as_every_request_reads_them() -> QuerySet:
    """The query of get_user, built once per process (its EXISTS columns cost a millisecond of
    Python to build on every request; bench/README.md) and never run itself: each request
    runs a copy filtered to its user."""
    return (
        get_user_model()
        ._default_manager.select_related("profile__agency")
        .annotate(
            **security.second_factor_columns(),
            **{_page_permission_column(perm): _holds(perm) for perm in PAGE_PERMISSIONS},
        )
    )


class ModelBackend(backends.ModelBackend):
    """Every signed-in request reads the user, their profile (the policy's role and clearance),
    their agency (the page header), whether they have a second factor (the two-factor
    middleware) and the permissions every page asks: one query instead of five. Other model
    permissions come in one query instead of two. What is allowed is exactly Django's
    ModelBackend."""

    def get_user(self, user_id):
        user = next(iter(_users_as_every_request_reads_them().filter(pk=user_id)[:1]), None)
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        column = _page_permission_column(perm)
        if (
            perm in PAGE_PERMISSIONS
            and obj is None
            and hasattr(user_obj, column)
            and not user_obj.is_superuser
        ):
            return user_obj.is_active and getattr(user_obj, column)
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                ).distinct()
            }
        return user_obj._perm_cache

    def authenticate(self, request, username=None, password=None, **kwargs):
        # A site that signs everyone in through its identity provider turns passwords off.
        if not settings.PASSWORD_SIGN_IN:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class ProviderBackend(OIDCAuthenticationBackend):
    """OpenID Connect sign-in (mozilla-django-oidc's backend): the account is the one linked to
    the provider's issuer and subject, never one found by e-mail; agency and role come from
    the provider's groups (accounts.security.provider_sign_in). A session it signed in reads its
    user as ModelBackend does (profile, agency, second factor and page permissions in one query);
    permissions are ModelBackend's to answer, listed before it, so they are not asked twice."""

    def has_perm(self, *_args, **_kwargs) -> bool:
        return False

    def has_module_perms(self, *_args, **_kwargs) -> bool:
        return False

    def get_all_permissions(self, *_args, **_kwargs) -> set[str]:
        return set()

    def get_user_permissions(self, *_args, **_kwargs) -> set[str]:
        return set()

    def get_group_permissions(self, *_args, **_kwargs) -> set[str]:
        return set()

    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED or request is None:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        if payload.get("iss") != settings.OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None:
            security.provider_second_factor_note(request=self.request, id_token_claims=payload)
        return user

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo claims over those of the verified ID token (Entra ID puts groups only
        in the token); both must name the same subject."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if str(userinfo.get("sub")) != str(payload.get("sub")):
            raise SuspiciousOperation("userinfo and the ID token name different subjects")
        return {**payload, **userinfo}

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims):
        return get_user_model().objects.filter(
            provider_identities__issuer=settings.OIDC_ISSUER,
            provider_identities__subject=str(claims["sub"]),
        )

    def create_user(self, claims):
        return security.provider_sign_in(user=None, claims=claims, request=self.request)

    def update_user(self, user, claims):
        return security.provider_sign_in(user=user, claims=claims, request=self.request)

    def get_user(self, user_id):
        # As the password backend: one query with the profile, and never a disabled account.
        return ModelBackend().get_user(user_id)
