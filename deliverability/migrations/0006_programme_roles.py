"""Once the roles' permissions on the TAM programme. The roles' permissions are applied after every `migrate` from portal/roles.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("deliverability", "0005_programme"), ("accounts", "0002_staff_roles")]
    operations = []
