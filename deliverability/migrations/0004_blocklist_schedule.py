"""Once the scheduled blocklist check's beat entry. Beat's entries are created after every `migrate` from portal/schedule.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deliverability", "0003_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = []
