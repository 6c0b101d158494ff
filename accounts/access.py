"""Who may see which customer account: decided here, and only here.

Every customer-facing view of every app reaches an account through `customer_account`
(or the `customer_required` decorator), so one rule keeps customers apart.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from .models import Account, Contact


def customer_account(user) -> Account | None:
    """The one account a signed-in customer belongs to, or None (staff, or no account)."""
    if not user.is_authenticated or user.is_staff or not user.is_active:
        return None
    try:
        # Read with the user by the sign-in backend; one query otherwise.
        return user.contact.account
    except Contact.DoesNotExist:
        return None


def customer_required(view):
    """For customer pages: sets request.account, or explains why there is none."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.is_staff:
            return render(request, "accounts/staff_notice.html", status=200)
        account = customer_account(user)
        if account is None:
            return render(request, "accounts/no_account.html", status=403)
        request.account = account
        return view(request, *args, **kwargs)

    return wrapper


def is_primary_contact(user) -> bool:
    """The account's primary contact (a role staff set) manages its team, its sign-in and
    its integrations."""
    if customer_account(user) is None:
        return False
    return user.contact.role == Contact.Role.PRIMARY


def primary_contact_required(view):
    """For the pages that manage an account: a customer page for its primary contact only;
    another contact of the account is told who may do it."""

    @customer_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.contact.role != Contact.Role.PRIMARY:
            primaries = Contact.objects.filter(
                account=request.account, role=Contact.Role.PRIMARY, user__is_active=True
            ).select_related("user")
            return render(
                request,
                "accounts/primary_contact_only.html",
                {"primary_contacts": [c.user for c in primaries]},
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper
