from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_migrate, post_save

        from access import audit_chain, models, services, signals

        # After every app's migrations, so the permissions of every app exist.
        post_migrate.connect(services.admin_role_grant_permissions)
        auditlog.register(models.AccessRequest)
        post_save.connect(audit_chain.seal_after_commit, sender=LogEntry, dispatch_uid="seal")
        user_logged_in.connect(signals.on_signed_in, dispatch_uid="msc_signed_in")
        user_login_failed.connect(signals.on_sign_in_failed, dispatch_uid="msc_sign_in_failed")
        user_locked_out.connect(signals.on_locked_out, dispatch_uid="msc_locked_out")
