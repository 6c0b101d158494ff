"""Staff see who signs in with an authenticator, and Support Managers reset a lost one."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.admin.sites import NotRegistered
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import staff_access

from . import services
from .models import Authenticator

# django-otp's own admin pages show and edit secrets; the proxy below replaces them.
for model in (TOTPDevice, StaticDevice):
    try:
        admin.site.unregister(model)
    except NotRegistered:
        pass


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    # axes' "Clean up expired attempts" reads a time axes sets on sign-in requests only,
    # and answers 500 anywhere else; a lockout is lifted by deleting its attempts.
    actions = []


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ["user", "user_is_staff", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed", "user__is_staff"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    fields = ["user", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields
    actions = ["reset_second_factor"]

    @admin.display(description=_("staff"), boolean=True, ordering="user__is_staff")
    def user_is_staff(self, obj):
        return obj.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Whose authenticator: a login the user may change (never a superuser's, for a
        # manager), or the reset would open their sign-in to a password alone.
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or staff_access.may_change_login(request.user, obj.user)

    def get_actions(self, request):
        # Django's bulk delete would leave the backup codes: the reset removes both.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=_("Reset the second factor (they set up a new authenticator)"),
        permissions=["delete"],
    )
    def reset_second_factor(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        if not all(staff_access.may_change_login(request.user, user) for user in users):
            raise PermissionDenied
        for user in users:
            services.second_factor_remove(user=user)
        self.message_user(
            request,
            _("Second factor reset for: %(people)s.")
            % {"people": ", ".join(sorted(str(u) for u in users))},
            messages.SUCCESS,
        )

    def delete_model(self, request, obj):
        services.second_factor_remove(user=obj.user)
