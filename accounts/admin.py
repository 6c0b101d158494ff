import logging
import smtplib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import roles, services, staff_access
from .admin_autocomplete import AutocompleteAdmin
from .models import (
    Account,
    Contact,
    Holiday,
    OfficeHoursCalendar,
    OfficeHoursChange,
    OnCallShift,
    OpeningRange,
    User,
)

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


def autocomplete_choices(admin_site, request, queryset):
    """In the admin's autocomplete, narrow `queryset` to the choices the form behind it
    accepts: the source model's admin says which (`choices_for(request, field_name)`), so
    a TAM is not offered accounts or logins they may not choose."""
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return queryset
    app_label, model_name = request.GET.get("app_label"), request.GET.get("model_name")
    source_admin = next(
        (
            model_admin
            for model, model_admin in admin_site._registry.items()
            if (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
        ),
        None,
    )
    choices = getattr(source_admin, "choices_for", None)
    allowed = choices(request, request.GET.get("field_name")) if choices else None
    return queryset if allowed is None else queryset.filter(pk__in=allowed)


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


class ContactInline(AutocompleteAdmin, admin.TabularInline):
    model = Contact
    extra = 0
    autocomplete_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return staff_access.contact_permission(request.user, "add", obj)

    def has_change_permission(self, request, obj=None):
        return staff_access.contact_permission(request.user, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return staff_access.contact_permission(request.user, "delete", obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = staff_access.attachable_logins(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MyAccountsFilter(admin.SimpleListFilter):
    title = _("Technical Account Manager")
    parameter_name = "tam"

    def lookups(self, request, model_admin):
        tams = User.objects.filter(tam_accounts__isnull=False).distinct().order_by("full_name")
        return [("mine", _("My accounts")), ("all", _("All accounts"))] + [
            (str(tam.pk), tam.full_name) for tam in tams
        ]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(tam=request.user)
        if self.value() and self.value().isdigit():
            return queryset.filter(tam_id=int(self.value()))
        return queryset

    def choices(self, changelist):
        # No "All" of Django's own: "all" above is explicit, so a TAM can leave "mine".
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(Account)
class AccountAdmin(AutocompleteAdmin, admin.ModelAdmin):
    list_display = ["name", "tam", "office_hours", "time_zone", "contact_count"]
    list_filter = [MyAccountsFilter, "office_hours"]
    list_select_related = ["tam", "office_hours"]
    search_fields = ["name", "contacts__user__email", "contacts__user__full_name"]
    autocomplete_fields = ["tam"]
    inlines = [ContactInline]

    def get_queryset(self, request):
        # A grouped query ignores Meta.ordering: the autocomplete pages need an order.
        qs = super().get_queryset(request).annotate(contact_total=Count("contacts"))
        return qs.order_by("name")

    def has_add_permission(self, request):
        return staff_access.may_add_account(request.user)

    def has_change_permission(self, request, obj=None):
        return staff_access.may_change_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return staff_access.may_delete_account(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not staff_access.may_assign_tam(request.user):
            fields.append("tam")
        return fields

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return autocomplete_choices(self.admin_site, request, queryset), may_have_duplicates

    @admin.display(description=_("contacts"), ordering="contact_total")
    def contact_count(self, obj):
        return obj.contact_total

    def changelist_view(self, request, extra_context=None):
        # A TAM opens "my accounts" by default; the filter offers all accounts too.
        if (
            not request.GET
            and request.user.has_role(roles.TECHNICAL_ACCOUNT_MANAGERS)
            and "_changelist_filters" not in request.GET
        ):
            return HttpResponseRedirect(f"{request.path}?tam=mine")
        return super().changelist_view(request, extra_context)


@admin.register(Contact)
class ContactAdmin(AutocompleteAdmin, admin.ModelAdmin):
    list_display = ["user", "account", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "account"]
    search_fields = ["user__email", "user__full_name", "account__name"]
    autocomplete_fields = ["user", "account"]

    def has_add_permission(self, request):
        return staff_access.may_add_contact(request.user)

    def has_change_permission(self, request, obj=None):
        return staff_access.may_change_contact(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return staff_access.may_delete_contact(request.user, obj)

    def choices_for(self, request, field_name):
        if field_name == "account":
            return staff_access.contact_accounts(request.user)
        if field_name == "user":
            return staff_access.attachable_logins(request.user)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.choices_for(request, db_field.name)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OpeningRangeInline(admin.TabularInline):
    model = OpeningRange
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


class OfficeHoursChangeInline(admin.StackedInline):
    model = OfficeHoursChange
    extra = 0
    fields = [("kind", "starts_on", "ends_on"), ("opens", "closes"), "note", "note_nl"]


@admin.register(OfficeHoursCalendar)
class OfficeHoursCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "account_count"]
    search_fields = ["name"]
    inlines = [OpeningRangeInline, HolidayInline, OfficeHoursChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(account_total=Count("accounts"))

    @admin.display(description=_("accounts"), ordering="account_total")
    def account_count(self, obj):
        return obj.account_total


admin.site.site_header = _("Email Enterprise Support: staff")
admin.site.site_title = _("Support staff")
admin.site.index_title = _("Workplace")


class CurrentShiftFilter(admin.SimpleListFilter):
    title = _("when")
    parameter_name = "when"

    def lookups(self, request, model_admin):
        return [("now", _("On call now")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "now":
            return queryset.filter(starts_at__lte=now, ends_at__gt=now)
        if self.value() == "upcoming":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "past":
            return queryset.filter(ends_at__lte=now)
        return queryset


@admin.register(OnCallShift)
class OnCallShiftAdmin(AutocompleteAdmin, admin.ModelAdmin):
    list_display = ["agent", "starts_at", "ends_at", "note"]
    list_filter = [CurrentShiftFilter, "agent"]
    list_select_related = ["agent"]
    autocomplete_fields = ["agent"]
    date_hierarchy = "starts_at"
    search_fields = ["agent__full_name", "agent__email", "note"]
