from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate

        from access import models, services

        # After every app's migrations, so the permissions of every app exist.
        post_migrate.connect(services.admin_role_grant_permissions)
        auditlog.register(get_user_model(), exclude_fields=["password", "last_login"])

        auditlog.register(models.Agency)
        auditlog.register(models.Profile)
        auditlog.register(models.Release, m2m_fields={"recipient_users", "recipient_agencies"})
        auditlog.register(models.ReleaseAcknowledgement)
        auditlog.register(models.AccessRequest)
