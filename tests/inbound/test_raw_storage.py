"""Raw inbound messages live in the file storage: a bucket (moto's S3 server on loopback)
or MEDIA_ROOT. Staff read them, settle quarantined mail from them, the retention purge
deletes them there, and the migration moves the old database column's bytes over."""

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inbound.models import Outcome
from inbound.services import ingest, purge_raw_messages

from .conftest import corpus_bytes

LOG = b"2026-11-26T14:05:00Z relay1 smtp[4121]: timeout after DATA\n"


def staff_page(user, row) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("admin:inbound_inboundmessage_change", args=[row.pk])).text


def stranger_mail_with_a_log() -> bytes:
    message = EmailMessage()
    message["From"] = "Ops <ops@elsewhere.example>"
    message["To"] = "support@example.com"
    message["Subject"] = "Our relay times out"
    message["Message-ID"] = "<stranger-log@elsewhere.example>"
    message.set_content("The log is attached.")
    message.add_attachment(LOG, maintype="text", subtype="plain", filename="relay1.log")
    return message.as_bytes()


@pytest.mark.django_db
def test_a_quarantined_message_in_the_bucket_is_settled_with_its_attachment(world, s3_storage):
    row = ingest(stranger_mail_with_a_log())
    assert row.outcome == Outcome.QUARANTINED
    assert s3_storage.keys() == [row.raw.name]
    assert row.raw.name.startswith(f"inbound-raw/{row.received_at:%Y/%m/%d}/")
    assert "Message-ID: &lt;stranger-log@elsewhere.example&gt;" in staff_page(world.agent, row)

    client = Client()
    client.force_login(world.agent)
    client.post(
        reverse("admin:inbound_inboundmessage_settle", args=[row.pk, "open"]),
        {"contact_email": "jeroen@acme.example"},
    )
    row.refresh_from_db()
    assert row.outcome == Outcome.OPENED
    attachment = row.case.attachments.get()
    assert attachment.file.read() == LOG
    assert attachment.file.name in s3_storage.keys()


@pytest.mark.django_db
def test_the_purge_deletes_old_raw_messages_from_the_bucket(world, s3_storage, settings):
    settings.INBOUND_RAW_MESSAGE_RETENTION_DAYS = 30
    old = ingest(corpus_bytes("gmail-reply.eml"), now=timezone.now() - timedelta(days=31))
    new = ingest(corpus_bytes("outlook-reply.eml"))
    assert purge_raw_messages() == 1
    assert s3_storage.keys() == [new.raw.name]
    old.refresh_from_db()
    assert "Deleted after the retention period." in staff_page(world.agent, old)


@pytest.mark.django_db
def test_a_raw_message_missing_from_the_storage_is_said_so(world, settings):
    row = ingest(corpus_bytes("gmail-reply.eml"))
    (settings.MEDIA_ROOT / row.raw.name).unlink()
    assert row.raw_bytes() is None
    assert "Missing from the file storage." in staff_page(world.agent, row)


BEFORE = [("inbound", "0006_mailin_webhook")]
AFTER = [("inbound", "0007_storage_raw_message")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_raw_messages_into_the_storage_and_back(settings):
    at = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    raw = corpus_bytes("gmail-reply.eml")
    old = migrate(BEFORE).get_model("inbound", "InboundMessage").objects
    fields = {"received_at": at, "last_received_at": at, "outcome": "posted"}
    kept = old.create(dedup_key="kept", raw=raw, **fields)
    purged = old.create(dedup_key="purged", raw=None, raw_purged_at=at, **fields)
    try:
        new = migrate(AFTER).get_model("inbound", "InboundMessage").objects
        name = new.get(pk=kept.pk).raw.name
        assert name.startswith("inbound-raw/2026/03/04/") and name.endswith(".eml")
        assert (settings.MEDIA_ROOT / name).read_bytes() == raw
        assert new.get(pk=purged.pk).raw.name == ""

        back = migrate(BEFORE).get_model("inbound", "InboundMessage").objects
        assert bytes(back.get(pk=kept.pk).raw) == raw
        assert back.get(pk=purged.pk).raw is None
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
