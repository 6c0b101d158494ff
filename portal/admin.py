"""The staff admin site: Django's, signed in to with the staff sign-in form and, where
it is required, a second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from core.admin_dates import DatedListAdmin


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        # Every list by date, the apps' and third parties' alike, refuses a year no date has.
        admin_class = admin_class or admin.ModelAdmin
        if admin_class.date_hierarchy and not issubclass(admin_class, DatedListAdmin):
            admin_class = type(admin_class.__name__, (DatedListAdmin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        # A staff member signs in to the admin with a second factor when it is required
        # (the sign-in middleware leads them to it; this holds even without it).
        verified = getattr(request.user, "is_verified", None)
        if settings.STAFF_MFA_REQUIRED and not (verified and verified()):
            return False
        return super().has_permission(request)

    @property
    def login_form(self):
        # Imported here: this module is loaded while the app registry is being built.
        from accounts.signin.forms import StaffSignInForm

        return StaffSignInForm

    def each_context(self, request):
        context = super().each_context(request)
        if self.has_permission(request):
            context["sla_sweep_stale_since"] = self._sla_sweep_stale_since(request)
        return context

    @staticmethod
    def _sla_sweep_stale_since(request):
        """The SLA sweep's alarm, raised by the staff's page views because it must not
        depend on beat (cases/services/sweep_alarm.py); asked once per request."""
        from cases.services import sla_sweep_stale_since

        if not hasattr(request, "sla_sweep_stale_since"):
            request.sla_sweep_stale_since = sla_sweep_stale_since(now=timezone.now())
        return request.sla_sweep_stale_since

    def index(self, request, extra_context=None):
        # Imported here, as above: the report lives with the cases.
        from cases.staff_access import may_read_sla_report

        extra_context = extra_context or {}
        if may_read_sla_report(request.user):
            extra_context["sla_report_url"] = reverse("admin:cases_sla_report")
        return super().index(request, extra_context)

    def get_app_list(self, request, app_label=None):
        # Django's list, built when a page first reads it: every page's context asks for
        # it, but only the index and the sidebar show it (the case queue has no sidebar).
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin.PortalAdminSite"
