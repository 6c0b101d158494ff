"""Raw inbound messages move from a database column into the file storage (the bucket
every host shares, or MEDIA_ROOT): each stored message is written there and the column
keeps its name. Reversible: the files are read back into the column."""

import uuid

from django.core.files.base import ContentFile
from django.db import migrations, models

import inbound.models

BATCH = 200


def _to_storage(apps, schema_editor):
    InboundMessage = apps.get_model("inbound", "InboundMessage")
    field = InboundMessage._meta.get_field("raw_file")
    rows = InboundMessage.objects.filter(raw__isnull=False).only("pk", "received_at", "raw")
    for row in rows.iterator(chunk_size=BATCH):
        # The path of the live upload_to, frozen here: a migration must not import live code.
        path = f"inbound-raw/{row.received_at:%Y/%m/%d}/{uuid.uuid4().hex}.eml"
        name = field.storage.save(path, ContentFile(bytes(row.raw)))
        InboundMessage.objects.filter(pk=row.pk).update(raw_file=name)


def _to_column(apps, schema_editor):
    InboundMessage = apps.get_model("inbound", "InboundMessage")
    storage = InboundMessage._meta.get_field("raw_file").storage
    rows = InboundMessage.objects.exclude(raw_file="").only("pk", "raw_file")
    for row in rows.iterator(chunk_size=BATCH):
        try:
            with storage.open(row.raw_file.name, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            continue
        InboundMessage.objects.filter(pk=row.pk).update(raw=raw)


class Migration(migrations.Migration):
    dependencies = [("inbound", "0006_mailin_webhook")]

    operations = [
        migrations.AddField(
            model_name="inboundmessage",
            name="raw_file",
            field=models.FileField(
                blank=True, upload_to=inbound.models.raw_message_path, verbose_name="raw message"
            ),
        ),
        migrations.RunPython(_to_storage, _to_column, elidable=False),
        migrations.RemoveField(model_name="inboundmessage", name="raw"),
        migrations.RenameField(model_name="inboundmessage", old_name="raw_file", new_name="raw"),
    ]
