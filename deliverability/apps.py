from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliverabilityConfig(AppConfig):
    name = "deliverability"
    verbose_name = _("Deliverability")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
