"""Reads of an account's team, with their joins: a fixed number of queries each."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Page, Paginator

from ..models import AccountEvent, Contact, Invitation
from .services import token_hash

EVENTS_PER_PAGE = 50
# The largest id a column holds: a larger one in a URL is no row, not an error.
LARGEST_ID = 2**63 - 1


def team_contacts(account) -> list[Contact]:
    return list(
        Contact.objects.filter(account=account)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def open_invitations(account, *, now: datetime) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            account=account, accepted_at=None, withdrawn_at=None, expires_at__gt=now
        )
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def team_contact(account, contact_id: int) -> Contact | None:
    """The account's contact of that id; another account's is None, as one that does not exist."""
    if contact_id > LARGEST_ID:
        return None
    return (
        Contact.objects.select_related("user", "account")
        .filter(account=account, pk=contact_id)
        .first()
    )


def team_invitation(account, invitation_id: int) -> Invitation | None:
    if invitation_id > LARGEST_ID:
        return None
    return Invitation.objects.filter(account=account, pk=invitation_id).first()


def invitation_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("account").filter(token_hash=token_hash(token)).first()


def account_record(account, page_number) -> Page:
    """The account's audit record, newest first, one page."""
    events = (
        AccountEvent.objects.filter(account=account).select_related("actor").order_by("-at", "-id")
    )
    return Paginator(events, EVENTS_PER_PAGE).get_page(page_number)


def open_invitation_for(account, email: str, *, now: datetime) -> Invitation | None:
    """The account's open invitation of this address, if any: what a sign-in by single
    sign-on accepts (with `services.invitation_accept(..., password=None)`) for an address
    with no login yet."""
    return (
        Invitation.objects.select_related("account")
        .filter(
            account=account,
            email__iexact=email,
            accepted_at=None,
            withdrawn_at=None,
            expires_at__gt=now,
        )
        .first()
    )
