"""Staff roles: Django groups with the model permissions each needs.

Groups are created by a data migration. Each app that adds models gives the roles
their permissions from a data migration of its own:
    migrations.RunPython(role_sync({SUPPORT_AGENTS: ["cases.view_case", ...]}), noop)
"""

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


def _crud(app_label: str, model: str, *actions: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for action in actions]


_VIEW = ("view",)
_EDIT = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS: dict[str, list[str]] = {
    TECHNICAL_ACCOUNT_MANAGERS: [
        *_crud("accounts", "account", *_EDIT),
        *_crud("accounts", "contact", *_ALL),
        *_crud("accounts", "user", *_EDIT),
        *_crud("accounts", "officehourscalendar", *_VIEW),
        *_crud("accounts", "openingrange", *_VIEW),
        *_crud("accounts", "holiday", *_VIEW),
        *_crud("accounts", "officehourschange", *_VIEW),
    ],
    SUPPORT_AGENTS: [
        *_crud("accounts", "account", *_VIEW),
        *_crud("accounts", "contact", *_VIEW),
        *_crud("accounts", "user", *_VIEW),
        *_crud("accounts", "officehourscalendar", *_VIEW),
        *_crud("accounts", "openingrange", *_VIEW),
        *_crud("accounts", "holiday", *_VIEW),
        *_crud("accounts", "officehourschange", *_VIEW),
    ],
    CUSTOMER_SERVICE: [
        *_crud("accounts", "account", *_VIEW),
        *_crud("accounts", "contact", *_VIEW),
        *_crud("accounts", "user", *_VIEW),
    ],
    SUPPORT_MANAGERS: [
        *_crud("accounts", "account", *_ALL),
        *_crud("accounts", "contact", *_ALL),
        *_crud("accounts", "user", *_EDIT),
        *_crud("accounts", "officehourscalendar", *_ALL),
        *_crud("accounts", "openingrange", *_ALL),
        *_crud("accounts", "holiday", *_ALL),
        *_crud("accounts", "officehourschange", *_ALL),
    ],
}


def sync_roles(apps, schema_editor=None, permissions: dict[str, list[str]] | None = None) -> None:
    """Create the role groups and add to each the permissions listed for it.

    Run from data migrations (with the historical `apps`), so permissions are created
    first: Django would otherwise only create them after the last migration. Each app
    passes its own mapping (see `role_sync`); accounts' is ROLE_PERMISSIONS above.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in STAFF_ROLES:
        Group.objects.get_or_create(name=role)
    for role, names in (permissions if permissions is not None else ROLE_PERMISSIONS).items():
        group = Group.objects.get(name=role)
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            group.permissions.add(perm)


def role_sync(permissions: dict[str, list[str]]):
    """A RunPython function that adds `permissions` (role -> ["app.codename", ...])."""

    def run(apps, schema_editor):
        sync_roles(apps, schema_editor, permissions)

    return run
