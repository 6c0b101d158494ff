"""Logins in the admin: staff and customer logins, their roles, and the links that let
their owners choose a password (nobody sets a customer's password)."""

import logging
import smtplib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .. import roles, services, staff_access
from ..models import (
    User,
)
from ..signals import login_deactivated
from ..team import services as team_services
from .choices import autocomplete_choices

log = logging.getLogger(__name__)


class LoginCreationForm(forms.ModelForm):
    """A new login has no password: its owner chooses one through the link mailed to them."""

    class Meta:
        model = User
        fields = ("email", "full_name", "language")

    def save(self, commit=True):
        login = super().save(commit=False)
        login.set_unusable_password()
        if commit:
            login.save()
        return login


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(name, roles.ROLE_LABELS[name]) for name in roles.STAFF_ROLES] + [
            ("customer", _("Customer"))
        ]

    def queryset(self, request, queryset):
        if self.value() == "customer":
            return queryset.filter(is_staff=False)
        if self.value():
            return queryset.filter(groups__name=self.value())
        return queryset


def _mail_password_link(request, login, *, new: bool) -> bool:
    try:
        services.login_send_password_link(
            login=login, why=services.NEW if new else services.FROM_STAFF
        )
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("Password link to login %s not sent: %s", login.pk, exc)
        messages.error(
            request,
            gettext("The link to choose a password could not be mailed to %(email)s: %(error)s")
            % {"email": login.email, "error": exc},
        )
        return False
    return True


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = LoginCreationForm
    add_form_template = "admin/accounts/user/add_form.html"
    change_form_template = "admin/accounts/user/change_form.html"
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "phone", "is_staff", "account_name", "language"]
    list_filter = [RoleFilter, "is_staff", "is_active", "language"]
    search_fields = ["email", "full_name", "phone", "contact__account__name"]
    list_select_related = ["contact__account"]
    actions = ["send_password_links"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "language", "time_zone"]}),
        (
            _("Roles and access"),
            {
                "fields": ["is_active", "is_staff", "is_superuser", "groups"],
                "description": _(
                    "Staff roles are groups: Technical Account Managers, Support Agents, "
                    "Customer Service and Support Managers."
                ),
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "language"],
            },
        )
    ]
    filter_horizontal = ["groups"]

    # Who may change whom is decided in accounts/staff_access.py: roles and superuser
    # status are the keys to the workplace, and customers choose their own passwords.
    def has_add_permission(self, request):
        return staff_access.may_add_login(request.user)

    def has_change_permission(self, request, obj=None):
        return staff_access.may_change_login(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return staff_access.may_delete_login(request.user, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data:
            team_services.login_activity_changed_by_staff(login=obj, actor=request.user)
            if not obj.is_active:
                login_deactivated.send(sender=User, login=obj, actor=request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not staff_access.may_grant_superuser(request.user):
            fields += ["is_superuser", "user_permissions"]
        if not staff_access.manages_staff(request.user):
            fields += ["groups"]
        if not staff_access.may_change_staff_status(request.user, obj):
            fields += ["is_staff"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or staff_access.may_set_password(request.user, obj):
            return fieldsets
        # No password field, and so no link to the password form: a customer chooses
        # their own (staff send a link); a staff login's is the managers' to set.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return autocomplete_choices(self.admin_site, request, queryset), may_have_duplicates

    def user_change_password(self, request, id, form_url=""):
        login = self.get_object(request, unquote(id))
        if login is not None and not staff_access.may_set_password(request.user, login):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def response_add(self, request, obj, post_url_continue=None):
        # The login is saved: its owner chooses the password (mail errors are a sentence).
        if _mail_password_link(request, obj, new=True):
            messages.info(
                request,
                gettext("A link to choose a password was mailed to %(email)s.")
                % {"email": obj.email},
            )
        return super().response_add(request, obj, post_url_continue)

    # --- a link to choose a password ------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<id>/password-link/",
                self.admin_site.admin_view(require_POST(self.password_link_view)),
                name="accounts_user_password_link",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        login = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if staff_access.may_send_password_link(request.user, login):
            extra_context["password_link_url"] = reverse(
                "admin:accounts_user_password_link", args=[login.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def password_link_view(self, request, id):
        login = self.get_object(request, unquote(id))
        if login is None:
            raise Http404
        if not staff_access.may_send_password_link(request.user, login):
            raise PermissionDenied
        if _mail_password_link(request, login, new=not login.has_usable_password()):
            messages.success(
                request,
                gettext("A link to choose a new password was mailed to %(email)s.")
                % {"email": login.email},
            )
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[login.pk]))

    @admin.action(
        description=_("Mail the selected people a link to choose a password"),
        permissions=["change"],
    )
    def send_password_links(self, request, queryset):
        logins = list(queryset)
        if not all(staff_access.may_send_password_link(request.user, u) for u in logins):
            raise PermissionDenied
        sent = [u for u in logins if _mail_password_link(request, u, new=False)]
        self.message_user(
            request,
            gettext("Links to choose a password mailed: %(count)d.") % {"count": len(sent)},
        )

    @admin.display(description=_("customer account"), ordering="contact__account__name")
    def account_name(self, obj):
        contact = getattr(obj, "contact", None)
        return contact.account.name if contact else "—"
