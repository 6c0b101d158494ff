from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Registered on import: the system checks, the whole-number lookups.
        from . import checks, lookups, roles, schedule  # noqa: F401
        from .observability import init_sentry

        init_sentry()

        # Every `migrate` brings the staff roles to the table in portal/roles.py, and
        # creates the beat entries of portal/schedule.py that are missing.
        post_migrate.connect(
            roles.sync_after_migrate, dispatch_uid="portal.roles.sync_after_migrate"
        )
        post_migrate.connect(
            schedule.sync_after_migrate, dispatch_uid="portal.schedule.sync_after_migrate"
        )
