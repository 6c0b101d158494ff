"""Critical cases default to an update every hour. (Once also the SLA sweep's beat
entry and the hotline's permissions: both are applied after every `migrate`, from
portal/schedule.py and portal/roles.py.)"""

from django.db import migrations


def hourly_updates(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    SlaPolicy.objects.filter(severity="critical", update_interval_minutes__isnull=True).update(
        update_interval_minutes=60
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_hotline_intervals_sweep"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(hourly_updates, migrations.RunPython.noop)]
