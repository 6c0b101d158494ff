"""What the incident endpoints answer: the platform incidents affecting the account, in
the caller's language, with their updates newest first, as the status page shows them."""

from __future__ import annotations

from datetime import datetime

from django.utils import translation
from rest_framework import serializers

from cases import incident_selectors
from cases.models import IncidentScope, IncidentSeverity

PUBLISHED_CHOICES = [(str(s), str(s)) for s in incident_selectors.PUBLISHED]


def _language() -> str:
    return translation.get_language() or "en"


class IncidentUpdateSerializer(serializers.Serializer):
    posted_at = serializers.DateTimeField(read_only=True)
    text = serializers.SerializerMethodField()
    expected_resolution_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_text(self, update) -> str:
        return update.text_for(_language())


class IncidentSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True, help_text="INC-00012")
    status = serializers.ChoiceField(choices=PUBLISHED_CHOICES, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    component = serializers.ChoiceField(
        source="scope", choices=IncidentScope.choices, read_only=True
    )
    component_label = serializers.CharField(source="get_scope_display", read_only=True)
    severity = serializers.ChoiceField(choices=IncidentSeverity.choices, read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    region = serializers.SerializerMethodField(help_text="null: every region.")
    title = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    started_at = serializers.DateTimeField(read_only=True)
    last_update_at = serializers.DateTimeField(read_only=True, allow_null=True)
    expected_resolution_at = serializers.SerializerMethodField(
        help_text="What the latest update expects, or failing that the incident."
    )
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    summary = serializers.SerializerMethodField(help_text="The post-incident summary, if any.")
    updates = IncidentUpdateSerializer(
        source="updates_newest_first", many=True, read_only=True, help_text="Newest first."
    )

    def get_region(self, incident) -> str | None:
        return incident.region.name_for(_language()) if incident.region else None

    def get_title(self, incident) -> str:
        return incident.title_for(_language())

    def get_text(self, incident) -> str:
        return incident.text_for(_language())

    def get_expected_resolution_at(self, incident) -> datetime | None:
        return serializers.DateTimeField().to_representation(
            incident_selectors.expected_resolution_at(incident)
        )

    def get_summary(self, incident) -> str:
        return incident.summary_for(_language())


class IncidentListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        required=False,
        choices=PUBLISHED_CHOICES,
        help_text="active (going on now) or resolved; both when not given.",
    )
