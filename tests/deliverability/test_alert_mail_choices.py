"""A contact who turned blocklist alerts off is not mailed them; the others still are."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import Contact
from deliverability.blocklists import services
from deliverability.models import CheckRun
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

LISTED_A = {"10.2.0.192.zen.spamhaus.org": ["127.0.0.2"]}


def test_blocklist_alerts_go_to_the_contacts_who_take_them(
    dns_zones, ip_a, customer_a, account_a, client_a, django_capture_on_commit_callbacks
):
    quiet = ContactFactory(
        account=account_a, role=Contact.Role.TECHNICAL, user__email="q@alpha.example"
    )
    response = client_a.post(
        reverse("accounts:team_contact", args=[quiet.pk]), {"mail-case_mail": "own"}
    )
    assert response.status_code == 302
    quiet.refresh_from_db()
    assert quiet.blocklist_alerts is False

    dns_zones(LISTED_A)
    with (
        time_machine.travel("2026-11-26 12:00Z"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.run_start(trigger=CheckRun.Trigger.SCHEDULE)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer_a.email, account_a.tam.email])
