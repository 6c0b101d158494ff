"""Inbound mail on the designated support address: every change of state.

`ingest(raw, received_via=...)` stores one message and acts on it in one transaction:
parse (never raises), classify (loop protection), look up the facts, route, then post
the reply on its case, open a case, link a delivery failure or quarantine. Mail goes out
from Celery tasks after the commit. Every input ends in exactly one InboundMessage row;
the same message again (the same content, trace headers aside) is counted on that row.
A message over INBOUND_MAX_MESSAGE_BYTES is not read: `record_too_large` keeps its
headers and size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Account
from cases import services as case_services
from cases.models import Category, Channel
from core import outbox

from . import selectors
from .authentication import SenderAuthentication
from .classify import Verdict, classify
from .models import AccessReply, InboundMessage, Outcome, ReceivedVia
from .parse import (
    MAX_HEADER_BYTES,
    ParsedMessage,
    parse_message,
    split_header_section,
)
from .posting import attachments_to_post, case_subject, post_reply, post_text, refusal
from .routing import Decision, Route, RoutingFacts, route
from .signs import excluded_request, outage_signs


def _own_addresses() -> list[str]:
    return [settings.SUPPORT_EMAIL_ADDRESS, settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL]


def _facts(parsed: ParsedMessage, classification, auth: SenderAuthentication, now):
    """The routing facts and the sender's user, in one query (plus one for a delivery
    report). Only a person's message needs its sender and case looked up; for machine
    mail the route depends on the reported case alone."""
    person = classification.verdict is Verdict.PERSON
    look = selectors.routing_lookup(
        dedup_key=parsed.dedup_key[:255],
        address=parsed.from_address if person else "",
        thread_ids=parsed.thread_ids if person else (),
        reference=parsed.case_reference if person else None,
        access_reply_since=now - timedelta(hours=settings.INBOUND_ACCESS_REPLY_INTERVAL_HOURS),
        message_id=parsed.message_id,
        from_address=parsed.from_address,
    )
    reported = None
    report = parsed.delivery_report
    if report is not None and look.stored_id is None:
        ids = [report.original_message_id] if report.original_message_id else []
        reported = selectors.case_by_message_ids([*ids, *parsed.thread_ids])
    by_thread, by_reference = look.by_thread, None if look.by_thread else look.by_reference
    facts = RoutingFacts(
        already_stored=look.stored_id is not None,
        case_by_thread=by_thread[0] if by_thread else None,
        case_by_thread_account=by_thread[1] if by_thread else None,
        case_by_reference=by_reference[0] if by_reference else None,
        case_by_reference_account=by_reference[1] if by_reference else None,
        sender_account=look.sender_account,
        sender_is_staff=look.sender_is_staff,
        reported_case=reported[0] if reported else None,
        dmarc=auth.dmarc,
        dmarc_domain=auth.dmarc_domain,
        require_dmarc_pass=settings.INBOUND_REQUIRE_DMARC_PASS,
        message_id_used_by_sender_before=look.same_message_id_same_sender,
        thread_to_staff=look.thread_to_staff,
    )
    return facts, look


def _new_row(
    parsed: ParsedMessage, auth: SenderAuthentication, received_via: str, now
) -> InboundMessage:
    return InboundMessage(
        dedup_key=parsed.dedup_key[:255],
        message_id=(parsed.message_id or "")[:255],
        received_via=received_via,
        received_at=now,
        last_received_at=now,
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name[:200],
        subject=parsed.subject[:500],
        sent_at=parsed.date,
        size=parsed.size,
        spf=(auth.spf or "")[:16],
        dkim=(auth.dkim or "")[:16],
        dmarc=(auth.dmarc or "")[:16],
        reply_text=parsed.reply_text,
        full_text=parsed.text,
    )


def _keep_raw(row: InboundMessage, raw: bytes) -> None:
    """Put the raw message in the file storage, for a row about to be inserted."""
    row.raw.save("message.eml", ContentFile(raw), save=False)


def ingest(
    raw: bytes, *, received_via: str = ReceivedVia.MTA, now: datetime | None = None
) -> InboundMessage:
    """Store one message and act on it, in one transaction. A message stored before is
    counted on its row (`row.duplicate` is True) and nothing else happens. A message
    over INBOUND_MAX_MESSAGE_BYTES is recorded as too large, unread."""
    now = now or timezone.now()
    raw = raw if isinstance(raw, bytes) else bytes(raw)
    if len(raw) > settings.INBOUND_MAX_MESSAGE_BYTES:
        return record_too_large(raw, size=len(raw), received_via=received_via, now=now)
    parsed = parse_message(raw)
    try:
        return _ingest(parsed, raw, received_via, now)
    except IntegrityError:
        # Another worker stored the same message meanwhile (the unique dedup key);
        # everything this attempt did was rolled back. Now it is a duplicate.
        return _ingest(parsed, raw, received_via, now)


def _count_again(pk: int, now) -> InboundMessage:
    InboundMessage.objects.filter(pk=pk).update(
        times_received=F("times_received") + 1, last_received_at=now
    )
    stored = InboundMessage.objects.get(pk=pk)
    stored.duplicate = True
    return stored


@transaction.atomic
def _ingest(parsed: ParsedMessage, raw: bytes, received_via: str, now) -> InboundMessage:
    auth = parsed.authentication(settings.INBOUND_AUTHSERV_IDS)
    row = _new_row(parsed, auth, received_via, now)
    classification = classify(parsed, own_addresses=_own_addresses())
    facts, look = _facts(parsed, classification, auth, now)
    if facts.already_stored:
        return _count_again(look.stored_id, now)

    row.duplicate = False
    # Another message used this Message-ID before: stored all the same, and flagged.
    row.reused_message_id_of_id = look.same_message_id
    decision = route(parsed, classification, facts)
    row.verdict = classification.verdict.value
    follow_up = _act(row, parsed, decision, look, now)
    _keep_raw(row, raw)
    row.save(force_insert=True)
    if follow_up is not None and follow_up.kind is not None:
        AccessReply.objects.create(
            address=row.from_address.lower(), sent_at=now, inbound=row, kind=follow_up.kind
        )
    if follow_up is not None:
        outbox.enqueue(follow_up.task, row.pk)
    return row


def record_too_large(
    message_start: bytes,
    *,
    size: int | None,
    received_via: str = ReceivedVia.MTA,
    note: str = "",
    now: datetime | None = None,
) -> InboundMessage:
    """Keep a message over INBOUND_MAX_MESSAGE_BYTES without reading it: a row with
    what its headers say, its size and its header section (not its body), outcome
    too large. `message_start`: the message's first bytes (its header section at
    least, when it has one); `size`: None when only "more than the limit" is known.
    The same headers again (trace headers aside) are counted on that row."""
    now = now or timezone.now()
    header_section = split_header_section(message_start[: MAX_HEADER_BYTES * 2])[0]
    header_section = header_section[:MAX_HEADER_BYTES] + b"\r\n\r\n"
    parsed = parse_message(header_section)
    limit = settings.INBOUND_MAX_MESSAGE_BYTES
    row = _new_row(
        parsed,
        parsed.authentication(settings.INBOUND_AUTHSERV_IDS),
        received_via,
        now,
    )
    row.dedup_key = f"too-large:{parsed.fingerprint}"[:255]
    # The MTA pipe stops reading past the limit: the size is then unknown.
    row.size = min(size if size is not None else limit + 1, 2**31 - 1)
    row.reply_text = row.full_text = ""
    row.outcome = Outcome.TOO_LARGE
    row.reason = (
        f"{size} bytes, more than" if size is not None else "more than"
    ) + f" the limit of {limit} bytes (INBOUND_MAX_MESSAGE_BYTES): not read"
    if note:
        row.reason += f"; {note}"
    try:
        with transaction.atomic():
            stored = (
                InboundMessage.objects.filter(dedup_key=row.dedup_key)
                .values_list("pk", flat=True)
                .first()
            )
            if stored is not None:
                return _count_again(stored, now)
            row.reused_message_id_of_id = (
                InboundMessage.objects.filter(message_id=row.message_id)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
                if row.message_id
                else None
            )
            _keep_raw(row, header_section)
            row.save(force_insert=True)
    except IntegrityError:
        stored = InboundMessage.objects.get(dedup_key=row.dedup_key)
        return _count_again(stored.pk, now)
    row.duplicate = False
    return row


@dataclass(frozen=True)
class FollowUp:
    """The mail task (its name) to queue for the row; `kind` when it is an automatic
    reply to the sender that counts towards the per-address limit."""

    task: str
    kind: str | None = None


def _act(row: InboundMessage, parsed: ParsedMessage, decision: Decision, look, now):
    """Do what the decision says; returns the follow-up mail for the row, if any."""
    user = look.user

    row.reason = decision.reason
    row.case_id = decision.case
    if decision.route is Route.CASE_REPLY:
        uploads, notes = attachments_to_post(parsed)
        row.attachment_notes = notes
        try:
            with transaction.atomic():  # a refusal leaves nothing half-posted
                message = post_reply(
                    decision.case,
                    user,
                    post_text(parsed, notes),
                    uploads,
                    now,
                    internal=decision.internal,
                )
        except (case_services.CaseError, ValidationError) as exc:
            row.outcome = Outcome.QUARANTINED
            row.reason = f"{decision.reason}, but {refusal(exc)}"
            return None
        row.case_message = message
        # A reply after a resolved case's reopen window opened a case that follows up.
        row.outcome = Outcome.POSTED if message.case_id == decision.case else Outcome.OPENED
        row.case_id = message.case_id
    elif decision.route is Route.NEW_CASE:
        subject, text = parsed.subject or "", parsed.text or ""
        uploads, notes = attachments_to_post(parsed)
        row.attachment_notes = notes
        try:
            # In a savepoint: a refusal leaves no half-opened case behind.
            with transaction.atomic():
                case = case_services.case_open(
                    # With its calendar: the case's deadlines are computed from it.
                    account=Account.objects.select_related("office_hours").get(pk=decision.account),
                    requester=user,
                    subject=case_subject(parsed),
                    description=post_text(parsed, notes),
                    category=Category.INFORMATION,
                    channel=Channel.EMAIL,
                    attachments=uploads,
                    # The acknowledgement is the customer's one mail about the filing.
                    mail_requester=not decision.send_acknowledgement,
                    now=now,
                )
                case_services.case_flag_for_staff(
                    case=case,
                    outage_signs=outage_signs(subject, text, parsed.header),
                    out_of_scope=excluded_request(subject, text),
                    now=now,
                )
        except (case_services.CaseError, ValidationError) as exc:
            row.outcome = Outcome.QUARANTINED
            row.reason = f"{decision.reason}, but {refusal(exc)}"
            return None
        row.outcome = Outcome.OPENED
        row.case = case
        if decision.send_acknowledgement:
            return FollowUp("inbound.send_acknowledgement")
    elif decision.route is Route.DELIVERY_FAILURE:
        row.outcome = Outcome.DELIVERY_FAILURE
        report = parsed.delivery_report
        if report is not None:
            row.failed_recipient = report.failed_recipient[:320]
            row.delivery_status = report.status[:16]
            row.diagnostic_code = report.diagnostic_code
        if report is not None and report.failed_recipient:
            row.reason += f": {report.failed_recipient} {report.status} {report.diagnostic_code}"
            row.reason = row.reason.strip()
    else:
        row.outcome = Outcome.QUARANTINED
        if not parsed.from_address or look.access_reply_sent:
            return None
        if decision.tell_staff and look.sender_is_staff:
            return FollowUp("inbound.send_held_notice", AccessReply.Kind.HELD)
        if decision.send_access_reply:
            return FollowUp("inbound.send_access_reply", AccessReply.Kind.ACCESS)
    return None


def purge_raw_messages(*, now: datetime | None = None, batch: int = 500) -> int:
    """Delete raw messages older than the retention period from the file storage; the
    summary rows stay, marked when their raw message was deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.INBOUND_RAW_MESSAGE_RETENTION_DAYS)
    due = InboundMessage.objects.filter(received_at__lt=cutoff).exclude(raw="")
    storage, purged = InboundMessage._meta.get_field("raw").storage, 0
    while rows := list(due.order_by("pk").values_list("pk", "raw")[:batch]):
        for _pk, name in rows:
            # A file already gone (a run stopped half-way) counts as deleted.
            storage.delete(name)
        purged += InboundMessage.objects.filter(pk__in=[pk for pk, _name in rows]).update(
            raw="", raw_purged_at=now
        )
    return purged
