"""What the warm-up endpoints read and answer: the account's plans, and a CSV of daily
actuals for one of them. The CSV is read by the import of the plan's page
(deliverability/programme: ActualsUploadForm, then actuals_import), all rows or none."""

from __future__ import annotations

from rest_framework import serializers

from deliverability.programme import actuals_csv


class WarmupPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    start_date = serializers.DateField(read_only=True)
    target_daily_volume = serializers.IntegerField(read_only=True)
    ip_count = serializers.IntegerField(read_only=True, help_text="New IPs warmed.")
    actual_count = serializers.IntegerField(
        read_only=True, help_text="Daily actuals on record (one per day and provider)."
    )


class ActualsUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        required=False,
        help_text="Multipart only: a CSV file (UTF-8) with the columns "
        f"{', '.join(actuals_csv.CSV_COLUMNS)}.",
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Or the same rows as text (JSON or multipart).",
    )


class ActualsImportedSerializer(serializers.Serializer):
    plan = serializers.IntegerField(read_only=True)
    imported = serializers.IntegerField(
        read_only=True,
        help_text="Rows stored; a day and provider already on record is replaced.",
    )
