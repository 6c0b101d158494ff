"""The default SLA policies. (Once also the roles' permissions: they are applied after
every `migrate` from portal/roles.py.)"""

from django.db import migrations


def default_policies(apps, schema_editor):
    from django.conf import settings

    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    SlaPolicy.objects.get_or_create(
        severity="critical",
        defaults={
            "first_response_minutes": settings.CASES_CRITICAL_FIRST_RESPONSE_MINUTES,
            "office_hours_only": False,
        },
    )
    SlaPolicy.objects.get_or_create(
        severity="non_critical",
        defaults={
            "first_response_minutes": settings.CASES_NON_CRITICAL_FIRST_RESPONSE_MINUTES,
            "office_hours_only": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("accounts", "0002_staff_roles"),
    ]

    operations = [
        migrations.RunPython(default_policies, migrations.RunPython.noop),
    ]
