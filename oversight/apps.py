from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The mayor's office page, the coordinator's dashboard and the statistics."""

    name = "oversight"
    verbose_name = _("Oversight")
