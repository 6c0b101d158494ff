"""Reads of single sign-on: which configuration an email address must use."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q

from accounts.models import Contact, User

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


def domains_of_other_accounts_contacts(domains: list[str], *, account) -> list[str]:
    """Those of `domains` in the addresses of another account's contacts: naming one would
    take their password sign-in away and send them to this account's provider."""
    if not domains:
        return []
    addresses = reduce(or_, (Q(user__email__iendswith=f"@{d}") for d in domains))
    emails = Contact.objects.exclude(account=account).filter(addresses)
    found = {e.rsplit("@", 1)[1].lower() for e in emails.values_list("user__email", flat=True)}
    return sorted(found & set(domains))
