"""Reads the inbound mail routing needs: which case a message belongs to, who sent it.

`cases.OutboundMessage` stores Message-IDs with angle brackets; inbound ids are stored
normalised (without). Both forms are asked for, so either side matches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import BigIntegerField, CharField, F, Min, Q, QuerySet, Value, When
from django.db.models import Case as DbCase
from django.db.models.functions import Cast

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


# The lookup is one UNION ALL of ORM queries of the same five columns: (kind of row, id,
# id, flag or id, text). A column a part does not use is a typed NULL: PostgreSQL types a
# UNION's columns pair by pair, and an untyped NULL next to another would become text,
# which no id column matches.
#
# Building and compiling that union costs the web of Python about three times what
# running it costs the database, and it runs for every message that arrives. So each
# shape of it (which parts, how many thread ids) is compiled once, with a named `_Slot`
# in the place of each value, and its SQL reused with the values put in the slots.
_NO_ID = Cast(Value(None), BigIntegerField())
_NO_TEXT = Cast(Value(None), CharField())
_COLUMNS = ("row_kind", "row_one", "row_two", "row_flag", "row_text")


class _Slot(str):
    """The name of a value in a compiled statement; the ORM passes it through as a string."""


def _part(queryset: QuerySet, kind: str, one, two=_NO_ID, flag=_NO_ID, text=_NO_TEXT):
    columns = dict(zip(_COLUMNS, (Value(kind), one, two, flag, text), strict=True))
    return queryset.order_by().annotate(**columns).values_list(*_COLUMNS)


def _ids(name: str, count: int) -> list[_Slot]:
    return [_Slot(f"{name}{n}") for n in range(count)]


def _stored() -> QuerySet:
    return _part(InboundMessage.objects.filter(dedup_key=_Slot("dedup_key")), "stored", F("pk"))


def _same_message_id() -> QuerySet:
    """The first message with this Message-ID, and the first from the same sender: one
    row when any message matches, none otherwise."""
    same_sender = DbCase(When(from_address=_Slot("from_address"), then=F("pk")))
    return (
        InboundMessage.objects.filter(message_id=_Slot("message_id"))
        .order_by()
        .values(row_kind=Value("same_id"))
        .annotate(row_one=Min("pk"), row_two=Min(same_sender), row_flag=_NO_ID, row_text=_NO_TEXT)
        .values_list(*_COLUMNS)
    )


def _sender() -> QuerySet:
    staff = DbCase(When(is_staff=True, then=Value(1)), default=Value(0))
    users = _active_users().filter(email=_Slot("address"))
    return _part(users, "sender", F("pk"), F("contact__account"), staff, F("email"))


def _access_reply() -> QuerySet:
    replies = AccessReply.objects.filter(
        address=_Slot("address_lower"), sent_at__gte=Value(_Slot("since"))
    )
    return _part(replies, "access", F("pk"))


def _outbound(count: int) -> QuerySet:
    ours = OutboundMessage.objects.filter(message_id__in=_ids("form", count))
    return _part(ours, "outbound", F("case"), F("case__account"), text=F("message_id"))


def _inbound(count: int) -> QuerySet:
    stored = threading_messages().filter(message_id__in=_ids("thread", count))
    return _part(stored, "inbound", F("case"), F("case__account"), F("pk"), F("message_id"))


def _reference() -> QuerySet:
    cases = Case.objects.filter(reference=_Slot("reference"))
    return _part(cases, "reference", F("pk"), F("account"))


@lru_cache(maxsize=256)
def _statement(vendor: str, parts: tuple) -> tuple[str, tuple]:
    """The SQL and parameters of the union of these parts, as ("name", *arguments)."""
    builders = {
        "stored": _stored,
        "same_id": _same_message_id,
        "sender": _sender,
        "access": _access_reply,
        "outbound": _outbound,
        "inbound": _inbound,
        "reference": _reference,
    }
    first, *rest = [builders[name](*arguments) for name, *arguments in parts]
    return (first.union(*rest, all=True) if rest else first).query.sql_with_params()


def _rows(parts: list[tuple], values: dict) -> list[tuple]:
    sql, params = _statement(connection.vendor, tuple(parts))
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[p] if isinstance(p, _Slot) else p for p in params])
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
    forms = _both_forms(ordered)
    values = {
        "dedup_key": dedup_key,
        "message_id": (message_id or "")[:255],
        "from_address": from_address,
        "address": address,
        "address_lower": address.lower(),
        "reference": (reference or "").upper(),
        **{f"form{n}": form for n, form in enumerate(forms)},
        **{f"thread{n}": thread for n, thread in enumerate(ordered)},
    }
    first = [("stored",)]
    if message_id:
        first.append(("same_id",))
    if address:
        first.append(("sender",))
        if access_reply_since is not None:
            first.append(("access",))
            values["since"] = connection.ops.adapt_datetimefield_value(access_reply_since)
    if ordered:
        first.append(("outbound", len(forms)))
    elif reference:
        first.append(("reference",))

    found: dict = {}
    outbound: dict[str, tuple[int, int]] = {}
    inbound_rows: list[tuple[int, str, int, int]] = []
    rows = _rows(first, values)
    ours = {normalise_message_id(row[4]) for row in rows if row[0] == "outbound"}
    if ordered and ordered[0] not in ours:
        # As case_by_message_ids(): stored inbound ids count when our own newest does
        # not match; the reference when the thread matches nothing.
        second = [("inbound", len(ordered))]
        if reference:
            second.append(("reference",))
        rows += _rows(second, values)
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
