"""A reply by mail on the customer's case page and in the admin; the quarantine in the
admin (reason, raw message, fixed query count) and its actions, recorded."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cases.models import CaseMessage
from inbound.models import InboundMessage, Outcome
from inbound.services import ingest
from tests.factories import StaffFactory

from ..html import absent, attr, one, page, select, text, texts
from .conftest import OUR_NOTIFICATION, corpus_bytes

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inbound_inboundmessage_changelist")
CASE_PAGE_QUERIES = 19  # files attached at filing, the pending update interval proposal


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
    response = signed_in(world.anna).get(reverse("cases:detail", args=["EE-000123"]))
    assert response.status_code == 200
    assert line in text(response.content, "[data-testid=timeline]")
    admin_page = signed_in(world.agent).get(
        reverse("admin:cases_case_change", args=[world.cases[123].pk])
    )
    assert admin_page.status_code == 200
    assert line in text(admin_page.content, "[data-testid=staff-timeline]")


def test_a_delivery_failure_shows_on_the_cases_admin_page(world, notification):
    notification(OUR_NOTIFICATION, 123)
    row = ingest(corpus_bytes("dsn-bounce.eml"))
    assert row.outcome == Outcome.DELIVERY_FAILURE
    url = reverse("admin:cases_case_change", args=[world.cases[123].pk])
    response = signed_in(world.agent).get(url)
    assert response.status_code == 200
    [failures] = [
        g
        for g in select(response.content, ".inline-group")
        if "Delivery failures" in texts(g, "h2")
    ]
    [failure] = [tr for tr in select(failures, "tbody tr") if "jeroen.old@acme.example" in text(tr)]
    assert "5.1.1" in text(failure)
    one(failure, f"a[href='{reverse('admin:inbound_inboundmessage_change', args=[row.pk])}']")
    # Only the case the report is about shows it.
    other = signed_in(world.agent).get(
        reverse("admin:cases_case_change", args=[world.cases[124].pk])
    )
    assert "jeroen.old@acme.example" not in text(other.content)


def test_another_accounts_contact_never_sees_the_mailed_reply(world):
    ingest(corpus_bytes("gmail-reply.eml"))
    page = signed_in(world.nick).get(reverse("cases:detail", args=["EE-000123"]))
    assert page.status_code == 404


def test_the_quarantine_shows_each_message_with_its_reason(world):
    ingest(corpus_bytes("stranger-quoting-reference.eml"))
    response = signed_in(world.agent).get(CHANGELIST, {"outcome__exact": "quarantined"})
    assert response.status_code == 200
    [row] = select(response.content, "#result_list tbody tr")
    assert "mallory@evil.example is not a contact of the account" in text(row)


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
    url = reverse("admin:inbound_inboundmessage_change", args=[row.pk])
    tree = page(signed_in(world.agent).get(url))
    assert "Message-ID: <CAHx7mQ3rVb+8KpL2wD0uZ9aF@mail.gmail.com>" in text(
        tree, ".field-raw_message .readonly"
    )
    assert row.full_text.splitlines()[-1].strip()[:20] in text(tree, ".field-full_text_block pre")


HOSTILE = '<img src=x onerror="alert(1)"></pre><script>alert(2)</script>'


def test_markup_in_a_mail_shows_as_text_on_the_inbound_message_page(world):
    mail = (
        f"From: Mallory <mallory@elsewhere.example>\r\nTo: support@example.com\r\n"
        f"Subject: {HOSTILE}\r\nMessage-ID: <hostile@elsewhere.example>\r\n"
        f"\r\n{HOSTILE}\r\n"
    ).encode()
    row = ingest(mail)
    url = reverse("admin:inbound_inboundmessage_change", args=[row.pk])
    tree = page(signed_in(world.agent).get(url))
    for field in ("raw_message", "full_text_block"):
        block = one(tree, f".field-{field} .readonly")
        assert HOSTILE in text(block, "pre")
        absent(block, "img, script")
    listed = page(signed_in(world.agent).get(CHANGELIST))
    assert HOSTILE[:40] in text(listed, "#result_list .field-short_subject")
    absent(listed, "#result_list img[onerror], #result_list script")


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
    response = settle(signed_in(world.agent), row, "attach", case_reference="EE-000123")
    [refusal] = texts(response.content, "ul.messagelist li.error")
    assert "is not a contact of any account" in refusal
    row.refresh_from_db()
    assert row.outcome == Outcome.QUARANTINED
    response = settle(
        signed_in(world.agent),
        row,
        "attach",
        case_reference="EE-000123",
        contact_email="nick@northwind.example",
    )
    [refusal] = texts(response.content, "ul.messagelist li.error")
    assert "is not a contact of the account of case EE-000123" in refusal
    assert InboundMessage.objects.get(pk=row.pk).outcome == Outcome.QUARANTINED


def test_a_discard_is_recorded_with_who_and_when(world):
    row = ingest(corpus_bytes("mailing-list.eml"))
    before = timezone.now()
    settle(signed_in(world.agent), row, "discard")
    row.refresh_from_db()
    assert (row.outcome, row.settled_by) == (Outcome.DISCARDED, world.agent)
    assert before <= row.settled_at <= timezone.now()
    # Settled once: a second action is refused with a sentence.
    response = settle(signed_in(world.agent), row, "discard")
    assert texts(response.content, "ul.messagelist li.error") == [
        "This message is no longer in quarantine."
    ]


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


# --- who sent it: "sender not verified" and a reused Message-ID, for staff ---------


def timeline(client, case):
    return timeline_of(client.get(reverse("admin:cases_case_change", args=[case.pk])))


def timeline_of(page):
    """The staff timeline's entries: each one's text and its links (href, text, testid)."""
    assert page.status_code == 200
    return [
        {
            "text": text(li),
            "links": [(a.get("href"), text(a), a.get("data-testid")) for a in select(li, "a")],
        }
        for li in select(page.content, "[data-testid=staff-timeline] > li")
    ]


def entry_with(entries, text):
    (found,) = [e for e in entries if text in e["text"]]
    return found


def inbound_url(row):
    return reverse("admin:inbound_inboundmessage_change", args=[row.pk])


def unverified_reply(n=1, **overrides) -> bytes:
    values = {
        "sender": "Jeroen Bakker <jeroen@acme.example>",
        "subject": "Re: [EE-000124] API returns 503",
        "message_id": f"<unverified-{n}@acme.example>",
        "body": f"Still failing, try {n}.",
    }
    values.update(overrides)
    return (
        "Authentication-Results: mx.example.com; dmarc=none header.from=acme.example\r\n"
        f"From: {values['sender']}\r\nTo: support@example.com\r\nSubject: {values['subject']}\r\n"
        f"Message-ID: {values['message_id']}\r\n\r\n{values['body']}\r\n"
    ).encode()


def test_an_unverified_customer_reply_is_marked_beside_it_on_the_admin_case_page(world):
    row = ingest(unverified_reply())
    entry = entry_with(timeline(signed_in(world.agent), world.cases[124]), "Still failing, try 1.")
    assert (inbound_url(row), "sender not verified", "sender-not-verified") in entry["links"]


def test_a_verified_reply_carries_no_mark(world):
    ingest(corpus_bytes("outlook-reply.eml"))  # dmarc=pass for acme.example
    entries = timeline(signed_in(world.agent), world.cases[124])
    assert not any(link[2] == "sender-not-verified" for e in entries for link in e["links"])


def test_a_case_opened_by_an_unverified_mail_is_marked_beside_its_description(world):
    row = ingest(unverified_reply(subject="A new question", body="Please add a domain."))
    assert row.outcome == Outcome.OPENED
    entries = timeline(signed_in(world.agent), row.case)
    assert "Please add a domain." in entries[0]["text"]
    assert (inbound_url(row), "sender not verified", "sender-not-verified") in entries[0]["links"]


def test_the_case_page_runs_as_many_queries_for_one_mailed_message_as_for_many(
    world, django_assert_num_queries
):
    client = signed_in(world.agent)
    url = reverse("admin:cases_case_change", args=[world.cases[124].pk])
    ingest(unverified_reply(1))
    client.get(url)  # warm caches (content types)
    # session, user, permissions (own, then groups'), the case, its hotline calls, messages,
    # interval proposal, their attachments, events, agreements, the bounces inline, the mail
    # of the marks
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        client.get(url)
    for n in range(2, 7):
        ingest(unverified_reply(n))
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        page = client.get(url)
    marked = [
        e for e in timeline_of(page) if any(link[2] == "sender-not-verified" for link in e["links"])
    ]
    assert len(marked) == 6


def test_the_customer_never_sees_the_mark(world):
    ingest(unverified_reply())
    response = signed_in(world.jeroen).get(reverse("cases:detail", args=["EE-000124"]))
    assert response.status_code == 200
    tree = page(response)
    assert "Still failing, try 1." in text(tree, "[data-testid=timeline]")
    assert "sender not verified" not in text(tree)
    absent(tree, "[data-testid=sender-not-verified], .sender-not-verified")


def test_a_message_reusing_a_message_id_links_to_the_earlier_one_on_the_case_page(world):
    first = ingest(unverified_reply(1, sender="Nick <nick@northwind.example>", subject="Hi"))
    again = ingest(unverified_reply(1, body="Another text under the same id."))
    assert again.reused_message_id_of == first and again.outcome == Outcome.POSTED
    entry = entry_with(
        timeline(signed_in(world.agent), world.cases[124]), "Another text under the same id."
    )
    assert (
        inbound_url(first),
        "another message used this Message-ID before",
        "reused-message-id",
    ) in entry["links"]


def test_the_inbound_message_page_shows_the_sender_check_and_the_earlier_message(world):
    first = ingest(unverified_reply(1, sender="Nick <nick@northwind.example>", subject="Hi"))
    again = ingest(unverified_reply(1, body="Another text under the same id."))
    response = signed_in(world.agent).get(inbound_url(again))
    assert response.status_code == 200
    tree = page(response)
    assert text(tree, ".field-sender_check strong.sender-not-verified") == (
        "Sender not verified (DMARC: none)."
    )
    reused = one(tree, ".field-reused_message_id .readonly")
    assert text(reused) == f"Another message used this Message-ID before: #{first.pk}"
    assert attr(reused, "a", "href") == inbound_url(first)


def test_the_quarantine_list_filters_reused_message_ids(world):
    first = ingest(unverified_reply(1, sender="Nick <nick@northwind.example>", subject="Hi"))
    again = ingest(unverified_reply(1, body="Another text under the same id."))
    page = signed_in(world.agent).get(CHANGELIST, {"reused_message_id_of__isempty": "0"})
    assert page.status_code == 200
    assert [r.pk for r in page.context["cl"].result_list] == [again.pk]
    assert first.pk != again.pk
