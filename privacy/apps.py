from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # local import: auditlog and models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from privacy import models

        auditlog.register(models.DestructionRecord)
        auditlog.register(models.CaseRestriction)
        auditlog.register(models.DestructionList)
        auditlog.register(models.DestructionListItem)
        auditlog.register(models.LegalHold)
        auditlog.register(models.LegalGateway)
        auditlog.register(models.SharingAgreement, m2m_fields={"gateways"})
        auditlog.register(models.AgreementParty)
        auditlog.register(models.SharingDecision)
