"""Reads the inbound mail routing needs: which case a message belongs to, who sent it.

`cases.OutboundMessage` stores Message-IDs with angle brackets; inbound ids are stored
normalised (without). Both forms are asked for, so either side matches.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

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


def case_by_message_ids(ids: Iterable[str]) -> tuple[int, int] | None:
    """(case id, account id) of the case whose stored outbound or inbound Message-ID is
    among `ids`; the first id in the order given wins (In-Reply-To before References)."""
    ordered = [normalise_message_id(i) for i in ids]
    ordered = [i for i in ordered if i]
    if not ordered:
        return None
    found: dict[str, tuple[int, int]] = {}
    for message_id, case_id, account_id in OutboundMessage.objects.filter(
        message_id__in=_both_forms(ordered)
    ).values_list("message_id", "case_id", "case__account_id"):
        found.setdefault(normalise_message_id(message_id), (case_id, account_id))
    if not all(i in found for i in ordered[:1]):
        for message_id, case_id, account_id in InboundMessage.objects.filter(
            message_id__in=ordered, case__isnull=False
        ).values_list("message_id", "case_id", "case__account_id"):
            found.setdefault(message_id, (case_id, account_id))
    for message_id in ordered:
        if message_id in found:
            return found[message_id]
    return None


def case_by_reference(reference: str | None) -> tuple[int, int] | None:
    """(case id, account id) of the case with this reference."""
    if not reference:
        return None
    return Case.objects.filter(reference=reference.upper()).values_list("pk", "account_id").first()


def sender(address: str):
    """(user, account id, is staff) for an address; (None, None, False) if unknown.
    Inactive users are unknown."""
    if not address:
        return None, None, False
    users = get_user_model().objects.select_related("contact").filter(is_active=True).order_by()
    # The exact address uses the unique index; a differently cased one falls back.
    user = users.filter(email=address).first() or users.filter(email__iexact=address).first()
    if user is None:
        return None, None, False
    if user.is_staff:
        return user, None, True
    contact = getattr(user, "contact", None)
    return user, (contact.account_id if contact else None), False


def quarantine() -> QuerySet[InboundMessage]:
    return InboundMessage.objects.filter(outcome=Outcome.QUARANTINED).select_related(
        "case", "settled_by"
    )
