from django.db import migrations

from accounts import roles
from accounts.roles import role_sync

READ = [
    "cases.view_case",
    "cases.view_casemessage",
    "cases.view_caseevent",
    "cases.view_attachment",
    "cases.view_resolutionagreement",
    "cases.view_outboundmessage",
    "cases.view_slapolicy",
]

PERMISSIONS = {
    roles.SUPPORT_AGENTS: [*READ, "cases.change_case"],
    roles.TECHNICAL_ACCOUNT_MANAGERS: [*READ, "cases.change_case"],
    roles.CUSTOMER_SERVICE: ["cases.view_case", "cases.view_caseevent", "cases.view_slapolicy"],
    roles.SUPPORT_MANAGERS: [
        *READ,
        "cases.change_case",
        "cases.add_slapolicy",
        "cases.change_slapolicy",
        "cases.delete_slapolicy",
    ],
}


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
        migrations.RunPython(role_sync(PERMISSIONS), migrations.RunPython.noop),
        migrations.RunPython(default_policies, migrations.RunPython.noop),
    ]
