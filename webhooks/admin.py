"""Staff read customers' webhook endpoints and their deliveries, for the accounts in
their scope (accounts/staff_access.py): a TAM those of their own accounts. Nobody edits
them here (they are the customer's), and the signing secret is never shown."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.staff_access import account_in_scope, accounts_in_scope
from core.admin_records import RecordAdmin

from .models import Delivery, Endpoint


class ScopedRecordAdmin(RecordAdmin):
    account_path = "account"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.filter(**{f"{self.account_path}__in": accounts_in_scope(request.user)})

    def get_object(self, request, object_id, from_field=None):
        # Another account's object is found, then refused (403) by the permission below, as
        # every page of a read-only record answers for a persona who may not read it.
        queryset = super().get_queryset(request)
        field = from_field or queryset.model._meta.pk.name
        try:
            return queryset.get(
                **{field: queryset.model._meta.get_field(field).to_python(object_id)}
            )
        except (queryset.model.DoesNotExist, ValidationError, ValueError):
            return None

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or account_in_scope(request.user, self.account_of(obj))

    def account_of(self, obj):
        return obj.account


@admin.register(Endpoint)
class EndpointAdmin(ScopedRecordAdmin):
    list_display = ("url", "account", "status", "created_at", "created_by")
    list_filter = ("status",)
    list_select_related = ("account", "created_by")
    search_fields = ("url", "account__name")
    fields = (
        "account",
        "url",
        "event_types",
        "status",
        "paused_at",
        "paused_reason",
        "created_by",
        "created_at",
        "secret_rotated_at",
    )


@admin.register(Delivery)
class DeliveryAdmin(ScopedRecordAdmin):
    account_path = "endpoint__account"
    list_display = (
        "created_at",
        "event_type",
        "endpoint",
        "account",
        "status",
        "response_status",
        "response_ms",
        "attempts",
        "next_attempt_at",
    )
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint__account",)
    search_fields = ("delivery_id", "event_id", "endpoint__url")
    fields = (
        "delivery_id",
        "endpoint",
        "event_id",
        "event_type",
        "status",
        "created_at",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "response_status",
        "response_ms",
        "error",
        "redelivery_of",
        "body",
    )

    def account_of(self, obj):
        return obj.endpoint.account

    @admin.display(description=_("account"))
    def account(self, obj):
        return obj.endpoint.account
