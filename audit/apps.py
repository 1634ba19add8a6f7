from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from audit import models

        auditlog.register(models.AuditRetentionRun)
