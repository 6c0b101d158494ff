"""The SLA sweep runs every minute on Celery beat (editable in the admin); the roles get
the hotline's permissions; critical cases default to an update every hour."""

from django.db import migrations

from accounts import roles
from accounts.roles import role_sync

TASK_NAME = "Support cases: SLA sweep (warnings, breaches, outbox)"

PERMISSIONS = {
    roles.CUSTOMER_SERVICE: [
        "cases.view_hotlinecall",
        "cases.add_hotlinecall",
        "cases.view_case",
        "cases.view_callbackattempt",
    ],
    roles.SUPPORT_AGENTS: [
        "cases.view_hotlinecall",
        "cases.view_callbackattempt",
        "cases.add_callbackattempt",
    ],
    roles.SUPPORT_MANAGERS: [
        "cases.view_hotlinecall",
        "cases.add_hotlinecall",
        "cases.view_callbackattempt",
        "cases.add_callbackattempt",
        "cases.view_slanotice",
        "cases.view_outboxtask",
    ],
    roles.TECHNICAL_ACCOUNT_MANAGERS: [
        "cases.view_hotlinecall",
        "cases.view_callbackattempt",
    ],
}


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "cases.sla_sweep", "interval": schedule}
    )
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    SlaPolicy.objects.filter(severity="critical", update_interval_minutes__isnull=True).update(
        update_interval_minutes=60
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_hotline_intervals_sweep"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [
        migrations.RunPython(create, remove),
        migrations.RunPython(role_sync(PERMISSIONS), migrations.RunPython.noop),
    ]
