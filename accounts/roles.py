"""Staff roles: Django groups named here. What each role may do is one table for every
app, in portal/roles.py, applied exactly after every `migrate`."""

from django.utils.translation import gettext_lazy as _

TECHNICAL_ACCOUNT_MANAGERS = "Technical Account Managers"
SUPPORT_AGENTS = "Support Agents"
CUSTOMER_SERVICE = "Customer Service"
SUPPORT_MANAGERS = "Support Managers"

STAFF_ROLES = (TECHNICAL_ACCOUNT_MANAGERS, SUPPORT_AGENTS, CUSTOMER_SERVICE, SUPPORT_MANAGERS)
ROLE_LABELS = {
    TECHNICAL_ACCOUNT_MANAGERS: _("Technical Account Managers"),
    SUPPORT_AGENTS: _("Support Agents"),
    CUSTOMER_SERVICE: _("Customer Service"),
    SUPPORT_MANAGERS: _("Support Managers"),
}


# --- for the migrations already applied ----------------------------------------------
# Earlier data migrations gave the roles their permissions and only ever added. They stay
# as history and now only create the groups; the permissions come from portal/roles.py.


def sync_roles(apps, schema_editor=None, permissions=None) -> None:
    """Create the role groups (the historical migrations' step)."""
    Group = apps.get_model("auth", "Group")
    for role in STAFF_ROLES:
        Group.objects.get_or_create(name=role)


def role_sync(permissions):
    """The historical migrations' RunPython function: creates the groups only."""

    def run(apps, schema_editor):
        sync_roles(apps, schema_editor)

    return run
