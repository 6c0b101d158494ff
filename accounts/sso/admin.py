"""Staff configure each account's single sign-on: Support Managers for every account; TAMs
read it (accounts/staff_access.py)."""

from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import staff_access
from accounts.admin_autocomplete import AutocompleteAdmin

from . import provider, services
from .forms import AccountSignOnForm
from .models import AccountSignOn


@admin.register(AccountSignOn)
class AccountSignOnAdmin(AutocompleteAdmin, admin.ModelAdmin):
    form = AccountSignOnForm
    list_display = ["account", "issuer", "domain_list", "enabled", "allow_joining", "updated_at"]
    list_filter = ["enabled", "allow_joining"]
    list_select_related = ["account"]
    search_fields = ["account__name", "issuer", "domains__domain"]
    autocomplete_fields = ["account"]
    fields = [
        "account",
        "issuer",
        "client_id",
        "new_client_secret",
        "domain_text",
        "enabled",
        "allow_joining",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description=_("email domains"))
    def domain_list(self, obj):
        return ", ".join(obj.domain_names)

    def has_view_permission(self, request, obj=None):
        return staff_access.sign_on_permission(request.user, "view", obj and obj.account)

    def has_add_permission(self, request):
        return staff_access.sign_on_permission(request.user, "add")

    def has_change_permission(self, request, obj=None):
        return staff_access.sign_on_permission(request.user, "change", obj and obj.account)

    def has_delete_permission(self, request, obj=None):
        # Switched off rather than deleted: the audit record keeps what it was.
        return False

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only: the form's own fields (the secret, the domains' text) are not shown.
            return ["account", "issuer", "client_id", "domain_list", "enabled", "allow_joining"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if not self.has_change_permission(request, obj):
            return self.get_fields(request, obj)
        return ["account"]

    def choices_for(self, request, field_name):
        if field_name == "account":
            return staff_access.sign_on_accounts(request.user)
        return None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.choices_for(request, db_field.name)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        sign_on = services.sign_on_save(
            sign_on=obj,
            actor=request.user,
            client_secret=form.cleaned_data["new_client_secret"] or None,
            domains=form.cleaned_data["domain_text"],
        )
        if sign_on.enabled:
            # Staff learn now, not from the customer, that the provider cannot be read.
            try:
                provider.configuration(sign_on.issuer, fresh=True)
            except provider.ProviderError as exc:
                self.message_user(
                    request,
                    gettext(
                        "Saved, but the identity provider's configuration could not be read, "
                        "so nobody can sign in through it yet: %(problem)s"
                    )
                    % {"problem": exc},
                    messages.WARNING,
                )
