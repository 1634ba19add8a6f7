from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")
    default = True

    def ready(self) -> None:
        # local import: auditlog, axes, django-otp and models load only once the app registry is
        # ready.
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from django_otp_webauthn.models import WebAuthnCredential

        from accounts import models, services, signals

        # After every app's migrations, so the permissions of every app exist.
        post_migrate.connect(services.admin_role_grant_permissions)
        user_logged_in.connect(signals.on_signed_in, dispatch_uid="msc_signed_in")
        user_login_failed.connect(signals.on_sign_in_failed, dispatch_uid="msc_sign_in_failed")
        user_locked_out.connect(signals.on_locked_out, dispatch_uid="msc_locked_out")
        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
        auditlog.register(models.Agency)
        auditlog.register(models.Profile)
        auditlog.register(models.SecurityEvent)
        auditlog.register(models.ProviderGroupMapping)
        auditlog.register(models.ProviderIdentity)
        # The new password waiting for confirmation is a hash like auth_user's: never logged.
        auditlog.register(models.AccountChange, exclude_fields=["password"])
        # Never the secrets: the app's key and the recovery codes stay out of the log.
        auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(StaticDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(WebAuthnCredential, include_fields=["user", "name", "confirmed"])
        post_save.connect(
            signals.on_security_key_saved, sender=WebAuthnCredential, dispatch_uid="msc_key"
        )


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin with the project's site (accounts/admin_site.py): every change a security
    event, no "view on site". Named in INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False
    default_site = "accounts.admin_site.AdminSite"
