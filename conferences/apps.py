from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferencesConfig(AppConfig):
    name = "conferences"
    verbose_name = _("Conferences")

    def ready(self) -> None:
        # local import: auditlog and models load only once the app registry is ready.
        from auditlog.registry import auditlog

        from conferences import models

        auditlog.register(models.ConferenceSeries, m2m_fields={"core_members"})
        for model in (
            models.Meeting,
            models.AgendaItem,
            models.Amendment,
            models.Attendance,
            models.DeclarationSignature,
            models.AgreedAction,
            models.MinutesApproval,
            models.DocumentCopy,
            models.MeetingStateChange,
            models.BacklogItem,
            models.Recusal,
            models.AgencyCheck,
        ):
            auditlog.register(model)
