"""The second factor, through HTTP as people use it: staff set up an authenticator before
the admin opens, type its code at each sign-in, use a backup code once; customers may turn
it on; a Support Manager resets a lost one."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.signin import services
from tests.factories import PASSWORD, StaffFactory
from tests.html import select, text, texts

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
ADMIN = "/admin/"
VERIFY = reverse("signin:verify")
SETUP = reverse("signin:setup")
CODES = reverse("signin:backup_codes")


@pytest.fixture(autouse=True)
def _required(settings):
    settings.STAFF_MFA_REQUIRED = True


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def code_for(device: TOTPDevice, *, at_offset: int = 0) -> str:
    """The code the person's app shows now, computed from the device's secret."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + at_offset
    return f"{totp.token():06d}"


def password_sign_in(client, user, url="/admin/login/"):
    response = client.post(url, {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def with_authenticator(user) -> TOTPDevice:
    device = services.second_factor_start(user=user)
    services.second_factor_confirm(user=user, device=device)
    return device


def test_staff_without_an_authenticator_set_one_up_before_the_admin_opens(clock, manager):
    client = Client()
    password_sign_in(client, manager)
    assert client.get(ADMIN)["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get(f"{VERIFY}?next=/admin/")["Location"] == f"{SETUP}?next=%2Fadmin%2F"
    page = client.get(f"{SETUP}?next=/admin/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=manager)
    assert not device.confirmed
    assert text(page, "[data-testid=secret]").replace(" ", "") in device.config_url
    assert [el.tag for el in select(page.content, "[data-testid=qr-code] > *")] == ["svg"]

    wrong = client.post(SETUP, {"code": "000000", "next": "/admin/"})
    assert wrong.status_code == 400
    clock.shift(timedelta(seconds=31))
    done = client.post(SETUP, {"code": code_for(device), "next": "/admin/"})
    assert done["Location"] == f"{CODES}?next=%2Fadmin%2F"

    shown = client.get(done["Location"])
    codes = texts(shown, "[data-testid=backup-code]")
    assert len(codes) == 10
    assert sorted(codes) == sorted(StaticToken.objects.values_list("token", flat=True))
    again = client.get(done["Location"])
    assert texts(again, "[data-testid=backup-code]") == []
    assert text(again, "[data-testid=codes-shown]").startswith(
        "Your backup codes were shown when they were made"
    )
    admin = client.get(ADMIN)
    assert admin.status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_staff_type_the_code_at_every_sign_in(clock, agent):
    device = with_authenticator(agent)
    client = Client()
    password_sign_in(client, agent)
    assert client.get(ADMIN)["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    before = client.session.session_key

    wrong = client.post(VERIFY, {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 400
    assert text(wrong, "#error_1_id_code") == (
        "That code is not right. Type the code your app shows now; it changes every 30 seconds."
    )
    clock.shift(timedelta(seconds=2))
    right = client.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert right["Location"] == ADMIN
    assert client.session.session_key != before
    assert client.get(ADMIN).status_code == 200

    # The same code does not open a second session.
    other = Client()
    password_sign_in(other, agent)
    replay = other.post(VERIFY, {"code": code_for(device), "next": "/admin/"})
    assert replay.status_code == 400


def test_a_backup_code_signs_in_once(clock, agent):
    with_authenticator(agent)
    code = StaticToken.objects.filter(device__user=agent).first().token
    client = Client()
    password_sign_in(client, agent)
    assert client.post(VERIFY, {"code": f" {code.upper()} "})["Location"] == ADMIN
    other = Client()
    password_sign_in(other, agent)
    clock.shift(timedelta(minutes=1))
    assert other.post(VERIFY, {"code": code}).status_code == 400
    assert StaticToken.objects.filter(device__user=agent).count() == 9


def test_wrong_codes_slow_down_with_a_sentence(clock, agent):
    device = with_authenticator(agent)
    client = Client()
    password_sign_in(client, agent)
    client.post(VERIFY, {"code": "111111"})
    refused = client.post(VERIFY, {"code": code_for(device)})
    assert refused.status_code == 429
    assert text(refused, "#error_1_id_code") == (
        "Too many wrong codes. You can try again at 10:00:01."  # the agent reads Amsterdam time
    )
    clock.shift(timedelta(seconds=2))
    assert client.post(VERIFY, {"code": code_for(device)})["Location"] == ADMIN


def test_between_password_and_code_no_other_page_opens(clock, agent, client_a):
    with_authenticator(agent)
    client = Client()
    password_sign_in(client, agent, url="/accounts/login/")
    for url in [ADMIN, reverse("admin:cases_case_changelist"), reverse("home"), "/profile-x/"]:
        assert client.get(url)["Location"].startswith(f"{VERIFY}?next=")
    # Nor may a new authenticator be set up: only the code opens the door.
    assert client.get(SETUP)["Location"].startswith(f"{VERIFY}?next=")
    assert client.post(reverse("signin:remove"))["Location"].startswith(f"{VERIFY}?next=")
    assert TOTPDevice.objects.filter(user=agent).count() == 1


def test_with_the_requirement_off_staff_without_an_authenticator_reach_the_admin(settings, agent):
    settings.STAFF_MFA_REQUIRED = False
    client = Client()
    password_sign_in(client, agent)
    assert client.get(ADMIN).status_code == 200


def test_the_requirement_is_on_by_default_when_debug_is_off():
    from portal import settings as project_settings

    assert project_settings.STAFF_MFA_REQUIRED is (not project_settings.DEBUG)


def test_a_customer_turns_it_on_from_the_profile_and_is_asked_at_the_next_sign_in(
    clock, customer_a
):
    client = Client()
    password_sign_in(client, customer_a, url="/accounts/login/")
    profile = client.get(reverse("accounts:profile"))
    assert text(profile, "[data-testid=second-factor]").startswith("Two-step sign-in Off:")
    client.get(f"{SETUP}?next=/me/profile/")
    device = TOTPDevice.objects.get(user=customer_a)
    done = client.post(SETUP, {"code": code_for(device), "next": "/me/profile/"})
    assert done["Location"] == f"{CODES}?next=%2Fme%2Fprofile%2F"
    assert text(client.get(reverse("accounts:profile")), "[data-testid=second-factor]").startswith(
        "Two-step sign-in On:"
    )

    later = Client()
    password_sign_in(later, customer_a, url="/accounts/login/")
    assert later.get(reverse("home"))["Location"] == f"{VERIFY}?next=%2F"
    clock.shift(timedelta(seconds=31))
    assert later.post(VERIFY, {"code": code_for(device), "next": "/"})["Location"] == "/"
    assert later.get(reverse("home")).status_code == 200


def test_a_customer_turns_it_off_again(clock, customer_a):
    device = with_authenticator(customer_a)
    client = Client()
    password_sign_in(client, customer_a, url="/accounts/login/")
    client.post(VERIFY, {"code": code_for(device)})
    response = client.post(reverse("signin:remove"), follow=True)
    assert text(response, "[data-testid=message]") == (
        "Two-step sign-in is off: you sign in with your password alone."
    )
    assert not TOTPDevice.objects.filter(user=customer_a).exists()
    later = Client()
    password_sign_in(later, customer_a, url="/accounts/login/")
    assert later.get(reverse("home")).status_code == 200


def test_staff_cannot_turn_it_off_while_it_is_required(clock, agent):
    device = with_authenticator(agent)
    client = Client()
    password_sign_in(client, agent)
    client.post(VERIFY, {"code": code_for(device)})
    client.post(reverse("signin:remove"))
    assert TOTPDevice.objects.filter(user=agent).exists()


def test_a_support_manager_resets_a_lost_authenticator_in_the_admin(clock, manager, agent):
    with_authenticator(agent)
    manager_device = with_authenticator(manager)
    staff = Client()
    password_sign_in(staff, manager)
    staff.post(VERIFY, {"code": code_for(manager_device)})
    changelist = reverse("admin:signin_authenticator_changelist")
    page = staff.get(changelist)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=agent)
    assert device.key not in page.content.decode()
    response = staff.post(
        changelist,
        {"action": "reset_second_factor", "_selected_action": [str(device.pk)]},
        follow=True,
    )
    assert text(response, ".success") == f"Second factor reset for: {agent}."
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticToken.objects.filter(device__user=agent).exists()
    # Their next sign-in leads them to set up a new one.
    client = Client()
    password_sign_in(client, agent)
    assert client.get(f"{VERIFY}?next=/admin/")["Location"] == f"{SETUP}?next=%2Fadmin%2F"


def test_a_support_manager_cannot_reset_a_superusers_authenticator(clock, manager):
    root = StaffFactory(email="root@example.com", is_superuser=True)
    device = with_authenticator(root)
    manager_device = with_authenticator(manager)
    staff = Client()
    password_sign_in(staff, manager)
    staff.post(VERIFY, {"code": code_for(manager_device)})
    changelist = reverse("admin:signin_authenticator_changelist")
    response = staff.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [str(device.pk)]}
    )
    assert response.status_code == 403
    delete = reverse("admin:signin_authenticator_delete", args=[device.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_other_roles_do_not_see_the_authenticators(settings, agent):
    settings.STAFF_MFA_REQUIRED = False
    client = Client()
    client.force_login(agent)
    assert client.get(reverse("admin:signin_authenticator_changelist")).status_code == 403


def test_the_admin_site_itself_refuses_staff_without_the_code(rf, agent):
    """Even a request that never met the sign-in middleware gets no admin."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = agent
    assert admin.site.has_permission(request) is False
