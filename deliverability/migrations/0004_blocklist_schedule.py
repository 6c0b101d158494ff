"""The scheduled blocklist check: a periodic task for Celery beat, editable in the admin."""

from django.conf import settings
from django.db import migrations

TASK_NAME = "Blocklist monitoring: check every sending IP and domain"


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minutes = max(1, getattr(settings, "BLOCKLIST_CHECK_INTERVAL_MINUTES", 60))
    schedule, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME,
        defaults={"task": "deliverability.scheduled_blocklist_check", "interval": schedule},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deliverability", "0003_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
