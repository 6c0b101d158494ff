"""The assets a customer adds: their own sending domains, within the account's cap."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account

from . import selectors
from .models import SendingDomain


@transaction.atomic
def sending_domain_add(*, account: Account, name: str, purpose: str, added_by=None):
    """A customer's new domain: validated by the model, refused when its registrable
    domain is another account's (the customer adds only their own), and within the
    account's cap (DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT). ValidationError says why."""
    # The account's row is the lock: two additions at the cap cannot both pass.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if selectors.domain_count(account) >= (cap := domain_cap()):
        raise ValidationError(domain_cap_sentence(cap))
    domain = SendingDomain(account=account, name=name, purpose=purpose, added_by=added_by)
    domain.full_clean()
    if selectors.domain_held_elsewhere(account, domain.name):
        raise ValidationError({"name": DOMAIN_OF_ANOTHER_ACCOUNT})
    domain.save()
    return domain


DOMAIN_OF_ANOTHER_ACCOUNT = gettext_lazy(
    "This domain is monitored for another customer account. If you send with it, ask "
    "your Technical Account Manager to add it."
)


def domain_cap() -> int:
    return settings.DELIVERABILITY_MAX_DOMAINS_PER_ACCOUNT


def domain_cap_sentence(cap: int) -> str:
    return _(
        "Your account monitors %(count)s domains, the most it can. Ask your Technical "
        "Account Manager to remove one you no longer use or to raise the limit."
    ) % {"count": cap}
