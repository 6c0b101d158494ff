"""The outbox moves to the core app: its rows are copied to core's table, oldest first,
in this migration's transaction, and only then is this app's table dropped."""

from django.db import migrations

FIELDS = ("task_name", "args", "kwargs", "created_at", "error")


def copy(source, target):
    target.objects.bulk_create(
        target(**{field: getattr(row, field) for field in FIELDS})
        for row in source.objects.order_by("pk").iterator()
    )


def to_core(apps, schema_editor):
    copy(apps.get_model("cases", "OutboxTask"), apps.get_model("core", "OutboxTask"))


def back_to_cases(apps, schema_editor):
    copy(apps.get_model("core", "OutboxTask"), apps.get_model("cases", "OutboxTask"))
    apps.get_model("core", "OutboxTask").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0010_text_length_limits"),
        ("core", "0001_initial"),
    ]
    operations = [
        migrations.RunPython(to_core, back_to_cases),
        migrations.DeleteModel(name="OutboxTask"),
    ]
