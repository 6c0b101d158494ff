"""Sign-in throttling through the real sign-in pages: a login or a client address that
fails too often is locked out for the cool-off, with a sentence saying until when."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD
from tests.html import text

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
ATTACKER = "203.0.113.7"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def attempt(client, username, password, *, url=LOGIN, ip=ATTACKER, **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def fail(client, username, times, **kwargs):
    for _ in range(times):
        response = attempt(client, username, "not-the-password", **kwargs)
        assert response.status_code == 200
        assert text(response, "[data-testid=sign-in-error]").startswith("Please enter a correct")


def test_a_login_that_fails_too_often_is_locked_out_even_with_the_right_password(customer_a):
    client = Client()
    with time_machine.travel(T0, tick=False):
        fail(client, customer_a.email, 2)
        locked = attempt(client, customer_a.email, "not-the-password")
        assert locked.status_code == 429
        assert text(locked, "[data-testid=sign-in-error]") == (
            "Too many failed sign-ins with this address or from your network. "
            "You can try again at 09:15 (UTC), in 15 minutes."
        )
        refused = attempt(client, customer_a.email, PASSWORD)
        assert refused.status_code == 429
        assert "_auth_user_id" not in client.session
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        later = attempt(client, customer_a.email, PASSWORD)
        assert later.status_code == 429
        assert "in 1 minute." in text(later, "[data-testid=sign-in-error]")
    with time_machine.travel(T0 + timedelta(minutes=15, seconds=1), tick=False):
        response = attempt(client, customer_a.email, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(customer_a.pk)


def test_the_login_is_counted_in_any_letter_case_and_from_any_address(customer_a):
    with time_machine.travel(T0, tick=False):
        fail(Client(), customer_a.email.upper(), 1, ip="198.51.100.1")
        fail(Client(), " Alice@Alpha.Example ", 1, ip="198.51.100.2")
        locked = attempt(Client(), customer_a.email, "wrong", ip="198.51.100.3")
        assert locked.status_code == 429
        # The attacker's address is not locked: another person there still signs in.
        assert AccessAttempt.objects.filter(username=customer_a.email).count() == 3


def test_an_address_that_fails_too_often_is_locked_out_for_every_login(customer_a, customer_b):
    client = Client()
    with time_machine.travel(T0, tick=False):
        fail(client, "nobody@nowhere.example", 1)
        fail(client, "somebody@nowhere.example", 1)
        assert attempt(client, "third@nowhere.example", "wrong").status_code == 429
        # From that address even a right password is refused; elsewhere it works.
        assert attempt(client, customer_b.email, PASSWORD).status_code == 429
        assert attempt(Client(), customer_b.email, PASSWORD, ip="192.0.2.44").status_code == 302


def test_a_forwarded_for_header_does_not_move_the_client_out_of_its_lockout(customer_a):
    client = Client()
    with time_machine.travel(T0, tick=False):
        for n in range(3):
            attempt(client, f"guess{n}@x.example", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        response = attempt(client, customer_a.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
        assert response.status_code == 429
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_a_trusted_proxy_the_address_the_proxy_saw_counts(settings, customer_a):
    settings.BEHIND_TLS_PROXY = True
    proxy = "10.1.1.1"
    client = Client()
    with time_machine.travel(T0, tick=False):
        for n in range(3):
            # The client wrote the left part; the proxy appended the address it saw.
            attempt(
                client,
                f"g{n}@x.example",
                "wrong",
                ip=proxy,
                HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, {ATTACKER}",
            )
        assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
        other = attempt(
            client, customer_a.email, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="192.0.2.9"
        )
        assert other.status_code == 302


def test_the_staff_admin_sign_in_is_throttled_too(manager):
    client = Client()
    with time_machine.travel(T0, tick=False):
        for _ in range(2):
            response = attempt(client, manager.email, "wrong", url=ADMIN_LOGIN)
            assert response.status_code == 200
        assert attempt(client, manager.email, "wrong", url=ADMIN_LOGIN).status_code == 429
        locked = attempt(client, manager.email, PASSWORD, url=ADMIN_LOGIN)
        assert locked.status_code == 429
        assert text(locked, ".errornote").startswith(
            "Too many failed sign-ins with this address or from your network."
        )
        assert "_auth_user_id" not in client.session


def test_the_sentence_is_in_dutch_for_a_dutch_reader(customer_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            response = attempt(client, customer_a.email, "wrong")
        assert response.status_code == 429
        assert text(response, "[data-testid=sign-in-error]") == (
            "Te veel mislukte aanmeldpogingen met dit adres of vanaf uw netwerk. "
            "U kunt het om 09:15 (UTC) opnieuw proberen, over 15 minuten."
        )


def test_a_support_manager_sees_the_lockout_and_unlocks_it_in_the_admin(customer_a, manager):
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            attempt(Client(), customer_a.email, "wrong", ip="192.0.2.1")
        staff = Client()
        staff.force_login(manager)
        changelist = reverse("admin:axes_accessattempt_changelist")
        page = staff.get(changelist)
        assert page.status_code == 200
        assert text(page, ".field-username") == customer_a.email
        ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
        confirm = staff.post(changelist, {"action": "delete_selected", "_selected_action": ids})
        assert confirm.status_code == 200
        done = staff.post(
            changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
        )
        assert done.status_code == 302
        assert not AccessAttempt.objects.exists()
        assert attempt(Client(), customer_a.email, PASSWORD, ip="192.0.2.1").status_code == 302


def test_other_staff_roles_cannot_open_the_lockouts(agent):
    staff = Client()
    staff.force_login(agent)
    assert staff.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
