"""Once the roles' permissions on on-call shifts. The roles' permissions are applied after every `migrate` from portal/roles.py."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_on_call_shifts")]

    operations = []
