from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "releases"
    verbose_name = _("Releases")

    def ready(self) -> None:
        # local import: auditlog and models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from releases import models

        auditlog.register(models.Release, m2m_fields={"recipient_users", "recipient_agencies"})
        auditlog.register(models.ReleaseAcknowledgement)
