from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts import models

        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])
        auditlog.register(models.Agency)
        auditlog.register(models.Profile)
        auditlog.register(models.SecurityEvent)
        # The new password waiting for confirmation is a hash like auth_user's: never logged.
        auditlog.register(models.AccountChange, exclude_fields=["password"])
        # Never the secrets: the app's key and the recovery codes stay out of the log.
        auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(StaticDevice, include_fields=["user", "name", "confirmed"])
