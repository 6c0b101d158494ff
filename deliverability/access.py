"""Which sending IPs, domains and check runs a customer may see: one helper per kind.

Each looks the object up within the customer's own account and 404s otherwise, so
another account's object cannot be told apart from one that does not exist.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.access import customer_account

from .models import CheckRun, SendingDomain, SendingIP


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
