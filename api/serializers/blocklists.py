"""What the blocklist endpoints answer: each sending IP and domain on each list now, and
one asset's history of listings, as the blocklist pages show them."""

from __future__ import annotations

from rest_framework import serializers

from deliverability.blocklists.reasons import reason_label
from deliverability.models import SendingDomain

NOT_CHECKED = "not_checked"
NOT_APPLICABLE = "not_applicable"
STATES = [
    ("listed", "listed"),
    ("clean", "clean"),
    ("unknown", "unknown"),
    (NOT_CHECKED, NOT_CHECKED),
    (NOT_APPLICABLE, NOT_APPLICABLE),
]


def listing(blocklist, state, applicable: bool = True) -> dict:
    """One asset on one list, as the page's cell says it: its state, or why there is none."""
    if not applicable:
        shown = NOT_APPLICABLE
    elif state is None:
        shown = NOT_CHECKED
    else:
        shown = state.state
    return {
        "blocklist": blocklist.name,
        "major": blocklist.major,
        "providers": blocklist.providers,
        "state": shown,
        "since": state.since if state else None,
        "reasons": [reason_label(r) for r in state.reasons] if state else [],
        "list_text": state.txt if state else "",
        "error": state.error_kind if state else "",
        "error_since": state.error_since if state else None,
        "last_checked_at": state.last_checked_at if state else None,
        "delisting_url": blocklist.delisting_url,
    }


class ListingSerializer(serializers.Serializer):
    blocklist = serializers.CharField(read_only=True)
    major = serializers.BooleanField(read_only=True, help_text="One of the major lists.")
    providers = serializers.CharField(read_only=True, help_text="Mailbox providers that use it.")
    state = serializers.ChoiceField(
        choices=STATES,
        read_only=True,
        help_text="listed, clean or unknown (the last answer believed); not_checked before "
        "the first check; not_applicable when the list does not answer for the address.",
    )
    since = serializers.DateTimeField(read_only=True, allow_null=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    list_text = serializers.CharField(
        read_only=True, help_text="The list's own TXT record, as it sent it."
    )
    error = serializers.CharField(
        read_only=True, help_text="Why the last check could not be completed; empty if it was."
    )
    error_since = serializers.DateTimeField(read_only=True, allow_null=True)
    last_checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    delisting_url = serializers.CharField(read_only=True)


class SendingIPStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    address = serializers.CharField(read_only=True)
    stream = serializers.CharField(read_only=True)
    listed_on = serializers.IntegerField(read_only=True, help_text="Lists it is on now.")
    lists = ListingSerializer(many=True, read_only=True)


class SendingDomainStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    purpose = serializers.ChoiceField(choices=SendingDomain.Purpose.choices, read_only=True)
    listed_on = serializers.IntegerField(read_only=True, help_text="Lists it is on now.")
    lists = ListingSerializer(many=True, read_only=True)


class BlocklistStatusSerializer(serializers.Serializer):
    last_checked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    check_running = serializers.BooleanField(read_only=True)
    sending_ips = SendingIPStatusSerializer(many=True, read_only=True)
    sending_domains = SendingDomainStatusSerializer(many=True, read_only=True)


class HistoryQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=365,
        default=30,
        help_text="How many days back the history of each list goes (1 to 365).",
    )


class SegmentSerializer(serializers.Serializer):
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    listed = serializers.BooleanField(
        read_only=True, allow_null=True, help_text="null: not monitored yet."
    )


class ListingHistorySerializer(ListingSerializer):
    history = SegmentSerializer(many=True, read_only=True)


class ListingEventSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["listed", "delisted"], read_only=True)
    blocklist = serializers.CharField(source="blocklist.name", read_only=True)
    at = serializers.DateTimeField(read_only=True)
    baseline = serializers.BooleanField(
        read_only=True, help_text="Found at the first check: there when monitoring began."
    )
    reasons = serializers.SerializerMethodField()

    def get_reasons(self, event) -> list[str]:
        return [reason_label(r) for r in event.reasons or ()]


class StretchSerializer(serializers.Serializer):
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)


class AssetHistorySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=["ip", "domain"], read_only=True)
    name = serializers.CharField(read_only=True, help_text="The address or domain name.")
    days = serializers.IntegerField(read_only=True)
    lists = ListingHistorySerializer(many=True, read_only=True)
    events = ListingEventSerializer(
        many=True, read_only=True, help_text="Listings and delistings, newest first."
    )
    not_run = StretchSerializer(
        many=True, read_only=True, help_text="When the checks could not run."
    )
