"""A reply by mail on the customer's case page and in the admin; the quarantine in the
admin (reason, raw message, fixed query count) and its actions, recorded."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import roles
from cases.inbound.models import InboundMessage, Outcome
from cases.inbound.services import ingest
from cases.models import CaseMessage
from tests.factories import StaffFactory

from .conftest import OUR_NOTIFICATION, corpus_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inbound_inboundmessage_changelist")


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def stranger_mail(n: int) -> bytes:
    return (
        f"From: Someone {n} <someone{n}@elsewhere.example>\r\nTo: support@example.com\r\n"
        f"Subject: Question {n} about [EE-000123]\r\nMessage-ID: <s{n}@elsewhere.example>\r\n"
        f"\r\nPlease help with {n}.\r\n"
    ).encode()


def test_a_reply_sent_by_mail_appears_on_the_customers_case_page_and_in_the_admin(world):
    ingest(corpus_bytes("gmail-reply.eml"))
    body = CaseMessage.objects.get(channel="email").body
    line = body.strip().splitlines()[0]
    page = signed_in(world.anna).get(reverse("case_detail", args=["EE-000123"]))
    assert page.status_code == 200
    assert line in page.content.decode()
    admin_page = signed_in(world.agent).get(
        reverse("admin:cases_case_change", args=[world.cases[123].pk])
    )
    assert admin_page.status_code == 200
    assert line in admin_page.content.decode()


def test_a_delivery_failure_shows_on_the_cases_admin_page(world, notification):
    notification(OUR_NOTIFICATION, 123)
    row = ingest(corpus_bytes("dsn-bounce.eml"))
    assert row.outcome == Outcome.DELIVERY_FAILURE
    url = reverse("admin:cases_case_change", args=[world.cases[123].pk])
    page = signed_in(world.agent).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Delivery failures" in text
    assert "jeroen.old@acme.example" in text and "5.1.1" in text
    assert reverse("admin:inbound_inboundmessage_change", args=[row.pk]) in text
    # Only the case the report is about shows it.
    other = signed_in(world.agent).get(
        reverse("admin:cases_case_change", args=[world.cases[124].pk])
    )
    assert "jeroen.old@acme.example" not in other.content.decode()


def test_another_accounts_contact_never_sees_the_mailed_reply(world):
    ingest(corpus_bytes("gmail-reply.eml"))
    page = signed_in(world.nick).get(reverse("case_detail", args=["EE-000123"]))
    assert page.status_code == 404


def test_the_quarantine_shows_each_message_with_its_reason(world):
    ingest(corpus_bytes("stranger-quoting-reference.eml"))
    page = signed_in(world.agent).get(CHANGELIST, {"outcome__exact": "quarantined"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "mallory@evil.example is not a contact of the account" in text


def test_the_quarantine_list_runs_a_fixed_number_of_queries(world, django_assert_num_queries):
    client = signed_in(world.agent)
    for n in range(3):
        ingest(stranger_mail(n))
    client.get(CHANGELIST)  # warm the session and content types
    with CaptureQueriesContext(connection) as three:
        assert client.get(CHANGELIST).status_code == 200
    for n in range(3, 23):
        ingest(stranger_mail(n))
    with django_assert_num_queries(len(three.captured_queries)):
        assert client.get(CHANGELIST).status_code == 200


def test_staff_see_the_raw_message_and_the_full_original_text(world):
    row = ingest(corpus_bytes("gmail-reply.eml"))
    page = signed_in(world.agent).get(reverse("admin:inbound_inboundmessage_change", args=[row.pk]))
    text = page.content.decode()
    assert "Message-ID: &lt;CAHx7mQ3rVb+8KpL2wD0uZ9aF@mail.gmail.com&gt;" in text
    assert row.full_text.splitlines()[-1].strip()[:20] in text


def test_customers_and_representatives_cannot_open_the_quarantine(world):
    representative = StaffFactory(role=roles.CUSTOMER_SERVICE)
    assert signed_in(world.anna).get(CHANGELIST).status_code == 302
    assert signed_in(representative).get(CHANGELIST).status_code == 403


def settle(client, row, action, **data):
    url = reverse("admin:inbound_inboundmessage_settle", args=[row.pk, action])
    return client.post(url, data, follow=True)


def test_staff_open_a_case_from_a_quarantined_message_for_a_contact_they_choose(world):
    row = ingest(corpus_bytes("iso-2022-jp-body.eml"))
    assert row.outcome == Outcome.QUARANTINED
    settle(signed_in(world.agent), row, "open", contact_email="jeroen@acme.example")
    row.refresh_from_db()
    assert row.outcome == Outcome.OPENED and row.case.requester == world.jeroen
    assert (row.settled_by, row.case.channel) == (world.agent, "email")
    assert "opened by sam.agent@example.com" in row.reason


def test_staff_attach_a_quarantined_message_to_a_case(world):
    row = ingest(corpus_bytes("out-of-office-nl.eml"))
    settle(signed_in(world.agent), row, "attach", case_reference="ee-000126")
    row.refresh_from_db()
    assert row.outcome == Outcome.POSTED
    assert row.case_message.case == world.cases[126]
    assert row.case_message.author == world.anna


def test_attaching_a_strangers_mail_to_a_case_needs_a_contact_of_that_account(world):
    row = ingest(corpus_bytes("stranger-quoting-reference.eml"))
    page = settle(signed_in(world.agent), row, "attach", case_reference="EE-000123")
    assert "is not a contact of any account" in page.content.decode()
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED
    page = settle(
        signed_in(world.agent),
        row,
        "attach",
        case_reference="EE-000123",
        contact_email="nick@northwind.example",
    )
    assert "is not a contact of the account of case EE-000123" in page.content.decode()
    assert InboundMessage.objects.get(pk=row.pk).outcome == Outcome.QUARANTINED


def test_a_discard_is_recorded_with_who_and_when(world):
    row = ingest(corpus_bytes("mailing-list.eml"))
    settle(signed_in(world.agent), row, "discard")
    row.refresh_from_db()
    assert (row.outcome, row.settled_by) == (Outcome.DISCARDED, world.agent)
    assert row.settled_at is not None
    # Settled once: a second action is refused with a sentence.
    page = settle(signed_in(world.agent), row, "discard")
    assert "no longer in quarantine" in page.content.decode()


def test_a_tam_may_look_but_not_settle(world):
    tam = StaffFactory(role=roles.TECHNICAL_ACCOUNT_MANAGERS)
    row = ingest(corpus_bytes("mailing-list.eml"))
    client = signed_in(tam)
    assert (
        client.get(reverse("admin:inbound_inboundmessage_change", args=[row.pk])).status_code == 200
    )
    assert settle(client, row, "discard").status_code == 403
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED
