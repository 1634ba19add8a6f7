from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        # local import: auditlog and models load only once the app registry is ready.
        from auditlog.models import LogEntry
        from auditlog.registry import auditlog

        from audit import activities, chain, models

        # Every new audit row names the processing activity it served, in the same INSERT.
        pre_save.connect(activities.stamp, sender=LogEntry, dispatch_uid="activity")
        # Every new audit row is sealed into the chain once its transaction commits.
        post_save.connect(chain.seal_after_commit, sender=LogEntry, dispatch_uid="seal")
        auditlog.register(models.AuditRetentionRun)
        auditlog.register(models.ProcessingActivity)
