"""Customer accounts and their contacts in the admin, each change within the staff
member's scope (accounts/staff_access.py)."""

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .. import roles, staff_access
from ..admin_autocomplete import AutocompleteAdmin
from ..models import (
    Account,
    Contact,
    User,
)
from ..team import services as team_services
from .choices import autocomplete_choices

# The contact's mail choices are theirs and their primary contact's (the team page): a
# form that left their boxes out would turn them off.
CONTACT_MAIL_CHOICES = ["case_mail", "blocklist_alerts"]


class ContactInline(AutocompleteAdmin, admin.TabularInline):
    model = Contact
    extra = 0
    autocomplete_fields = ["user"]
    exclude = CONTACT_MAIL_CHOICES

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
        value = self.value() or ""
        # An id a column can hold, in ASCII digits ("²" is a digit to Python).
        if value.isascii() and value.isdigit() and len(value) < 19:
            return queryset.filter(tam_id=int(value))
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contact:
            return super().save_formset(request, form, formset, change)
        # The roles before the save; a contact added here had none.
        old_roles = {f.instance.pk: f.initial.get("role") for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        for contact_form in formset.forms:
            contact = contact_form.instance
            if contact.pk and contact_form not in formset.deleted_forms:
                team_services.contact_role_changed(
                    contact=contact, old_role=old_roles.get(contact.pk), actor=request.user
                )

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
    readonly_fields = CONTACT_MAIL_CHOICES

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

    def save_model(self, request, obj, form, change):
        old_role = form.initial.get("role") if change else None
        super().save_model(request, obj, form, change)
        team_services.contact_role_changed(contact=obj, old_role=old_role, actor=request.user)
