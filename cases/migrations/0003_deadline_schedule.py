"""Once the beat entry that recomputes open cases' deadlines. Beat's entries are created after every `migrate` from portal/schedule.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_roles_and_sla_policies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = []
