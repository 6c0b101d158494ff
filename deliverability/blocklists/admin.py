"""Staff views of blocklist monitoring across accounts: newest listings first."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, F, When
from django.forms.fields import InvalidJSONInput
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.admin_autocomplete import AutocompleteAdmin

from .. import staff_access
from . import services
from .models import (
    Blocklist,
    CheckRun,
    ListingEvent,
    ListingState,
    SendingDomain,
    SendingIP,
)


@admin.action(
    description=_("Check the accounts of the selected assets now"), permissions=["change"]
)
def check_now(modeladmin, request, queryset):
    assets = list(queryset.select_related("account"))
    if not staff_access.may_check_assets(request.user, modeladmin.model, assets):
        raise PermissionDenied
    accounts = {asset.account for asset in assets}
    for account in sorted(accounts, key=lambda a: a.name):
        run = services.run_start(
            trigger=CheckRun.Trigger.STAFF, account=account, requested_by=request.user
        )
        url = reverse("admin:deliverability_checkrun_change", args=[run.pk])
        modeladmin.message_user(
            request,
            render_to_string(
                "admin/deliverability/_check_started.html",
                {"account": account.name, "url": url, "text": _("follow the check's progress")},
            ),
            messages.SUCCESS,
        )


class AssetAdmin(admin.ModelAdmin):
    """Sending IPs and domains: changed only within the user's scope of accounts."""

    def has_add_permission(self, request):
        return staff_access.asset_permission(request.user, "add", self.model)

    def has_change_permission(self, request, obj=None):
        account = obj.account if obj is not None else None
        return staff_access.asset_permission(request.user, "change", self.model, account)

    def has_delete_permission(self, request, obj=None):
        account = obj.account if obj is not None else None
        return staff_access.asset_permission(request.user, "delete", self.model, account)

    def choices_for(self, request, field_name):
        """The accounts offered for a new or moved asset (the form and its autocomplete)."""
        return staff_access.asset_accounts(request.user) if field_name == "account" else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        choices = self.choices_for(request, db_field.name)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SendingIP)
class SendingIPAdmin(AutocompleteAdmin, AssetAdmin):
    list_display = ["address", "account", "stream", "created_at"]
    list_filter = ["account"]
    search_fields = ["address", "stream", "account__name"]
    list_select_related = ["account"]
    autocomplete_fields = ["account"]
    actions = [check_now]


@admin.register(SendingDomain)
class SendingDomainAdmin(AutocompleteAdmin, AssetAdmin):
    list_display = ["name", "purpose", "account", "added_by", "created_at"]
    list_filter = ["purpose", "account"]
    search_fields = ["name", "account__name"]
    list_select_related = ["account", "added_by"]
    autocomplete_fields = ["account"]
    readonly_fields = ["added_by"]
    actions = [check_now]


class _JSONField(forms.JSONField):
    """Django's, refusing with its own sentence a number too long to read: json raises a
    plain ValueError for one of thousands of digits, which Django's field lets through."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return InvalidJSONInput(data)


@admin.register(Blocklist)
class BlocklistAdmin(admin.ModelAdmin):
    list_display = ["name", "zone", "kind", "major", "retired", "supports_ipv6"]
    list_filter = ["kind", "major", "retired"]
    search_fields = ["name", "zone", "providers"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "delisting_url":
            kwargs["assume_scheme"] = "https"
        if isinstance(db_field, models.JSONField):
            kwargs["form_class"] = _JSONField
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ListingState)
class ListingStateAdmin(_ReadOnly):
    list_display = ["asset_name", "account_name", "blocklist", "state", "since", "error_kind"]
    list_filter = ["state", "blocklist", "error_kind"]
    search_fields = [
        "sending_ip__address",
        "sending_domain__name",
        "sending_ip__account__name",
        "sending_domain__account__name",
    ]
    list_select_related = ["blocklist", "sending_ip__account", "sending_domain__account"]

    def get_queryset(self, request):
        # Listed first, newest listing on top; then the rest by how recently they changed.
        listed_first = Case(When(state=ListingState.State.LISTED, then=0), default=1)
        return (
            super().get_queryset(request).order_by(listed_first, F("since").desc(nulls_last=True))
        )

    @admin.display(description=_("asset"))
    def asset_name(self, obj):
        return str(obj.asset)

    @admin.display(description=_("account"))
    def account_name(self, obj):
        return obj.asset.account.name


@admin.register(ListingEvent)
class ListingEventAdmin(_ReadOnly):
    list_display = ["at", "kind", "asset_name", "account", "blocklist", "baseline", "notified_at"]
    list_filter = ["kind", "baseline", "blocklist"]
    search_fields = ["account__name", "sending_ip__address", "sending_domain__name"]
    list_select_related = ["account", "blocklist", "sending_ip", "sending_domain"]
    date_hierarchy = "at"

    @admin.display(description=_("asset"))
    def asset_name(self, obj):
        return str(obj.asset)


@admin.register(CheckRun)
class CheckRunAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "trigger",
        "account",
        "status",
        "resolver_failed",
        "progress",
        "queries",
        "unhealthy",
        "finished_at",
    ]
    list_filter = ["status", "resolver_failed", "trigger"]
    list_select_related = ["account", "requested_by"]
    fields = [
        "account",
        "trigger",
        "requested_by",
        "status",
        "resolver_failed",
        "progress",
        "chunks_done",
        "chunks_total",
        "queries",
        "unhealthy",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    @admin.display(description=_("progress"))
    def progress(self, obj):
        return f"{obj.progress_percent}%"

    @admin.display(description=_("lists failing their test points"))
    def unhealthy(self, obj):
        return ", ".join(obj.unhealthy_zones) or "–"
