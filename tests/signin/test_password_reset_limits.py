"""Password-reset mails are limited per address and per client address, and the page
never tells whether an address belongs to a login."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from accounts.signin.models import PasswordResetRequest
from tests.html import text

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
URL = reverse("password_reset")
DONE = reverse("password_reset_done")
SENT = (
    "If that address belongs to a portal login, a link to choose a new password is on its "
    "way. It works once and expires after a few days."
)


def ask(client, email, ip="198.51.100.4"):
    # The link is mailed by a task queued when the request's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, {"email": email}, REMOTE_ADDR=ip, follow=True)


def test_an_address_gets_at_most_three_links_an_hour_and_the_page_is_the_same(customer_a):
    client = Client()
    with time_machine.travel(T0, tick=False):
        for _ in range(3):
            response = ask(client, customer_a.email)
            assert response.redirect_chain == [(DONE, 302)]
        assert len(mail.outbox) == 3
        held = ask(client, customer_a.email.upper())
    assert held.redirect_chain == [(DONE, 302)]
    assert text(held, "[data-testid=reset-sent]") == SENT
    assert len(mail.outbox) == 3
    assert PasswordResetRequest.objects.filter(mailed=False).count() == 1


def test_an_unknown_address_gets_the_same_page_as_a_known_one(customer_a):
    known = ask(Client(), customer_a.email)
    unknown = ask(Client(), "nobody@nowhere.example")
    assert unknown.redirect_chain == known.redirect_chain == [(DONE, 302)]
    assert (
        text(unknown, "[data-testid=reset-sent]") == text(known, "[data-testid=reset-sent]") == SENT
    )
    assert [m.to for m in mail.outbox] == [[customer_a.email]]


def test_after_an_hour_the_address_gets_a_link_again(customer_a):
    with time_machine.travel(T0, tick=False):
        for _ in range(4):
            ask(Client(), customer_a.email)
    assert len(mail.outbox) == 3
    with time_machine.travel(T0 + timedelta(hours=1, seconds=1), tick=False):
        ask(Client(), customer_a.email)
    assert len(mail.outbox) == 4


def test_one_client_address_is_limited_whatever_addresses_it_asks_for(settings, customer_a):
    settings.PASSWORD_RESET_REQUESTS_PER_IP_PER_HOUR = 5
    with time_machine.travel(T0, tick=False):
        for n in range(5):
            assert ask(Client(), f"guess{n}@alpha.example").redirect_chain == [(DONE, 302)]
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        refused = ask(Client(), customer_a.email)
        assert refused.status_code == 429
        assert text(refused, "[data-testid=reset-error]") == (
            "Too many reset requests from your network. Please try again at 10:00 (UTC)."
        )
        assert mail.outbox == []
        # Another client address is not held back.
        assert ask(Client(), customer_a.email, ip="192.0.2.8").redirect_chain == [(DONE, 302)]
    assert len(mail.outbox) == 1


def test_the_mails_per_address_are_a_setting(settings, customer_a):
    settings.PASSWORD_RESET_MAILS_PER_ADDRESS_PER_HOUR = 1
    ask(Client(), customer_a.email)
    ask(Client(), customer_a.email, ip="192.0.2.9")
    assert len(mail.outbox) == 1


def test_requests_older_than_a_day_are_not_kept(customer_a):
    with time_machine.travel(T0, tick=False):
        ask(Client(), customer_a.email)
    with time_machine.travel(T0 + timedelta(days=1, minutes=1), tick=False):
        ask(Client(), "someone@else.example")
    assert list(PasswordResetRequest.objects.values_list("email", flat=True)) == [
        "someone@else.example"
    ]
