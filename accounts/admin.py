from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import roles
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


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["full_name", "email"]
    list_display = ["email", "full_name", "phone", "is_staff", "account_name", "language"]
    list_filter = [RoleFilter, "is_staff", "is_active", "language"]
    search_fields = ["email", "full_name", "phone", "contact__account__name"]
    list_select_related = ["contact__account"]
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
                "fields": ["email", "full_name", "password1", "password2"],
            },
        )
    ]
    filter_horizontal = ["groups"]

    # Roles and superuser status are the keys to the workplace: only Support Managers (and
    # superusers) change staff logins and roles, and only superusers make superusers.
    def _manages_staff(self, request) -> bool:
        return request.user.is_superuser or request.user.has_role(roles.SUPPORT_MANAGERS)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if obj.is_superuser and not request.user.is_superuser:
            return False
        return not obj.is_staff or self._manages_staff(request)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        if obj.is_superuser and not request.user.is_superuser:
            return False
        return not obj.is_staff or self._manages_staff(request)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        if not self._manages_staff(request):
            fields += ["is_staff", "groups"]
        return fields

    @admin.display(description=_("customer account"), ordering="contact__account__name")
    def account_name(self, obj):
        contact = getattr(obj, "contact", None)
        return contact.account.name if contact else "—"


class ContactInline(AutocompleteAdmin, admin.TabularInline):
    model = Contact
    extra = 0
    autocomplete_fields = ["user"]


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
        return super().get_queryset(request).annotate(contact_total=Count("contacts"))

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
