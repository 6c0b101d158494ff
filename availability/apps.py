"""Availability measured by the contract's definition (R1, R2): synthetic probes of the
REST API and SMTP injection per region, their results, and the outages the contract's
rule finds in them, which open draft platform incidents and give the monthly figures."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AvailabilityConfig(AppConfig):
    name = "availability"
    verbose_name = _("Availability")

    def ready(self):
        from cases.admin.report import add_section

        from . import checks  # noqa: F401  (registers the system checks)
        from .report import sla_report_section

        add_section(sla_report_section)
