"""Reads of single sign-on: which configuration an email address must use."""

from __future__ import annotations

from accounts.models import User

from .domains import email_domain
from .models import AccountSignOn, SignOnDomain


def sign_on_for_email(email: str | None) -> AccountSignOn | None:
    """The enabled configuration whose domains include the email's domain, or None."""
    domain = email_domain(email)
    if domain is None:
        return None
    return (
        AccountSignOn.objects.filter(enabled=True, domains__domain=domain)
        .select_related("account")
        .first()
    )


def password_refused(email: str | None) -> AccountSignOn | None:
    """The configuration that refuses a password sign-in or reset for `email`, or None.
    Staff keep their password (and second factor): they never sign in by a customer's
    provider, whatever their address."""
    sign_on = sign_on_for_email(email)
    if sign_on is None or User.objects.filter(email__iexact=email, is_staff=True).exists():
        return None
    return sign_on


def sign_on_of_account(account) -> AccountSignOn | None:
    return AccountSignOn.objects.filter(account=account).prefetch_related("domains").first()


def domains_held_elsewhere(domains: list[str], *, account) -> list[str]:
    """Those of `domains` that another account's configuration names already."""
    held = SignOnDomain.objects.filter(domain__in=domains).exclude(sign_on__account=account)
    return sorted(held.values_list("domain", flat=True))
