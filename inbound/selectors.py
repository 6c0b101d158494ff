"""Reads the inbound mail routing needs: which case a message belongs to, who sent it.

`cases.OutboundMessage` stores Message-IDs with angle brackets; inbound ids are stored
normalised (without). Both forms are asked for, so either side matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from accounts.models import Contact
from cases.models import Case, OutboundMessage

from .headers import normalise_message_id
from .models import AccessReply, InboundMessage, Outcome


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
    # (case id, account id) by the thread's Message-IDs, and by the subject's reference.
    by_thread: tuple[int, int] | None = None
    by_reference: tuple[int, int] | None = None
    # An automatic reply (access reply or held notice) went to the sender within the
    # period.
    access_reply_sent: bool = False
    # Stored messages with the same Message-ID: the first, and the first from the
    # same sender address.
    same_message_id: int | None = None
    same_message_id_same_sender: int | None = None


@cache
def _names() -> dict[str, str]:
    """Quoted table and column names for the lookups' SQL: {case}, {case_account} ..."""
    quote = connection.ops.quote_name
    models = {
        "inbound": InboundMessage,
        "user": get_user_model(),
        "contact": Contact,
        "outbound": OutboundMessage,
        "case": Case,
        "access": AccessReply,
    }
    names = {key: quote(model._meta.db_table) for key, model in models.items()}
    for key, model in models.items():
        for f in model._meta.concrete_fields:
            names[f"{key}_{f.name}"] = quote(f.column)
    # PostgreSQL types a UNION's columns pair by pair: an untyped NULL next to another
    # would become text, which no id column matches.
    names["no_id"] = "CAST(NULL AS BIGINT)"
    return names


class _Union:
    """SELECTs of five columns (kind, id, id, flag, text) run as one UNION ALL query."""

    def __init__(self):
        self.parts: list[str] = []
        self.params: list = []

    def select(self, sql: str, *params) -> None:
        self.parts.append(sql.format(**_names()))
        self.params.extend(params)

    def rows(self) -> list[tuple]:
        if not self.parts:
            return []
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(self.parts), self.params)
            return cursor.fetchall()


def _in(values: list[str]) -> str:
    """Placeholders for an IN list: the values themselves always go as parameters."""
    return "(" + ", ".join(["%s"] * len(values)) + ")"


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
    """The dedup check, the sender, the case by thread (else by reference) and whether
    an access reply went out since `access_reply_since`, in one query: this runs for
    every message that arrives, and round trips are most of a message's cost. The rules
    of `sender()`, `case_by_message_ids()` and `case_by_reference()`, and like them a
    second query only when the first answer is not enough: a thread whose newest id is
    not one of our outbound messages, an address stored in another case than given.

    `message_id` and `from_address`: the stored messages that used this Message-ID
    before, and whether the same sender did. Among stored inbound messages a thread id
    names, one whose case is of the sender's account is preferred (a reused id)."""
    ordered = [i for i in (normalise_message_id(i) for i in thread_ids) if i]
    first = _Union()
    first.select(
        "SELECT 'stored', {inbound_id}, {no_id}, {no_id}, NULL FROM {inbound} "
        "WHERE {inbound_dedup_key} = %s",
        dedup_key,
    )
    if message_id:
        first.select(
            "SELECT 'same_id', MIN({inbound_id}), "
            "MIN(CASE WHEN {inbound_from_address} = %s THEN {inbound_id} END), {no_id}, NULL "
            "FROM {inbound} WHERE {inbound_message_id} = %s",
            from_address,
            message_id[:255],
        )
    if address:
        first.select(
            "SELECT 'sender', u.{user_id}, c.{contact_account}, "
            "CASE WHEN u.{user_is_staff} THEN 1 ELSE 0 END, u.{user_email} "
            "FROM {user} u LEFT OUTER JOIN {contact} c ON c.{contact_user} = u.{user_id} "
            "WHERE u.{user_email} = %s AND u.{user_is_active} = %s",
            address,
            True,
        )
        if access_reply_since is not None:
            first.select(
                "SELECT 'access', {access_id}, {no_id}, {no_id}, NULL FROM {access} "
                "WHERE {access_address} = %s AND {access_sent_at} >= %s",
                address.lower(),
                access_reply_since,
            )
    if ordered:
        forms = _both_forms(ordered)
        first.select(
            "SELECT 'outbound', o.{outbound_case}, k.{case_account}, {no_id}, "  # noqa: S608 - names and %s only
            "o.{outbound_message_id} FROM {outbound} o "
            "INNER JOIN {case} k ON k.{case_id} = o.{outbound_case} "
            "WHERE o.{outbound_message_id} IN " + _in(forms),
            *forms,
        )
    elif reference:
        _select_reference(first, reference)

    found: dict = {}
    outbound: dict[str, tuple[int, int]] = {}
    inbound_rows: list[tuple[int, str, int, int]] = []
    rows = first.rows()
    ours = {normalise_message_id(row[4]) for row in rows if row[0] == "outbound"}
    if ordered and ordered[0] not in ours:
        # As case_by_message_ids(): stored inbound ids count when our own newest does
        # not match; the reference when the thread matches nothing.
        second = _Union()
        second.select(
            "SELECT 'inbound', i.{inbound_case}, k.{case_account}, i.{inbound_id}, "  # noqa: S608 - names and %s only
            "i.{inbound_message_id} FROM {inbound} i "
            "INNER JOIN {case} k ON k.{case_id} = i.{inbound_case} "
            "WHERE i.{inbound_outcome} IN " + _in(THREADING_OUTCOMES) + " "
            "AND i.{inbound_message_id} IN " + _in(ordered),
            *THREADING_OUTCOMES,
            *ordered,
        )
        if reference:
            _select_reference(second, reference)
        rows += second.rows()
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
    return RoutingLookup(**found)


def _select_reference(union: _Union, reference: str) -> None:
    union.select(
        "SELECT 'reference', {case_id}, {case_account}, {no_id}, NULL FROM {case} "
        "WHERE {case_reference} = %s",
        reference.upper(),
    )


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
