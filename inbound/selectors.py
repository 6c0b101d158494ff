"""Reads the inbound mail routing needs: which case a message belongs to, who sent it.

`cases.OutboundMessage` stores Message-IDs with angle brackets; inbound ids are stored
normalised (without). Both forms are asked for, so either side matches.

`routing_lookup()` reads everything routing needs for one arriving message in one SQL
statement with bound parameters, `ROUTING_SQL`, written out below with a comment on
what each of its parts answers; the other readers here are ORM queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from cases.mailing import STAFF_MAIL_KIND
from cases.models import Case, OutboundMessage

from .headers import normalise_message_id
from .models import InboundMessage, Outcome


def _both_forms(ids: Iterable[str]) -> list[str]:
    forms: list[str] = []
    for value in ids:
        bare = normalise_message_id(value)
        if bare:
            forms += [bare, f"<{bare}>"]
    return forms


def _first_in_order(ordered: list[str], outbound: dict, inbound: dict) -> tuple[int, int] | None:
    """The first id in the order given wins; for one id, our outbound message before a
    stored inbound one."""
    for message_id in ordered:
        if message_id in outbound:
            return outbound[message_id]
        if message_id in inbound:
            return inbound[message_id]
    return None


def case_by_message_ids(ids: Iterable[str]) -> tuple[int, int] | None:
    """(case id, account id) of the case whose stored outbound or inbound Message-ID is
    among `ids`; the first id in the order given wins (In-Reply-To before References)."""
    ordered = [normalise_message_id(i) for i in ids]
    ordered = [i for i in ordered if i]
    if not ordered:
        return None
    outbound: dict[str, tuple[int, int]] = {}
    for message_id, case_id, account_id in OutboundMessage.objects.filter(
        message_id__in=_both_forms(ordered)
    ).values_list("message_id", "case_id", "case__account_id"):
        outbound.setdefault(normalise_message_id(message_id), (case_id, account_id))
    inbound: dict[str, tuple[int, int]] = {}
    if ordered[0] not in outbound:
        for message_id, case_id, account_id in (
            threading_messages()
            .filter(message_id__in=ordered)
            .order_by("pk")
            .values_list("message_id", "case_id", "case__account_id")
        ):
            inbound.setdefault(message_id, (case_id, account_id))
    return _first_in_order(ordered, outbound, inbound)


# Stored inbound messages a reply may thread to: those that were posted on a case or
# opened one. A quarantined message names a case only as a guess, and anyone can write
# any Message-ID: a stranger's message must not take a thread over.
THREADING_OUTCOMES = (Outcome.POSTED.value, Outcome.OPENED.value)


def threading_messages() -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(outcome__in=THREADING_OUTCOMES, case__isnull=False)


def case_by_reference(reference: str | None) -> tuple[int, int] | None:
    """(case id, account id) of the case with this reference."""
    if not reference:
        return None
    return Case.objects.filter(reference=reference.upper()).values_list("pk", "account_id").first()


def _active_users():
    return get_user_model().objects.select_related("contact").filter(is_active=True).order_by()


def sender(address: str):
    """(user, account id, is staff) for an address; (None, None, False) if unknown.
    Inactive users are unknown."""
    if not address:
        return None, None, False
    users = _active_users()
    # The exact address uses the unique index; a differently cased one falls back.
    user = users.filter(email=address).first() or users.filter(email__iexact=address).first()
    return _sender_of(user)


def _sender_of(user):
    if user is None:
        return None, None, False
    if user.is_staff:
        return user, None, True
    contact = getattr(user, "contact", None)
    return user, (contact.account_id if contact else None), False


# --- everything routing needs, in one round trip ------------------------------------


@dataclass(frozen=True)
class RoutingLookup:
    """What the database says about one inbound message (see `routing_lookup`)."""

    # The row stored before under the same de-duplication key.
    stored_id: int | None = None
    # The sender: an active user (only id, email and is_staff loaded), the account they
    # are a contact of, and whether they are staff.
    user: object = None
    sender_account: int | None = None
    sender_is_staff: bool = False
    # (case id, account id) by the thread's Message-IDs, and by the subject's reference
    # (routing prefers the thread's).
    by_thread: tuple[int, int] | None = None
    by_reference: tuple[int, int] | None = None
    # An automatic reply (access reply or held notice) went to the sender within the
    # period.
    access_reply_sent: bool = False
    # Stored messages with the same Message-ID: the first, and the first from the
    # same sender address.
    same_message_id: int | None = None
    same_message_id_same_sender: int | None = None
    # The thread's deciding Message-ID is one of our mails to staff (STAFF_MAIL_KIND):
    # a reply to it is staff talking among themselves.
    thread_to_staff: bool = False


# The one statement routing asks for each message that arrives (round trips are most of a
# message's cost). Its parts answer one question each, in rows of the same five columns:
# (what, id, id, id or flag, text). The first part types every column; a later part's
# NULL takes that type (PostgreSQL types a UNION's columns left to right, and a NULL next
# to a NULL would be text, which no id column matches). A question not asked for this
# message gets NULL for its value and so answers no row: nothing equals NULL.
#
# Thread ids go in THREAD_SLOTS fixed slots, thread0 to thread9 (and in angle brackets,
# bracketed0 to bracketed9), the unused ones NULL. A list of any length would need an IN
# list built to its length (SQL from a template) or a list parameter, which each database
# takes its own way (PostgreSQL an array, SQLite json_each); fixed slots read the same on
# both, and the statement stays one text. A message with more thread ids asks again for
# the next ten, only while none has matched (see routing_lookup()).
THREAD_SLOTS = 10
ROUTING_SQL = """
-- Stored before under the same de-duplication key: the message came again.
SELECT 'stored' AS what, id AS one, CAST(NULL AS BIGINT) AS two,
       CAST(NULL AS BIGINT) AS three, CAST(NULL AS TEXT) AS text
FROM inbound_inboundmessage
WHERE dedup_key = %(dedup_key)s
UNION ALL
-- Stored before with the same Message-ID: the first such message, and the first of them
-- from the same From address. One row always, its ids NULL when none matched.
SELECT 'same_id', MIN(id), MIN(CASE WHEN from_address = %(from_address)s THEN id END),
       NULL, NULL
FROM inbound_inboundmessage
WHERE message_id = %(message_id)s
UNION ALL
-- The sender: the active user with exactly this address, the account they are a
-- contact of, whether they are staff (1) or not (0). An address stored in another case
-- is a second query (sender_by_any_case), so that it matches as sender() does.
SELECT 'sender', u.id, c.account_id, CASE WHEN u.is_staff THEN 1 ELSE 0 END, u.email
FROM accounts_user u LEFT OUTER JOIN accounts_contact c ON c.user_id = u.id
WHERE u.email = %(address)s AND u.is_active
UNION ALL
-- An automatic reply (access reply or held notice) sent to this address, lower-cased as
-- it is stored, since the start of the period.
SELECT 'access', id, NULL, NULL, NULL
FROM inbound_accessreply
WHERE address = %(address_lower)s AND sent_at >= %(since)s
UNION ALL
-- Our outbound mail by the thread ids, each asked for without angle brackets and with
-- them (bracketed0 is thread0 in brackets): (case, its account, whether it was a mail
-- to staff (1) or not (0), Message-ID as stored).
SELECT 'outbound', o.case_id, (SELECT account_id FROM cases_case WHERE id = o.case_id),
       CASE WHEN o.kind = %(staff_mail_kind)s THEN 1 ELSE 0 END, o.message_id
FROM cases_outboundmessage o
WHERE o.message_id IN (
    %(thread0)s, %(thread1)s, %(thread2)s, %(thread3)s, %(thread4)s,
    %(thread5)s, %(thread6)s, %(thread7)s, %(thread8)s, %(thread9)s,
    %(bracketed0)s, %(bracketed1)s, %(bracketed2)s, %(bracketed3)s, %(bracketed4)s,
    %(bracketed5)s, %(bracketed6)s, %(bracketed7)s, %(bracketed8)s, %(bracketed9)s
)
UNION ALL
-- Stored inbound messages by the thread ids, those that were posted on a case or opened
-- one (THREADING_OUTCOMES): (case, its account, message, Message-ID).
SELECT 'inbound', i.case_id, (SELECT account_id FROM cases_case WHERE id = i.case_id),
       i.id, i.message_id
FROM inbound_inboundmessage i
WHERE i.outcome IN (%(posted)s, %(opened)s) AND i.case_id IS NOT NULL AND i.message_id IN (
    %(thread0)s, %(thread1)s, %(thread2)s, %(thread3)s, %(thread4)s,
    %(thread5)s, %(thread6)s, %(thread7)s, %(thread8)s, %(thread9)s
)
UNION ALL
-- The case the reference in the subject names: (case, its account).
SELECT 'reference', id, account_id, NULL, NULL
FROM cases_case
WHERE reference = %(reference)s
"""


# Every value ROUTING_SQL names, NULL unless given.
_NULLS = dict.fromkeys(
    ("dedup_key", "message_id", "from_address", "address", "address_lower", "since", "reference")
) | {f"{slot}{n}": None for n in range(THREAD_SLOTS) for slot in ("thread", "bracketed")}


def _rows(thread_ids: list[str], **values) -> list[tuple]:
    """ROUTING_SQL's rows for these values and up to THREAD_SLOTS thread ids."""
    posted, opened = THREADING_OUTCOMES
    slots = {}
    for n, thread_id in enumerate(thread_ids):
        slots.update({f"thread{n}": thread_id, f"bracketed{n}": f"<{thread_id}>"})
    with connection.cursor() as cursor:
        cursor.execute(
            ROUTING_SQL,
            {
                **_NULLS,
                **values,
                **slots,
                "posted": posted,
                "opened": opened,
                "staff_mail_kind": STAFF_MAIL_KIND,
            },
        )
        return cursor.fetchall()


def routing_lookup(
    *,
    dedup_key: str,
    address: str = "",
    thread_ids: Iterable[str] = (),
    reference: str | None = None,
    access_reply_since: datetime | None = None,
    message_id: str | None = None,
    from_address: str = "",
) -> RoutingLookup:
    """The dedup check, the sender, the case by thread and by reference and whether an
    access reply went out since `access_reply_since`, in one query (ROUTING_SQL). The
    rules of `sender()`, `case_by_message_ids()` and `case_by_reference()`, and like them
    a second query only when the first answer is not enough: an address stored in
    another case than given, a thread of more than THREAD_SLOTS ids none of the first of
    which matched.

    `message_id` and `from_address`: the stored messages that used this Message-ID
    before, and whether the same sender did. Among stored inbound messages a thread id
    names, one whose case is of the sender's account is preferred (a reused id)."""
    ordered = [i for i in (normalise_message_id(i) for i in thread_ids) if i]
    rows = _rows(
        ordered[:THREAD_SLOTS],
        dedup_key=dedup_key,
        message_id=(message_id or "")[:255] or None,
        from_address=from_address,
        address=address or None,
        address_lower=address.lower() or None,
        since=connection.ops.adapt_datetimefield_value(access_reply_since),
        reference=(reference or "").upper() or None,
    )
    # The first id in order that matches decides (_first_in_order), so further ids are
    # asked for only while none has matched.
    for start in range(THREAD_SLOTS, len(ordered), THREAD_SLOTS):
        if any(row[0] in ("outbound", "inbound") for row in rows):
            break
        rows += _rows(ordered[start : start + THREAD_SLOTS])

    found: dict = {}
    outbound: dict[str, tuple[int, int]] = {}
    to_staff: set[str] = set()
    inbound_rows: list[tuple[int, str, int, int]] = []
    for kind, one, two, flag, text in rows:
        if kind == "stored":
            found["stored_id"] = one
        elif kind == "sender":
            # Enough of the user to be the author of a reply; the rest loads on use.
            found["user"] = get_user_model().from_db(
                connection.alias,
                ["id", "email", "is_staff", "is_active"],
                [one, text, bool(flag), True],
            )
            found["sender_is_staff"] = bool(flag)
            found["sender_account"] = None if flag else two
        elif kind == "access":
            found["access_reply_sent"] = True
        elif kind == "outbound":
            outbound.setdefault(normalise_message_id(text), (one, two))
            if flag:
                to_staff.add(normalise_message_id(text))
        elif kind == "inbound":
            inbound_rows.append((flag, text, one, two))
        elif kind == "same_id" and one is not None:
            found["same_message_id"] = one
            found["same_message_id_same_sender"] = two
        elif kind == "reference":
            found["by_reference"] = (one, two)
    if address and "user" not in found:
        user, account, is_staff = sender_by_any_case(address)
        found.update(user=user, sender_account=account, sender_is_staff=is_staff)
    if ordered:
        # Oldest first; for an id several stored messages used, the one on a case of
        # the sender's account first.
        account = found.get("sender_account")
        inbound: dict[str, tuple[int, int]] = {}
        for _pk, text, case, case_account in sorted(
            inbound_rows, key=lambda r: (r[3] != account, r[0])
        ):
            inbound.setdefault(text, (case, case_account))
        found["by_thread"] = _first_in_order(ordered, outbound, inbound)
        deciding = next((i for i in ordered if i in outbound or i in inbound), None)
        found["thread_to_staff"] = deciding in to_staff
    return RoutingLookup(**found)


def sender_by_any_case(address: str):
    """`sender()` for an address stored in another case than given."""
    return _sender_of(_active_users().filter(email__iexact=address).first())


def quarantine() -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).select_related(
        "case", "settled_by"
    )


def case_page_mail(case, message_ids) -> tuple[InboundMessage | None, dict[int, InboundMessage]]:
    """For the marks on a case's admin page, in one query: the inbound message that
    opened the case (its text is the case's description), and the first inbound message
    of each of these case messages that came by mail, with what staff need to judge
    their senders."""
    rows = (
        InboundMessage.objects.filter(
            Q(case=case, outcome=Outcome.OPENED) | Q(case_message_id__in=message_ids)
        )
        .only("pk", "dmarc", "reused_message_id_of", "case", "case_message", "outcome")
        .order_by("pk")
    )
    opening, by_message = None, {}
    for row in rows:
        if row.outcome == Outcome.OPENED and row.case_id == case.pk and opening is None:
            opening = row
        if row.case_message_id is not None:
            by_message.setdefault(row.case_message_id, row)
    return opening, by_message
