"""Once the roles' permissions on blocklist monitoring. The roles' permissions are applied after every `migrate` from portal/roles.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("deliverability", "0002_blocklist_catalogue"), ("accounts", "0002_staff_roles")]
    operations = []
