from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = _("Access")

    def ready(self) -> None:
        # local import: these modules load models, which exist only once the apps are ready.
        from auditlog.registry import auditlog

        from access import models, services
        from accounts.security import account_disabled

        auditlog.register(models.AccessRequest)
        # A disabled account loses its case grants and pending requests (accounts is below
        # access and cannot reach them itself).
        account_disabled.connect(services.on_account_disabled, dispatch_uid="access_disabled")
