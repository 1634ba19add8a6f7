from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from access import models

        auditlog.register(models.AccessRequest)
