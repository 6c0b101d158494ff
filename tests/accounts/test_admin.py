"""The staff's workplace in the admin: accounts, users with roles, calendars."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from accounts.models import OfficeHoursCalendar
from tests.factories import AccountFactory, StaffFactory
from tests.html import texts

pytestmark = pytest.mark.django_db


def test_each_staff_role_exists_with_permissions():
    groups = {g.name: g for g in Group.objects.prefetch_related("permissions")}
    assert set(roles.STAFF_ROLES) <= set(groups)
    perms = {name: {p.codename for p in g.permissions.all()} for name, g in groups.items()}
    assert "change_account" in perms[roles.TECHNICAL_ACCOUNT_MANAGERS]
    assert "change_account" not in perms[roles.SUPPORT_AGENTS]
    assert "view_account" in perms[roles.CUSTOMER_SERVICE]
    assert "change_officehourscalendar" in perms[roles.SUPPORT_MANAGERS]
    assert "change_officehourscalendar" not in perms[roles.TECHNICAL_ACCOUNT_MANAGERS]


def test_a_tam_opens_my_accounts_by_default(client, tam_a, account_a, account_b):
    client.force_login(tam_a)
    url = reverse("admin:accounts_account_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].endswith("?tam=mine")
    mine = texts(client.get(url + "?tam=mine").content, "#result_list tbody th")
    assert account_a.name in mine
    assert account_b.name not in mine
    assert account_b.name in texts(client.get(url + "?tam=all").content, "#result_list tbody th")


def test_the_account_changelist_runs_a_fixed_number_of_queries(
    client, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse("admin:accounts_account_changelist")
    AccountFactory.create_batch(3)
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    AccountFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    "role", [roles.SUPPORT_AGENTS, roles.CUSTOMER_SERVICE, roles.TECHNICAL_ACCOUNT_MANAGERS]
)
def test_staff_can_look_up_accounts_but_customers_cannot_enter_the_admin(
    client, role, account_a, customer_a
):
    staff = StaffFactory(role=role)
    client.force_login(staff)
    url = reverse("admin:accounts_account_change", args=[account_a.pk])
    assert client.get(url).status_code == 200
    client.force_login(customer_a)
    assert client.get(url).status_code == 302  # to the admin login


def test_a_manager_edits_a_calendar_with_a_vendor_change(client, manager):
    client.force_login(manager)
    calendar = OfficeHoursCalendar.objects.create(name="Test", time_zone="Europe/Amsterdam")
    url = reverse("admin:accounts_officehourscalendar_change", args=[calendar.pk])
    data = {
        "name": "Test",
        "time_zone": "Europe/Amsterdam",
        "opening_ranges-TOTAL_FORMS": "1",
        "opening_ranges-INITIAL_FORMS": "0",
        "opening_ranges-0-weekday": "0",
        "opening_ranges-0-opens": "09:00",
        "opening_ranges-0-closes": "17:00",
        "holidays-TOTAL_FORMS": "0",
        "holidays-INITIAL_FORMS": "0",
        "changes-TOTAL_FORMS": "1",
        "changes-INITIAL_FORMS": "0",
        "changes-0-kind": "shortened",
        "changes-0-starts_on": "2026-12-24",
        "changes-0-ends_on": "2026-12-24",
        "changes-0-opens": "09:00",
        "changes-0-closes": "",
        "changes-0-note": "Christmas Eve",
    }
    response = client.post(url, data)
    # A shortened day without a closing time is refused with a sentence on that field.
    assert response.status_code == 200
    assert "Give the closing time on the changed days." in texts(response.content, ".errorlist li")
    assert calendar.changes.count() == 0
    data["changes-0-closes"] = "15:00"
    assert client.post(url, data).status_code == 302
    assert calendar.changes.get().closes.hour == 15
    assert calendar.opening_ranges.get().weekday == 0


def test_an_opening_range_that_closes_before_it_opens_is_refused(client, manager):
    client.force_login(manager)
    calendar = OfficeHoursCalendar.objects.create(name="Test", time_zone="Europe/Amsterdam")
    url = reverse("admin:accounts_officehourscalendar_change", args=[calendar.pk])
    response = client.post(
        url,
        {
            "name": "Test",
            "time_zone": "Europe/Amsterdam",
            "opening_ranges-TOTAL_FORMS": "1",
            "opening_ranges-INITIAL_FORMS": "0",
            "opening_ranges-0-weekday": "0",
            "opening_ranges-0-opens": "17:00",
            "opening_ranges-0-closes": "09:00",
            "holidays-TOTAL_FORMS": "0",
            "holidays-INITIAL_FORMS": "0",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "The closing time must be after the opening time." in texts(
        response.content, ".errorlist li"
    )
    assert not calendar.opening_ranges.exists()


@pytest.mark.parametrize("value", ["9" * 30, "²", "-1"])
def test_the_tam_filter_ignores_an_id_no_column_can_hold(admin_client, value):
    # A huge number overflowed SQLite's integer and answered 500.
    response = admin_client.get("/admin/accounts/account/", {"tam": value})
    assert response.status_code == 200
