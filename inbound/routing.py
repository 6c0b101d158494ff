"""Where an inbound message goes, decided from facts the caller looked up.

Pure: the caller reads the database (was this dedup key stored before, which case do
the thread ids or the subject's reference point to, whose contact is the sender) and
passes the answers in `RoutingFacts`; `route()` applies the rules of the designated
support address and returns exactly one `Route` with its reason:

1. a message stored before (the same content) is a duplicate;
2. a From that names several addresses goes to quarantine: none of them is the
   sender (nor is the Sender header ever read for it);
3. a failing DMARC verdict (a fail, or a pass for another domain than the From
   address's) goes to quarantine, unanswered: the sender may be forged;
4. a message whose MIME structure was too deep or too wide to read goes to quarantine;
5. a delivery report about one of our notifications is that case's delivery failure;
   any other machine mail (out-of-office, lists, auto-submitted, bounces about mail we
   did not send) goes to quarantine and is never answered;
6. a different message that reuses a Message-ID the same sender used before goes to
   quarantine (a variant of a message we have, not to be posted twice); from another
   sender it is routed as any message (a stranger cannot pre-empt a customer's id);
7. staff mail needs a DMARC pass to be posted: else quarantine, and the staff member
   is told (the caller rate-limits it per address);
8. a reply is matched by its thread ids first, then by the case reference in the
   subject, and is posted only if the sender is a contact of that case's account or
   staff; knowing a reference is not enough; staff answering one of our mails to
   staff (the TAM's escalation) post an internal note, not a reply to the customer;
9. a new message from a contact opens a (non-critical) case on their account;
   a contact's message without a DMARC pass is posted (marked "sender not verified"
   for staff), or quarantined when `require_dmarc_pass` (INBOUND_REQUIRE_DMARC_PASS);
10. anything else goes to quarantine; an unknown sender gets one polite reply about
   getting access (the caller rate-limits it per address).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from .authentication import FAIL, MISMATCH, PASS
from .classify import Classification, Verdict
from .parse import ParsedMessage


class Route(enum.StrEnum):
    DUPLICATE = "duplicate"
    CASE_REPLY = "case_reply"
    NEW_CASE = "new_case"
    DELIVERY_FAILURE = "delivery_failure"
    QUARANTINE = "quarantine"


@dataclass(frozen=True)
class RoutingFacts:
    """What the database says about a message. Ids are whatever the caller uses
    (primary keys); None means "none found"."""

    already_stored: bool = False
    # The case whose stored inbound or outbound Message-ID is among parsed.thread_ids.
    case_by_thread: int | None = None
    case_by_thread_account: int | None = None
    # The case named by parsed.case_reference, if that case exists.
    case_by_reference: int | None = None
    case_by_reference_account: int | None = None
    # The account the sender (parsed.from_address) is a contact of; staff flag.
    sender_account: int | None = None
    sender_is_staff: bool = False
    # For a delivery report: the case of the outbound message it reports on.
    reported_case: int | None = None
    # The DMARC verdict of the believed Authentication-Results ("pass", "fail",
    # "mismatch", "none" ..., None when none reports DMARC): see authentication.py.
    dmarc: str | None = None
    # The domain a DMARC pass was for, when it is not the From address's ("mismatch").
    dmarc_domain: str = ""
    # INBOUND_REQUIRE_DMARC_PASS: a contact's mail needs a DMARC pass to be posted.
    require_dmarc_pass: bool = False
    # A stored message from the same sender with the same Message-ID (and other
    # content): its id.
    message_id_used_by_sender_before: int | None = None
    # The thread's case was found by one of our mails to staff (the TAM's escalation).
    thread_to_staff: bool = False


@dataclass(frozen=True)
class Decision:
    route: Route
    reason: str
    case: int | None = None
    account: int | None = None
    # The acknowledgement of a new case (with how to report a critical issue).
    send_acknowledgement: bool = False
    # One polite reply to an unknown sender on how to get access (rate-limited).
    send_access_reply: bool = False
    # Tell a staff member their message was held, and why (rate-limited).
    tell_staff: bool = False
    # Post the reply as an internal note: staff answering a mail sent to staff.
    internal: bool = False


def route(parsed: ParsedMessage, classification: Classification, facts: RoutingFacts) -> Decision:
    if facts.already_stored:
        return Decision(Route.DUPLICATE, "this message was stored before")

    if len(parsed.from_addresses) > 1:
        named = ", ".join(parsed.from_addresses[:10])
        return Decision(
            Route.QUARANTINE,
            f"the From header names {len(parsed.from_addresses)} addresses ({named}): "
            "none of them is taken as the sender",
        )

    dmarc = (facts.dmarc or "").lower()
    if dmarc == FAIL:
        return Decision(
            Route.QUARANTINE,
            "DMARC failed: the sender address may be forged",
            tell_staff=facts.sender_is_staff,
        )
    if dmarc == MISMATCH:
        return Decision(
            Route.QUARANTINE,
            f"DMARC passed for {facts.dmarc_domain or 'another domain'}, not for the From "
            f"address {parsed.from_address or '(none)'}: the sender address may be forged",
            tell_staff=facts.sender_is_staff,
        )

    if parsed.structure_refused:
        return Decision(Route.QUARANTINE, parsed.structure_refused)

    if classification.verdict is not Verdict.PERSON:
        if classification.verdict is Verdict.DELIVERY_REPORT and facts.reported_case is not None:
            return Decision(
                Route.DELIVERY_FAILURE,
                "a delivery report about one of our notifications",
                case=facts.reported_case,
            )
        labels = {
            Verdict.DELIVERY_REPORT: "a delivery report about a message we did not send",
            Verdict.OUT_OF_OFFICE: "an out-of-office reply",
            Verdict.MAILING_LIST: "mailing list mail",
            Verdict.AUTOMATED: "automatically sent mail",
        }
        reason = labels[classification.verdict]
        if classification.reasons:
            reason += " (" + "; ".join(classification.reasons) + ")"
        return Decision(Route.QUARANTINE, reason)

    if facts.message_id_used_by_sender_before is not None:
        return Decision(
            Route.QUARANTINE,
            f"another message from {parsed.from_address} used this Message-ID before "
            f"(#{facts.message_id_used_by_sender_before}): a variant of a message already "
            "received, kept for staff to compare rather than posted twice",
        )

    if facts.sender_is_staff and dmarc != PASS:
        return Decision(
            Route.QUARANTINE,
            f"a message from staff ({parsed.from_address}) without a DMARC pass "
            f"(DMARC: {dmarc or 'no result'}): staff mail is posted only when DMARC passes",
            tell_staff=True,
        )

    if facts.case_by_thread is not None:
        case, account, how = facts.case_by_thread, facts.case_by_thread_account, "thread"
    elif facts.case_by_reference is not None:
        case, account, how = (
            facts.case_by_reference,
            facts.case_by_reference_account,
            f"reference {parsed.case_reference}",
        )
    else:
        case = None

    unverified = (
        f"DMARC did not pass (DMARC: {dmarc or 'no result'}) and INBOUND_REQUIRE_DMARC_PASS is on"
    )
    if case is not None:
        if facts.sender_is_staff or (
            facts.sender_account is not None and facts.sender_account == account
        ):
            if not facts.sender_is_staff and facts.require_dmarc_pass and dmarc != PASS:
                return Decision(
                    Route.QUARANTINE, f"a reply matched by its {how}, but {unverified}", case=case
                )
            if facts.sender_is_staff and how == "thread" and facts.thread_to_staff:
                return Decision(
                    Route.CASE_REPLY,
                    "a staff member's reply to a mail sent to staff (an escalation): "
                    "posted as an internal note, never shown to the customer",
                    case=case,
                    internal=True,
                )
            return Decision(Route.CASE_REPLY, f"a reply matched by its {how}", case=case)
        unknown = facts.sender_account is None and not facts.sender_is_staff
        return Decision(
            Route.QUARANTINE,
            f"{parsed.from_address or 'the sender'} is not a contact of the account of the "
            f"case matched by its {how}",
            case=case,
            send_access_reply=unknown and bool(parsed.from_address),
        )

    if facts.sender_account is not None:
        if facts.require_dmarc_pass and dmarc != PASS:
            return Decision(Route.QUARANTINE, f"a new message from a contact, but {unverified}")
        return Decision(
            Route.NEW_CASE,
            "a new message from a contact",
            account=facts.sender_account,
            send_acknowledgement=True,
        )
    if facts.sender_is_staff:
        return Decision(Route.QUARANTINE, "a message from staff that matches no case")
    return Decision(
        Route.QUARANTINE,
        f"{parsed.from_address or 'the sender'} is not a contact of any account",
        send_access_reply=bool(parsed.from_address),
    )
