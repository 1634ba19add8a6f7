from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from access import audit_chain, models

        auditlog.register(models.AccessRequest)
        post_save.connect(audit_chain.seal_after_commit, sender=LogEntry, dispatch_uid="seal")
