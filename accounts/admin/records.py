"""The account's audit record and its team's invitations in the admin: read-only, and a
TAM reads only their own accounts' (accounts/staff_access.py)."""

from django.contrib import admin

from core.admin_records import RecordAdmin

from .. import staff_access
from ..models import AccountEvent, Invitation


@admin.register(AccountEvent)
class AccountEventAdmin(RecordAdmin):
    list_display = ["at", "account", "kind", "subject", "actor"]
    list_filter = ["kind"]
    list_select_related = ["account", "actor"]
    search_fields = ["account__name", "subject"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(account__in=staff_access.audited_accounts(request.user))
        )


@admin.register(Invitation)
class InvitationAdmin(RecordAdmin):
    """Made, withdrawn and accepted by the account's primary contact and the invitee; the
    link's token is not kept, only its hash, which is not shown."""

    list_display = ["email", "account", "role", "invited_by", "created_at", "expires_at"]
    list_filter = ["role"]
    list_select_related = ["account", "invited_by"]
    search_fields = ["account__name", "email"]
    exclude = ["token_hash"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(account__in=staff_access.audited_accounts(request.user))
        )
