"""Stored messages are keyed by their content fingerprint instead of their Message-ID,
so that a message delivered again after the upgrade is still counted as the same.
Rows whose raw message was already deleted keep their old key (no new key can match
it, and they are older than the retention period).

The fingerprint is a frozen copy of `parse.content_fingerprint` as of this migration:
a migration must not import live code."""

import hashlib
import re

from django.db import migrations

_TRACE_FIELD = re.compile(
    rb"^(?:authentication-results|delivered-to|received|received-spf|return-path|"
    rb"x-original-to|x-received|arc-[!-9;-~]*|x-spam-[!-9;-~]*|x-virus-[!-9;-~]*)"
    rb"[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*(?:\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _fingerprint(raw: bytes) -> str:
    if raw.startswith(b"From "):
        raw = raw.partition(b"\n")[2]
    match = _HEADER_END.search(raw)
    header_section, body = (raw, b"") if match is None else (raw[: match.start()], raw[match.end() :])
    header_section = _TRACE_FIELD.sub(b"", header_section.replace(b"\r\n", b"\n") + b"\n")
    digest = hashlib.sha256(header_section.rstrip(b"\n") + b"\n\n")
    digest.update(body.replace(b"\r\n", b"\n").rstrip(b"\r\n"))
    return digest.hexdigest()


def rekey(apps, schema_editor):
    InboundMessage = apps.get_model("inbound", "InboundMessage")
    taken = set(
        InboundMessage.objects.filter(dedup_key__startswith="fp:").values_list(
            "dedup_key", flat=True
        )
    )
    rows = (
        InboundMessage.objects.filter(raw__isnull=False)
        .exclude(dedup_key__startswith="fp:")
        .order_by("pk")
        .only("pk", "raw")
    )
    # A raw message can be 25 MB: a few at a time keeps the migration's memory small.
    for row in rows.iterator(chunk_size=10):
        key = "fp:" + _fingerprint(bytes(row.raw))
        if key in taken:
            continue  # two rows of one message stored before: the later keeps its key
        taken.add(key)
        InboundMessage.objects.filter(pk=row.pk).update(dedup_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("inbound", "0004_reused_message_id_too_large_held_notice"),
    ]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
