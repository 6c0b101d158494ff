"""What the account endpoint answers: the Technical Account Manager and the office hours
now, as the customer home shows them."""

from __future__ import annotations

from django.utils import translation
from rest_framework import serializers

from accounts.models import OfficeHoursChange


class TechnicalAccountManagerSerializer(serializers.Serializer):
    name = serializers.CharField(source="full_name", read_only=True)
    email = serializers.EmailField(read_only=True)
    phone = serializers.CharField(read_only=True, help_text="Empty when none is on record.")


class OpeningSerializer(serializers.Serializer):
    opens = serializers.DateTimeField(read_only=True)
    closes = serializers.DateTimeField(read_only=True)


class OfficeHoursDaySerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True, help_text="A day in your time zone.")
    hours = OpeningSerializer(many=True, read_only=True, help_text="Empty: closed that day.")


class OfficeHoursChangeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OfficeHoursChange.Kind.choices, read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    opens = serializers.TimeField(read_only=True, allow_null=True)
    closes = serializers.TimeField(read_only=True, allow_null=True)
    note = serializers.SerializerMethodField()

    def get_note(self, change) -> str:
        """The vendor's note in the caller's language, English when none was written."""
        if translation.get_language() == "nl" and change.note_nl:
            return change.note_nl
        return change.note


class OfficeHoursSerializer(serializers.Serializer):
    time_zone = serializers.CharField(
        read_only=True, help_text="The calendar's zone; times are given in yours."
    )
    open_now = serializers.BooleanField(read_only=True)
    closes_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When open now: when the hours end."
    )
    next_opening = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When closed now: when the hours begin."
    )
    week = OfficeHoursDaySerializer(many=True, read_only=True)
    changes = OfficeHoursChangeSerializer(
        many=True, read_only=True, help_text="Current and coming changes by the vendor."
    )


class AccountSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    technical_account_manager = TechnicalAccountManagerSerializer(read_only=True)
    office_hours = OfficeHoursSerializer(read_only=True)
