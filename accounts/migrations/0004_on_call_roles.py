from django.db import migrations

from accounts.roles import (
    CUSTOMER_SERVICE,
    SUPPORT_AGENTS,
    SUPPORT_MANAGERS,
    TECHNICAL_ACCOUNT_MANAGERS,
    role_sync,
)

VIEW = ["accounts.view_oncallshift"]
ALL = ["accounts.view_oncallshift", "accounts.add_oncallshift", "accounts.change_oncallshift",
       "accounts.delete_oncallshift"]


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_on_call_shifts")]

    operations = [
        migrations.RunPython(
            role_sync(
                {
                    SUPPORT_MANAGERS: ALL,
                    SUPPORT_AGENTS: VIEW,
                    CUSTOMER_SERVICE: VIEW,
                    TECHNICAL_ACCOUNT_MANAGERS: VIEW,
                }
            ),
            migrations.RunPython.noop,
        )
    ]
