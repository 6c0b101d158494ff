from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import events

        from . import checks  # noqa: F401 - registers the system checks
        from .services import deliveries_for_event

        # Every event a service emits becomes a delivery to each endpoint that asked for it.
        events.register_sink(deliveries_for_event)
