"""routing_lookup(): one query gives what sender(), case_by_message_ids() and
case_by_reference() give one by one, and the dedup check; the hot path stays short."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inbound import selectors
from inbound.models import AccessReply
from inbound.services import ingest
from tests.factories import UserFactory

from .conftest import OUR_NOTIFICATION, OUR_OTHER_NOTIFICATION, corpus_bytes

pytestmark = pytest.mark.django_db


UNKNOWN = tuple(f"unknown{n}@x.example" for n in range(25))


def one_by_one(address, thread_ids, reference):
    user, account, staff = selectors.sender(address)
    by_thread = selectors.case_by_message_ids(thread_ids)
    return {
        "user": user.pk if user else None,
        "sender_account": account,
        "sender_is_staff": staff,
        "case": by_thread or selectors.case_by_reference(reference),
    }


def combined(address, thread_ids, reference):
    look = selectors.routing_lookup(
        dedup_key="never-stored@example.com",
        address=address,
        thread_ids=thread_ids,
        reference=reference,
    )
    return {
        "user": look.user.pk if look.user else None,
        "sender_account": look.sender_account,
        "sender_is_staff": look.sender_is_staff,
        "case": look.by_thread or look.by_reference,
    }


def test_the_combined_lookup_answers_as_the_single_selectors(world, notification):
    notification(OUR_NOTIFICATION, 126)
    notification(OUR_OTHER_NOTIFICATION, 124)
    inbound = ingest(corpus_bytes("forward.eml"))  # a stored inbound id with its case
    mixed = UserFactory(email="mixed.case@acme.example")
    # Stored in another case than mail gives it (as rows written past the form may be).
    type(mixed).objects.filter(pk=mixed.pk).update(email="Mixed.Case@Acme.Example")
    UserFactory(email="gone@acme.example", is_active=False)
    addresses = [
        "anna@acme.example",
        "nick@northwind.example",
        "sam.agent@example.com",
        "mixed.case@acme.example",
        "gone@acme.example",
        "nobody@elsewhere.example",
        "",
    ]
    threads = [
        (),
        (OUR_NOTIFICATION,),
        (f"<{OUR_NOTIFICATION}>",),
        ("unknown@x.example", OUR_OTHER_NOTIFICATION),
        (inbound.message_id,),
        (inbound.message_id, OUR_NOTIFICATION),
        (OUR_OTHER_NOTIFICATION, inbound.message_id),
        ("unknown@x.example",),
        # Longer than the statement's slots: the match is in the first ten, in the
        # next ten, or several ids match and the first in order decides.
        (*UNKNOWN[:9], OUR_NOTIFICATION, *UNKNOWN[9:15]),
        (*UNKNOWN[:10], inbound.message_id),
        (*UNKNOWN[:12], OUR_OTHER_NOTIFICATION, *UNKNOWN[12:25], OUR_NOTIFICATION),
        UNKNOWN,
    ]
    for address in addresses:
        for thread_ids in threads:
            for reference in (None, "EE-000123", "ee-000125", "EE-999999"):
                expected = one_by_one(address, thread_ids, reference)
                assert combined(address, thread_ids, reference) == expected, (
                    address,
                    thread_ids,
                    reference,
                )


def test_the_dedup_key_and_the_access_reply_period_are_in_the_same_query(world):
    row = ingest(corpus_bytes("stranger-quoting-reference.eml"))
    assert AccessReply.objects.filter(address=row.from_address).exists()
    since = timezone.now() - timedelta(hours=1)
    with CaptureQueriesContext(connection) as queries:
        look = selectors.routing_lookup(
            dedup_key=row.dedup_key, address="anna@acme.example", access_reply_since=since
        )
    assert len(queries) == 1
    assert look.stored_id == row.pk and not look.access_reply_sent
    look = selectors.routing_lookup(
        dedup_key="x", address=row.from_address, access_reply_since=since
    )
    assert look.access_reply_sent and look.stored_id is None
    later = timezone.now() + timedelta(hours=1)
    look = selectors.routing_lookup(
        dedup_key="x", address=row.from_address, access_reply_since=later
    )
    assert not look.access_reply_sent


def test_a_reply_to_our_notification_is_stored_in_a_fixed_number_of_queries(world, notification):
    notification(OUR_NOTIFICATION, 123)
    with CaptureQueriesContext(connection) as queries:
        ingest(corpus_bytes("gmail-reply.eml"))
    sql = [q["sql"] for q in queries.captured_queries]
    # One lookup, the case's row lock, message, case update, event, the inbound row
    # (plus the transaction's savepoint statements); and the alert to the case's owner
    # (no agent assigned here: who is on call, no shift so every agent, through the
    # outbox: its row written and deleted once sent, and the key that it was sent once);
    # and the reply's event for the account's webhooks (its subscribed endpoints: none).
    work = [s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT"))]
    assert len(work) == 12, "\n".join(work)
    assert sum(s.startswith('INSERT INTO "core_outboxtask"') for s in work) == 1


def test_a_thread_id_counts_in_any_place_of_a_long_thread(world, notification):
    notification(OUR_NOTIFICATION, 126)
    ours = (world.cases[126].pk, world.acme.pk)
    for place in range(2 * selectors.THREAD_SLOTS + 2):
        thread = (*UNKNOWN[:place], OUR_NOTIFICATION, *UNKNOWN[place : place + 3])
        look = selectors.routing_lookup(dedup_key="x", thread_ids=thread)
        assert look.by_thread == ours, place


def test_ids_past_the_first_ten_are_asked_for_only_while_none_matched(world, notification):
    notification(OUR_NOTIFICATION, 126)
    with CaptureQueriesContext(connection) as queries:
        look = selectors.routing_lookup(dedup_key="x", thread_ids=(OUR_NOTIFICATION, *UNKNOWN))
    assert look.by_thread and len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        look = selectors.routing_lookup(dedup_key="x", thread_ids=UNKNOWN)
    assert look.by_thread is None and len(queries) == 3  # 25 ids, ten at a time


def test_a_reply_to_a_stored_inbound_message_is_looked_up_in_one_query(world):
    inbound = ingest(corpus_bytes("forward.eml"))
    with CaptureQueriesContext(connection) as queries:
        look = selectors.routing_lookup(
            dedup_key="x", address="anna@acme.example", thread_ids=(inbound.message_id,)
        )
    assert len(queries) == 1
    assert look.by_thread == (inbound.case_id, inbound.case.account_id)
