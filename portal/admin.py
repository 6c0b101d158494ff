"""The staff admin site. Its navigation (the list of apps and models in the sidebar and
on the index) is built once per user, language and set of permissions, not on every page:
building it checks four permissions and reverses two URLs for every model."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils import translation

NAVIGATION_SECONDS = 300
NAVIGATION_ENTRIES = 512


class PortalAdminSite(admin.AdminSite):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._navigation: dict[tuple, tuple[float, list]] = {}

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

    def get_app_list(self, request, app_label=None):
        if app_label is not None:
            return super().get_app_list(request, app_label)
        key = self._navigation_key(request)
        now = time.monotonic()
        hit = self._navigation.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        app_list = super().get_app_list(request)
        if len(self._navigation) >= NAVIGATION_ENTRIES:
            self._navigation.clear()
        self._navigation[key] = (now + NAVIGATION_SECONDS, app_list)
        return app_list

    @staticmethod
    def _navigation_key(request) -> tuple:
        # Everything the list depends on: who, in which language, under which URL prefix,
        # and exactly which permissions they hold now (a change shows at once).
        user = request.user
        # A superuser holds every permission; reading them all would cost a query.
        permissions = "" if user.is_superuser else "\n".join(sorted(user.get_all_permissions()))
        return (
            user.pk,
            user.is_active,
            user.is_staff,
            user.is_superuser,
            translation.get_language(),
            request.META.get("SCRIPT_NAME", ""),
            hashlib.blake2b(permissions.encode(), digest_size=16).digest(),
        )


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin.PortalAdminSite"
