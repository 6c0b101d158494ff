"""Staff roles: Django groups with the model permissions each needs.

Each app that adds models lists their permissions here and syncs them from a data
migration that calls `sync_roles`, so a fresh database and an old one end up equal.
"""

TECHNICAL_ACCOUNT_MANAGERS = "Technical Account Managers"
SUPPORT_AGENTS = "Support Agents"
CUSTOMER_SERVICE = "Customer Service"
SUPPORT_MANAGERS = "Support Managers"

STAFF_ROLES = (TECHNICAL_ACCOUNT_MANAGERS, SUPPORT_AGENTS, CUSTOMER_SERVICE, SUPPORT_MANAGERS)


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


def sync_roles(apps, schema_editor=None) -> None:
    """Create the role groups and give each exactly the permissions listed above.

    Run from data migrations (with the historical `apps`), so permissions are created
    first: Django would otherwise only create them after the last migration.
    """
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for name in names:
            app_label, codename = name.split(".")
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:  # models of later migrations get theirs when they sync
                wanted.append(perm)
        group.permissions.set(wanted)
