"""What the cases endpoints read and answer. Input is validated by the portal's own forms
(cases/forms.py); these serializers describe it for the schema and convert types."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from cases import search
from cases.forms import NO, YES, CustomerIntervalForm
from cases.models import (
    CaseEvent,
    Category,
    FailureCause,
    IntervalProposal,
    Severity,
    Status,
)


class CaseSummarySerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    subject = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    opened_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class CaseListQuerySerializer(serializers.Serializer):
    """The case list's filters: the case list page's search (cases.forms.CaseSearchForm)."""

    q = serializers.CharField(
        required=False,
        max_length=search.TEXT_MAX_LENGTH,
        help_text="Words of the reference, subject, description or a public message.",
    )
    status = serializers.ChoiceField(
        required=False,
        choices=[search.ANY_OPEN, search.ANY_CLOSED, *Status.values],
        help_text="One status, or all_open / all_closed.",
    )
    severity = serializers.ChoiceField(required=False, choices=Severity.values)
    opened_from = serializers.DateField(
        required=False, help_text="Opened on or after this day (in your time zone)."
    )
    opened_to = serializers.DateField(
        required=False, help_text="Opened on or before this day (in your time zone)."
    )


def _need_choices() -> list[str]:
    from cases import classification

    return [*Category.values, *classification.EXCLUDED_REQUESTS]


class CaseFilingSerializer(serializers.Serializer):
    """A new case, with the filing form's questions. JSON, or multipart with files."""

    subject = serializers.CharField(max_length=200)
    need = serializers.ChoiceField(
        choices=_need_choices(),
        help_text="What you need; requests the contract excludes are refused with why.",
    )
    api_all_failing = serializers.BooleanField(required=False, default=False)
    api_failure_cause = serializers.ChoiceField(
        choices=FailureCause.choices, required=False, allow_blank=True
    )
    smtp_all_failing = serializers.BooleanField(required=False, default=False)
    smtp_failure_cause = serializers.ChoiceField(
        choices=FailureCause.choices, required=False, allow_blank=True
    )
    failing_since = serializers.DateTimeField(required=False, allow_null=True)
    error_samples = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField()
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Multipart only."
    )

    def form_data(self) -> dict:
        """The validated values as the filing form reads them."""
        d = self.validated_data
        data = {
            "subject": d["subject"],
            "need": d["need"],
            "api_all_failing": YES if d.get("api_all_failing") else NO,
            "api_failure_cause": d.get("api_failure_cause", ""),
            "smtp_all_failing": YES if d.get("smtp_all_failing") else NO,
            "smtp_failure_cause": d.get("smtp_failure_cause", ""),
            "error_samples": d.get("error_samples", ""),
            "description": d["description"],
        }
        if d.get("failing_since"):
            # The form reads a moment in the reader's zone.
            data["failing_since"] = timezone.localtime(d["failing_since"]).replace(tzinfo=None)
        return data


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="Multipart only."
    )


class AnswerSerializer(serializers.Serializer):
    answering = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the proposal you answer (pending_resolution.id): an answer "
        "never lands on a proposal made since.",
    )


class RejectSerializer(AnswerSerializer):
    reason = serializers.CharField()


class IntervalSerializer(serializers.Serializer):
    minutes = serializers.ChoiceField(
        choices=[value for value, _label in CustomerIntervalForm.base_fields["minutes"].choices],
        help_text="Minutes between updates on a critical case.",
    )


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["message", "event"], read_only=True)
    at = serializers.DateTimeField(read_only=True)
    author = serializers.CharField(read_only=True, allow_null=True)
    from_support = serializers.BooleanField(read_only=True)
    body = serializers.CharField(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    event = serializers.ChoiceField(choices=CaseEvent.Kind.choices, read_only=True, allow_null=True)
    event_label = serializers.CharField(read_only=True, allow_null=True)
    to_status = serializers.CharField(read_only=True, allow_null=True)
    detail = serializers.CharField(read_only=True, allow_null=True)
    internal = serializers.BooleanField(
        read_only=True, help_text="An internal note or event: staff tokens only."
    )

    def to_representation(self, entry):
        item = entry.item
        staff = self.context.get("staff", False)
        if entry.kind == "message":
            files = list(item.attachments.all()) if staff else item.public_attachments
            return {
                "kind": "message",
                "at": self.fields["at"].to_representation(item.created_at),
                "author": str(item.author),
                "from_support": item.author.is_staff,
                "internal": staff and item.is_internal,
                "body": item.body,
                "attachments": AttachmentSerializer(files, many=True).data,
                "event": None,
                "event_label": None,
                "to_status": None,
                "detail": None,
            }
        return {
            "kind": "event",
            "at": self.fields["at"].to_representation(item.at),
            "author": str(item.actor) if item.actor else None,
            "from_support": bool(item.actor and item.actor.is_staff),
            "internal": staff and not item.public,
            "body": None,
            "attachments": [],
            "event": item.kind,
            "event_label": item.get_kind_display(),
            "to_status": item.to_status or None,
            "detail": (item.shown_detail if staff else customer_event_detail(item)) or None,
        }


# The events whose detail the customer's case page shows (cases/case_detail.html); the
# detail of any other event is staff's and stays out.
_DETAIL_SHOWN = {
    CaseEvent.Kind.RECLASSIFIED,
    CaseEvent.Kind.DUPLICATE_MERGED,
    CaseEvent.Kind.INCIDENT_LINKED,
    CaseEvent.Kind.INCIDENT_UNLINKED,
    CaseEvent.Kind.RESOLUTION_REJECTED,
    CaseEvent.Kind.ESCALATED,
    CaseEvent.Kind.REOPENED,
}
_INTERVAL_KINDS = {
    CaseEvent.Kind.INTERVAL_PROPOSED,
    CaseEvent.Kind.INTERVAL_AGREED,
    CaseEvent.Kind.INTERVAL_DECLINED,
}


def customer_event_detail(event: CaseEvent) -> str:
    if event.kind in _DETAIL_SHOWN:
        return event.detail
    if event.kind in _INTERVAL_KINDS:
        return event.shown_detail
    if event.kind == CaseEvent.Kind.CALLBACK_ATTEMPT:
        return event.customer_detail
    return ""


class PendingResolutionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    summary = serializers.CharField(read_only=True)
    proposed_at = serializers.DateTimeField(read_only=True)


class PendingIntervalSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    minutes = serializers.IntegerField(read_only=True)
    side = serializers.ChoiceField(choices=IntervalProposal.Side.choices, read_only=True)
    proposed_at = serializers.DateTimeField(read_only=True)


class CaseDetailSerializer(CaseSummarySerializer):
    description = serializers.CharField(read_only=True)
    error_samples = serializers.CharField(read_only=True)
    category = serializers.ChoiceField(choices=Category.choices, read_only=True)
    requester = serializers.CharField(read_only=True)
    first_response_at = serializers.DateTimeField(read_only=True, allow_null=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    agreed_update_interval = serializers.IntegerField(read_only=True, allow_null=True)
    filing_attachments = AttachmentSerializer(many=True, read_only=True)
    pending_resolution = PendingResolutionSerializer(read_only=True, allow_null=True)
    pending_interval = PendingIntervalSerializer(read_only=True, allow_null=True)
    timeline = TimelineEntrySerializer(many=True, read_only=True)


class MessageSerializer(serializers.Serializer):
    """A reply as filed: the case it landed on (another one when the reply reopened a
    case too old, or went to the case a duplicate was merged into)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    case = serializers.CharField(source="case.reference", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    body = serializers.CharField(read_only=True)
