from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registered on import: the system checks, the whole-number lookups.
        from . import checks, lookups  # noqa: F401
        from .roles import sync_after_migrate

        # Every `migrate` brings the staff roles to the table in portal/roles.py.
        post_migrate.connect(sync_after_migrate, dispatch_uid="portal.roles.sync_after_migrate")
