"""Which case a customer may see: decided here for the list, the detail page, every
action, attachment downloads and mail replies alike."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.access import customer_account
from core import log_context

from .models import Attachment, Case


def cases_visible_to(account) -> QuerySet[Case]:
    return Case.objects.filter(account=account)


def case_for_customer(user, reference: str, *, account=None) -> Case:
    """The case with this reference if it belongs to the user's account; 404 otherwise
    (another account's case looks exactly like a case that does not exist)."""
    account = account if account is not None else customer_account(user)
    if account is None:
        raise Http404
    try:
        case = (
            cases_visible_to(account)
            .select_related("account__tam", "requester", "assigned_agent")
            .get(reference=reference)
        )
    except Case.DoesNotExist:
        raise Http404 from None
    log_context.set_case(case.reference)
    return case


def may_rate(user, case: Case, agreement, *, following: bool) -> bool:
    """Who rates a resolution: the case's requester, its followers, and the contact who
    agreed to it (`agreement`, the accepted proposal); not every contact of the account."""
    return (
        user.pk == case.requester_id
        or following
        or (agreement is not None and agreement.customer_id == user.pk)
    )


def attachment_for_customer(user, reference: str, attachment_id: int, *, account=None):
    case = case_for_customer(user, reference, account=account)
    attachment = (
        Attachment.objects.filter(pk=attachment_id, case=case).select_related("message").first()
    )
    if attachment is None or (attachment.message and attachment.message.is_internal):
        raise Http404
    return case, attachment
