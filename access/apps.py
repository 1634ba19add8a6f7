from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate

        from access import hardening, models, services

        # Hostile ids and dates refused in every form and query (access/hardening.py).
        hardening.install()
        # After every app's migrations, so the permissions of every app exist.
        post_migrate.connect(services.admin_role_grant_permissions)
        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])

        auditlog.register(models.Agency)
        auditlog.register(models.Profile)
        auditlog.register(models.Release, m2m_fields={"recipient_users", "recipient_agencies"})
        auditlog.register(models.ReleaseAcknowledgement)
        auditlog.register(models.AccessRequest)
        self._connect_security()

    def _connect_security(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_save
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from access import audit_chain, models, signals

        post_save.connect(audit_chain.seal_after_commit, sender=LogEntry, dispatch_uid="seal")
        user_logged_in.connect(signals.on_signed_in, dispatch_uid="msc_signed_in")
        user_login_failed.connect(signals.on_sign_in_failed, dispatch_uid="msc_sign_in_failed")
        user_locked_out.connect(signals.on_locked_out, dispatch_uid="msc_locked_out")
        auditlog.register(models.SecurityEvent)
        auditlog.register(models.DestructionRecord)
        auditlog.register(models.AuditRetentionRun)
        auditlog.register(models.CaseRestriction)
        # The new password waiting for confirmation is a hash like auth_user's: never logged.
        auditlog.register(models.AccountChange, exclude_fields=["password"])
        # Never the secrets: the app's key and the recovery codes stay out of the log.
        auditlog.register(TOTPDevice, include_fields=["user", "name", "confirmed"])
        auditlog.register(StaticDevice, include_fields=["user", "name", "confirmed"])
