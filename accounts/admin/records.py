"""The account's audit record in the admin: read-only, and a TAM reads only their own
accounts' (accounts/staff_access.py)."""

from django.contrib import admin

from core.admin_records import RecordAdmin

from .. import staff_access
from ..models import AccountEvent


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
