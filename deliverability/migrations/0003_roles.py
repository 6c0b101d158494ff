from django.db import migrations

from accounts import roles
from accounts.roles import role_sync


def _crud(model, *actions):
    return [f"deliverability.{action}_{model}" for action in actions]


VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")
READ_ALL = [
    *_crud("checkrun", *VIEW),
    *_crud("listingstate", *VIEW),
    *_crud("listingevent", *VIEW),
]

PERMISSIONS = {
    roles.TECHNICAL_ACCOUNT_MANAGERS: [
        *_crud("sendingip", *ALL),
        *_crud("sendingdomain", *ALL),
        *_crud("blocklist", *VIEW),
        *READ_ALL,
    ],
    roles.SUPPORT_AGENTS: [
        *_crud("sendingip", *EDIT),
        *_crud("sendingdomain", *EDIT),
        *_crud("blocklist", *VIEW),
        *READ_ALL,
    ],
    roles.CUSTOMER_SERVICE: [
        *_crud("sendingip", *VIEW),
        *_crud("sendingdomain", *VIEW),
        *_crud("blocklist", *VIEW),
        *_crud("listingstate", *VIEW),
    ],
    roles.SUPPORT_MANAGERS: [
        *_crud("sendingip", *ALL),
        *_crud("sendingdomain", *ALL),
        *_crud("blocklist", *EDIT),
        *READ_ALL,
    ],
}


class Migration(migrations.Migration):
    dependencies = [("deliverability", "0002_blocklist_catalogue"), ("accounts", "0002_staff_roles")]
    operations = [migrations.RunPython(role_sync(PERMISSIONS), migrations.RunPython.noop)]
