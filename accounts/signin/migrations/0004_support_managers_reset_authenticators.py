"""Support Managers see who has an authenticator and reset a lost one."""

from django.db import migrations

SUPPORT_MANAGERS = "Support Managers"
PERMISSIONS = [
    ("signin", "view_authenticator"),
    ("signin", "delete_authenticator"),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are otherwise only created after the last migration.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=SUPPORT_MANAGERS)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


class Migration(migrations.Migration):
    dependencies = [("signin", "0003_authenticator")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
