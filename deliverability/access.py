"""Which sending IPs, domains and check runs a customer may see: one helper per kind.

Each looks the object up within the customer's own account and 404s otherwise, so
another account's object cannot be told apart from one that does not exist.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import customer_account

from .models import (
    CheckRun,
    ListingState,
    PlanningSession,
    RemediationRequest,
    SendingDomain,
    SendingIP,
    WarmupPlan,
)


def _account_or_404(user):
    account = customer_account(user)
    if account is None:
        raise Http404
    return account


def sending_ip_for_customer(user, pk) -> SendingIP:
    return get_object_or_404(SendingIP, pk=pk, account=_account_or_404(user))


def sending_domain_for_customer(user, pk) -> SendingDomain:
    return get_object_or_404(SendingDomain, pk=pk, account=_account_or_404(user))


def check_run_for_customer(user, pk) -> CheckRun:
    return get_object_or_404(CheckRun, pk=pk, account=_account_or_404(user))


def warmup_plan_for_customer(user, pk) -> WarmupPlan:
    return get_object_or_404(WarmupPlan, pk=pk, account=_account_or_404(user))


def remediation_request_for_customer(user, pk) -> RemediationRequest:
    return get_object_or_404(
        RemediationRequest.objects.select_related("case", "listing__blocklist"),
        pk=pk,
        account=_account_or_404(user),
    )


def planning_session_for_customer(user, pk) -> PlanningSession:
    return get_object_or_404(PlanningSession, pk=pk, account=_account_or_404(user))


def listing_for_customer(user, pk) -> ListingState:
    """A listing of one of the customer's own IPs or domains."""
    account = _account_or_404(user)
    state = get_object_or_404(
        ListingState.objects.select_related("blocklist", "sending_ip", "sending_domain"), pk=pk
    )
    asset = state.sending_ip or state.sending_domain
    if asset is None or asset.account_id != account.pk:
        raise Http404
    return state
