from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import hardening


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Hostile ids and dates refused in every form and query (core/hardening.py).
        hardening.install()
