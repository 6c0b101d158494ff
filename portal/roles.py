"""What each staff role may do, for every app: the one role -> permission table.

After every `migrate` (post_migrate) each role's group is brought to exactly this table:
missing permissions are added and any other permission is taken away, so a deployment's
`migrate` is all it takes to grant or withdraw a permission. Groups other than the four
roles, and permissions given to a person directly, are left alone.

Model permissions say what kind of thing a role may do; which accounts it may do it for
(a Technical Account Manager: their own) is decided by the staff access helpers
(`accounts/staff_access.py`, `cases/staff_access.py`, `deliverability/staff_access.py`).
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

from accounts import roles

VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")


def _crud(app_label: str, models: str, actions: tuple[str, ...]) -> list[str]:
    return [f"{app_label}.{action}_{model}" for model in models.split() for action in actions]


CALENDARS = "officehourscalendar openingrange holiday officehourschange"
PROGRAMME = "warmupplan migrationphase dailyactual planningsession nextstep trendnote"
REMEDIATION = "remediationrequest remediationstep"
LISTINGS = "checkrun listingstate listingevent"
# Customers' webhook endpoints and their deliveries: theirs to change, staff's to read.
WEBHOOKS = "endpoint delivery"
# What every role that works cases reads on a case page; internal notes and attachments
# are readable only with these permissions (the hotline role has neither).
CASE_READING = [
    *_crud("cases", "case casemessage caseevent attachment", VIEW),
    *_crud("cases", "resolutionagreement outboundmessage slapolicy", VIEW),
    *_crud("cases", "hotlinecall callbackattempt", VIEW),
    *_crud("cases", "incident", VIEW),
    "cases.view_internal_note",
]
# Declaring, linking, updating and resolving platform incidents: agents and managers.
INCIDENT_WORK = _crud("cases", "incident", EDIT)

ROLE_PERMISSIONS: dict[str, list[str]] = {
    roles.TECHNICAL_ACCOUNT_MANAGERS: [
        # Their own accounts only (accounts/staff_access.py); the account's TAM is the
        # managers' to assign, so no new accounts either.
        *_crud("accounts", "account", ("view", "change")),
        *_crud("accounts", "contact", ALL),
        *_crud("accounts", "user", EDIT),
        *_crud("accounts", "accountevent invitation", VIEW),
        *_crud("accounts", CALENDARS, VIEW),
        *_crud("accounts", "oncallshift", VIEW),
        # Single sign-on read only: who signs in as the account's contacts is the managers'
        # to decide (accounts/staff_access.py).
        *_crud("sso", "accountsignon", VIEW),
        # Every case read (oversight); worked on their own accounts (cases/staff_access.py).
        *CASE_READING,
        "cases.change_case",
        *_crud("deliverability", "sendingip sendingdomain", ALL),
        *_crud("deliverability", "blocklist", VIEW),
        *_crud("deliverability", LISTINGS, VIEW),
        *_crud("deliverability", f"{PROGRAMME} {REMEDIATION}", ALL),
        "inbound.view_inboundmessage",
        # Their own accounts' endpoints and deliveries (webhooks/admin.py), read only.
        *_crud("webhooks", WEBHOOKS, VIEW),
        # Their own accounts' contacts' tokens, to revoke (api/staff_access.py).
        *_crud("api", "apitoken", ("view", "change")),
    ],
    roles.SUPPORT_AGENTS: [
        *_crud("accounts", "account contact user", VIEW),
        *_crud("accounts", CALENDARS, VIEW),
        *_crud("accounts", "oncallshift", VIEW),
        *CASE_READING,
        "cases.change_case",
        "cases.add_callbackattempt",
        *INCIDENT_WORK,
        *_crud("deliverability", "sendingip sendingdomain", EDIT),
        *_crud("deliverability", "blocklist", VIEW),
        *_crud("deliverability", LISTINGS, VIEW),
        *_crud("deliverability", PROGRAMME, VIEW),
        *_crud("deliverability", REMEDIATION, EDIT),
        *_crud("inbound", "inboundmessage", ("view", "change")),
        *_crud("availability", "probe proberesult outage", VIEW),
    ],
    roles.CUSTOMER_SERVICE: [
        *_crud("accounts", "account contact user", VIEW),
        *_crud("accounts", "oncallshift", VIEW),
        # The case itself and its events, not its internal notes or attachments.
        *_crud("cases", "case caseevent slapolicy", VIEW),
        *_crud("cases", "hotlinecall", ("view", "add")),
        # The active incidents, shown at intake.
        *_crud("cases", "incident", VIEW),
        *_crud("cases", "callbackattempt", VIEW),
        *_crud("deliverability", "sendingip sendingdomain blocklist listingstate", VIEW),
        *_crud("deliverability", "remediationrequest", VIEW),
    ],
    roles.SUPPORT_MANAGERS: [
        *_crud("accounts", f"account contact {CALENDARS} oncallshift", ALL),
        *_crud("accounts", "user", EDIT),
        *_crud("sso", "accountsignon", EDIT),
        *_crud("accounts", "accountevent invitation", VIEW),
        *CASE_READING,
        "cases.change_case",
        "cases.add_callbackattempt",
        "cases.add_hotlinecall",
        *INCIDENT_WORK,
        *_crud("cases", "slapolicy", ALL),
        *_crud("cases", "slanotice", VIEW),
        "core.view_outboxtask",
        *_crud("deliverability", "sendingip sendingdomain", ALL),
        *_crud("deliverability", "blocklist", EDIT),
        *_crud("deliverability", LISTINGS, VIEW),
        *_crud("deliverability", f"{PROGRAMME} {REMEDIATION}", ALL),
        *_crud("inbound", "inboundmessage", ("view", "change")),
        *_crud("inbound", "accessreply mailboxstatus", VIEW),
        # Probes configured; their results and outages are the record, never edited.
        *_crud("availability", "probe", EDIT),
        *_crud("availability", "proberesult outage", VIEW),
        # Sign-in lockouts: seen, and lifted by deleting the attempts; authenticators:
        # who has one (never the secret), and a lost one reset.
        *_crud("axes", "accessattempt", ("view", "delete")),
        *_crud("axes", "accesslog accessfailurelog", VIEW),
        *_crud("signin", "authenticator", ("view", "delete")),
        *_crud("webhooks", WEBHOOKS, VIEW),
        # Staff tokens for the vendor's integrations, made here; every token revoked.
        *_crud("api", "apitoken", EDIT),
    ],
}


def sync_role_permissions(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Create the role groups and give each exactly its permissions from the table.

    Returns {role: (added, removed)} with the "app.codename" names that changed. A name
    whose model is not migrated yet is skipped; it is given by the migrate that adds it.
    """
    from django.contrib.auth.management import create_permissions

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # Django creates each app's permissions after that app's own post_migrate; create
    # them all first, so the table can be applied in one go.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    by_name = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in Permission.objects.using(using).values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    names = {pk: name for name, pk in by_name.items()}
    changes = {}
    for role in roles.STAFF_ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = {by_name[name] for name in ROLE_PERMISSIONS.get(role, ()) if name in by_name}
        held = set(group.permissions.values_list("pk", flat=True))
        added, removed = wanted - held, held - wanted
        if added:
            group.permissions.add(*added)
        if removed:
            group.permissions.remove(*removed)
        changes[role] = (sorted(names[pk] for pk in added), sorted(names[pk] for pk in removed))
    return changes


def sync_after_migrate(sender, app_config, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs):
    """post_migrate receiver: once per `migrate`, after the last app's signal."""
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if not with_models or app_config.label != with_models[-1].label:
        return
    try:
        apps.get_model("auth", "Group")
    except LookupError:  # auth is not migrated (yet) in this state
        return
    sync_role_permissions(apps=apps, using=using)
