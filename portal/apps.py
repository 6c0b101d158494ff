from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registered on import: the system checks, the whole-number lookups.
        from . import checks, lookups  # noqa: F401
