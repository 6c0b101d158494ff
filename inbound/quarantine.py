"""Staff actions on a quarantined message: open a case from it, attach it to a case as
the customer's reply, or discard it. Each locks the row and records who settled it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case, Category, Channel

from . import selectors
from .models import InboundMessage, Outcome
from .parse import ParsedMessage, parse_message
from .posting import MAX_SUBJECT, attachments_to_post, case_subject, post_reply, post_text, refusal


class InboundError(Exception):
    """A staff action on an inbound message that cannot be done; the message says why."""


def _lock_quarantined(inbound: InboundMessage | int) -> InboundMessage:
    pk = inbound.pk if isinstance(inbound, InboundMessage) else inbound
    row = InboundMessage.objects.select_for_update().get(pk=pk)
    if row.outcome != Outcome.QUARANTINED:
        raise InboundError(_("This message is no longer in quarantine."))
    return row


def _settle(row: InboundMessage, outcome: str, actor, now, reason: str) -> InboundMessage:
    row.outcome = outcome
    row.settled_by = actor
    row.settled_at = now
    row.reason = f"{row.reason}\n{reason}".strip()
    row.save()
    return row


def _requester_for(row: InboundMessage, requester):
    if requester is not None:
        return requester
    user, account, _staff = selectors.sender(row.from_address)
    if account is None:
        raise InboundError(
            _("Contact: %(address)s is not a contact of any account; choose the contact.")
            % {"address": row.from_address or "—"}
        )
    return user


def _parsed(row: InboundMessage) -> ParsedMessage | None:
    raw = row.raw_bytes()
    return parse_message(raw) if raw is not None else None


@transaction.atomic
def quarantine_open_case(*, inbound, actor, requester=None, now=None) -> Case:
    """Open a (non-critical) case from a quarantined message, for its sender or the
    contact staff chose."""
    now = now or timezone.now()
    row = _lock_quarantined(inbound)
    requester = _requester_for(row, requester)
    contact = getattr(requester, "contact", None)
    if contact is None:
        raise InboundError(_("Contact: choose a customer contact."))
    parsed = _parsed(row)
    uploads, notes = attachments_to_post(parsed) if parsed else ([], "")
    case = case_services.case_open(
        account=contact.account,
        requester=requester,
        subject=(case_subject(parsed) if parsed else row.subject[:MAX_SUBJECT]) or "—",
        description=(post_text(parsed, notes) if parsed else (row.reply_text or row.full_text)),
        category=Category.INFORMATION,
        channel=Channel.EMAIL,
        attachments=uploads,
        now=now,
    )
    row.case = case
    _settle(
        row,
        Outcome.OPENED,
        actor,
        now,
        _("Case %(reference)s opened by %(who)s.")
        % {"reference": case.reference, "who": actor.email},
    )
    return case


@transaction.atomic
def quarantine_attach(*, inbound, actor, case: Case, author=None, now=None):
    """Post a quarantined message on a case as the customer's reply (author: the sender
    if a contact of the case's account, else the contact staff chose)."""
    now = now or timezone.now()
    row = _lock_quarantined(inbound)
    author = author or _requester_for(row, None)
    contact = getattr(author, "contact", None)
    if not author.is_staff and (contact is None or contact.account_id != case.account_id):
        raise InboundError(
            _("Contact: %(address)s is not a contact of the account of case %(reference)s.")
            % {"address": author.email, "reference": case.reference}
        )
    parsed = _parsed(row)
    uploads, notes = attachments_to_post(parsed) if parsed else ([], "")
    body = post_text(parsed, notes) if parsed else (row.reply_text or row.full_text or "—")
    try:
        message = post_reply(case, author, body, uploads, now)
    except (case_services.CaseError, ValidationError) as exc:
        raise InboundError(refusal(exc)) from exc
    row.case = case
    row.case_message = message
    _settle(
        row,
        Outcome.POSTED,
        actor,
        now,
        _("Attached to %(reference)s by %(who)s.")
        % {"reference": case.reference, "who": actor.email},
    )
    return message


@transaction.atomic
def quarantine_discard(*, inbound, actor, now=None) -> InboundMessage:
    now = now or timezone.now()
    row = _lock_quarantined(inbound)
    return _settle(
        row, Outcome.DISCARDED, actor, now, _("Discarded by %(who)s.") % {"who": actor.email}
    )
