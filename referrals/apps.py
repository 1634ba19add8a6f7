from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        # local import: auditlog and models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from referrals import models

        auditlog.register(models.Referral, m2m_fields={"indicators"})
        for model in (
            models.Screening,
            models.OutboundReferral,
            models.PrisonRelease,
            models.PrisonReleaseTask,
        ):
            auditlog.register(model)
