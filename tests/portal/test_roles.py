"""The staff roles hold exactly the permissions of the one table in portal/roles.py, and
`migrate` brings every group back to it: missing permissions added, others taken away."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from accounts import roles
from portal.roles import ROLE_PERMISSIONS, sync_role_permissions

pytestmark = pytest.mark.django_db


def held(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_every_name_in_the_table_is_a_permission_that_exists():
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for role, names in ROLE_PERMISSIONS.items():
        assert set(names) <= existing, (role, set(names) - existing)


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_after_migrate_each_role_holds_exactly_its_table(role):
    assert held(role) == set(ROLE_PERMISSIONS[role])


def test_migrate_takes_away_a_permission_the_table_no_longer_gives():
    tams = Group.objects.get(name=roles.TECHNICAL_ACCOUNT_MANAGERS)
    stray = Permission.objects.get(codename="add_account", content_type__app_label="accounts")
    tams.permissions.add(stray)
    missing = Permission.objects.get(codename="change_case", content_type__app_label="cases")
    tams.permissions.remove(missing)
    call_command("migrate", verbosity=0)
    assert "accounts.add_account" not in held(roles.TECHNICAL_ACCOUNT_MANAGERS)
    assert "cases.change_case" in held(roles.TECHNICAL_ACCOUNT_MANAGERS)


def test_the_sync_reports_what_it_changed_and_then_nothing():
    Group.objects.get(name=roles.CUSTOMER_SERVICE).permissions.add(
        Permission.objects.get(codename="view_attachment", content_type__app_label="cases")
    )
    changes = sync_role_permissions()
    assert changes[roles.CUSTOMER_SERVICE] == ([], ["cases.view_attachment"])
    assert all(change == ([], []) for change in sync_role_permissions().values())


def test_a_group_outside_the_roles_and_a_persons_own_permissions_are_left_alone(agent):
    extra = Group.objects.create(name="Auditors")
    view = Permission.objects.get(codename="view_slanotice", content_type__app_label="cases")
    extra.permissions.add(view)
    agent.user_permissions.add(view)
    sync_role_permissions()
    assert list(extra.permissions.all()) == [view]
    assert list(agent.user_permissions.all()) == [view]


def test_the_hotline_role_reads_neither_internal_notes_nor_attachments():
    names = set(ROLE_PERMISSIONS[roles.CUSTOMER_SERVICE])
    assert "cases.view_internal_note" not in names
    assert "cases.view_attachment" not in names
    for role in (roles.SUPPORT_AGENTS, roles.TECHNICAL_ACCOUNT_MANAGERS, roles.SUPPORT_MANAGERS):
        assert {"cases.view_internal_note", "cases.view_attachment"} <= set(ROLE_PERMISSIONS[role])


def test_only_managers_add_accounts():
    assert [r for r, names in ROLE_PERMISSIONS.items() if "accounts.add_account" in names] == [
        roles.SUPPORT_MANAGERS
    ]
