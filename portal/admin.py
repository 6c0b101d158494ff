"""The staff admin site: Django's, signed in to with the staff sign-in form and, where
it is required, a second factor."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
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


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin.PortalAdminSite"
