from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # local import: auditlog and models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from cases import models

        for model in (
            models.ConcernCategory,
            models.Person,
            models.ChronologyEntry,
            models.Attachment,
            models.Indicator,
            models.Assessment,
            models.AssessmentRating,
            models.Action,
            models.Escalation,
            models.AftercareReview,
            models.StatusChange,
            models.CaseUserObjectPermission,
            models.CaseGroupObjectPermission,
        ):
            auditlog.register(model)
        auditlog.register(models.Case, m2m_fields={"categories"})
