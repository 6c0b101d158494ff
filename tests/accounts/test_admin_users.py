"""Who may change whom in the admin: roles and superuser status are guarded."""

import pytest
from django.urls import reverse

from accounts import roles
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def user_form(user, **overrides):
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "time_zone": user.time_zone,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00",
    }
    data.update(overrides)
    return data


def test_a_tam_cannot_make_themselves_superuser(client, tam_a):
    client.force_login(tam_a)
    response = client.post(
        change_url(tam_a), user_form(tam_a, is_superuser="on", is_staff="on", full_name="X")
    )
    assert response.status_code == 403  # a TAM changes customer logins, not staff ones
    tam_a.refresh_from_db()
    assert not tam_a.is_superuser


def test_a_tam_cannot_change_a_superusers_password(client, tam_a):
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    old = root.password
    client.force_login(tam_a)
    url = reverse("admin:auth_user_password_change", args=[root.pk])
    response = client.post(
        url, {"password1": "a-takeover-pass-1", "password2": "a-takeover-pass-1"}
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.password == old


def test_a_tam_cannot_give_another_staff_member_a_role(client, tam_a, agent):
    client.force_login(tam_a)
    managers = agent.groups.model.objects.get(name=roles.SUPPORT_MANAGERS)
    response = client.post(change_url(agent), user_form(agent, groups=[managers.pk]))
    assert response.status_code == 403
    assert not agent.groups.filter(name=roles.SUPPORT_MANAGERS).exists()


def test_a_tam_edits_a_customer_login_but_sees_roles_read_only(client, tam_a, customer_a):
    client.force_login(tam_a)
    response = client.post(
        change_url(customer_a), user_form(customer_a, full_name="Alice Renamed", is_staff="on")
    )
    assert response.status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.full_name == "Alice Renamed"
    assert not customer_a.is_staff


def test_a_manager_gives_roles_but_cannot_make_superusers(client, manager, agent):
    client.force_login(manager)
    tams = agent.groups.model.objects.get(name=roles.TECHNICAL_ACCOUNT_MANAGERS)
    response = client.post(
        change_url(agent),
        user_form(agent, is_staff="on", groups=[tams.pk], is_superuser="on"),
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.groups.filter(name=roles.TECHNICAL_ACCOUNT_MANAGERS).exists()
    assert not agent.is_superuser


def test_a_manager_cannot_delete_a_superuser(client, manager):
    root = StaffFactory(email="root@example.com", is_superuser=True)
    client.force_login(manager)
    response = client.post(reverse("admin:accounts_user_delete", args=[root.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(root).objects.filter(pk=root.pk).exists()


def test_a_manager_cannot_make_a_customers_login_staff_to_set_its_password(
    client, manager, customer_a
):
    # Staff, a password set, staff no more: that would have been the customer's password.
    client.force_login(manager)
    response = client.post(change_url(customer_a), user_form(customer_a, is_staff="on"))
    assert response.status_code == 302
    customer_a.refresh_from_db()
    assert not customer_a.is_staff
    password = reverse("admin:auth_user_password_change", args=[customer_a.pk])
    assert client.get(password).status_code == 403


def test_a_staff_login_stays_staff_so_its_password_never_becomes_a_customers(
    client, manager, agent
):
    client.force_login(manager)
    form = {k: v for k, v in user_form(agent).items() if k != "is_staff"}
    assert client.post(change_url(agent), form).status_code == 302
    agent.refresh_from_db()
    assert agent.is_staff


def test_a_manager_makes_a_new_login_of_no_account_staff(client, manager):
    login = UserFactory(email="new.colleague@example.com")
    client.force_login(manager)
    response = client.post(change_url(login), user_form(login, is_staff="on"))
    assert response.status_code == 302
    login.refresh_from_db()
    assert login.is_staff
