"""Once the mailbox poll's and the raw-mail purge's beat entries and the quarantine's
permissions. Beat's entries are created after every `migrate` from portal/schedule.py. The roles' permissions are applied after every `migrate` from portal/roles.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inbound", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("accounts", "0002_staff_roles"),
    ]
    operations = []
