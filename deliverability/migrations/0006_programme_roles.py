from django.db import migrations

from accounts import roles
from accounts.roles import role_sync


def _crud(model, *actions):
    return [f"deliverability.{action}_{model}" for action in actions]


VIEW = ("view",)
ALL = ("view", "add", "change", "delete")
PROGRAMME = [
    "warmupplan",
    "migrationphase",
    "dailyactual",
    "planningsession",
    "nextstep",
    "trendnote",
]
REMEDIATION = ["remediationrequest", "remediationstep"]

PERMISSIONS = {
    roles.TECHNICAL_ACCOUNT_MANAGERS: [
        *[p for m in PROGRAMME + REMEDIATION for p in _crud(m, *ALL)],
    ],
    roles.SUPPORT_AGENTS: [
        *[p for m in PROGRAMME for p in _crud(m, *VIEW)],
        *[p for m in REMEDIATION for p in _crud(m, "view", "add", "change")],
    ],
    roles.CUSTOMER_SERVICE: [*_crud("remediationrequest", *VIEW)],
    roles.SUPPORT_MANAGERS: [
        *[p for m in PROGRAMME + REMEDIATION for p in _crud(m, *ALL)],
    ],
}


class Migration(migrations.Migration):
    dependencies = [("deliverability", "0005_programme"), ("accounts", "0002_staff_roles")]
    operations = [migrations.RunPython(role_sync(PERMISSIONS), migrations.RunPython.noop)]
