"""The records kept about cases, read in the admin, and the SLA policies staff set."""

from __future__ import annotations

from django.contrib import admin

from core import outbox
from core.admin_records import RecordAdmin

from ..models import CaseEvent, OutboundMessage, ResolutionAgreement, SlaPolicy


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "severity",
        "first_response_minutes",
        "office_hours_only",
        "callback_minutes",
        "callback_counts",
        "callback_retry_minutes",
    ]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Through the outbox: with the broker down the deadlines are recomputed once it
        # is back rather than never.
        outbox.enqueue("cases.recompute_deadlines", obj.severity)


@admin.register(ResolutionAgreement)
class ResolutionAgreementAdmin(RecordAdmin):
    list_display = ["case", "outcome", "proposed_at", "decided_at", "method", "customer_name"]
    list_filter = ["outcome", "method"]
    list_select_related = ["case"]
    search_fields = ["case__reference", "customer_name"]


@admin.register(OutboundMessage)
class OutboundMessageAdmin(RecordAdmin):
    list_display = ["sent_at", "case", "recipient", "subject", "kind", "message_id"]
    list_select_related = ["case"]
    search_fields = ["case__reference", "recipient", "message_id"]


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    list_display = ["at", "case", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__reference"]
    show_full_result_count = False
