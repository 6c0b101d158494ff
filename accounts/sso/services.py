"""Every change of single sign-on: staff configure it, the primary contact lets colleagues
join, a colleague joins at sign-in. Each writes the account's audit record."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from accounts.models import AccountEvent, Contact, User
from accounts.services import account_event_record
from core import outbox

from .models import AccountSignOn, SignOnDomain

# What the audit record names of a change (never the secret itself).
AUDITED_FIELDS = ("issuer", "client_id", "enabled", "allow_joining")
# Who may sign in as the account's people, and through whom: the primary contacts are
# mailed when these change, so a change nobody asked for is seen.
MAILED_FIELDS = ("issuer", "enabled")
CHANGED_MAIL_TASK = "accounts.tasks.send_sign_on_changed"


@transaction.atomic
def sign_on_save(
    *, sign_on: AccountSignOn, actor: User, client_secret: str | None, domains: list[str]
) -> AccountSignOn:
    """Staff configure an account's single sign-on, or change it: `sign_on` carries the
    new account, issuer, client id and switches; a `client_secret` of None keeps the
    stored one. `domains` are normalised (domains.parse_domains); a domain another
    account holds fails on its unique constraint."""
    stored = (
        AccountSignOn.objects.select_for_update().filter(pk=sign_on.pk).first()
        if sign_on.pk
        else None
    )
    created = stored is None
    before = {} if created else {name: getattr(stored, name) for name in AUDITED_FIELDS}
    before_domains = [] if created else stored.domain_names
    if client_secret is not None:
        sign_on.client_secret = client_secret
    elif not created:
        sign_on.client_secret = stored.client_secret
    sign_on.full_clean()
    sign_on.save()
    domains = sorted(set(domains))
    if domains != before_domains:
        sign_on.domains.exclude(domain__in=domains).delete()
        SignOnDomain.objects.bulk_create(
            SignOnDomain(sign_on=sign_on, domain=d) for d in domains if d not in before_domains
        )
    changes = _changes(sign_on, before, before_domains, domains, client_secret, created=created)
    if changes:
        event = account_event_record(
            account=sign_on.account,
            kind=AccountEvent.Kind.SSO_CONFIGURED if created else AccountEvent.Kind.SSO_CHANGED,
            actor=actor,
            subject=sign_on.issuer,
            detail="\n".join(changes),
        )
        if (
            created
            or domains != before_domains
            or any(before[name] != getattr(sign_on, name) for name in MAILED_FIELDS)
        ):
            outbox.enqueue(
                CHANGED_MAIL_TASK,
                event.pk,
                sign_on.issuer,
                domains,
                sign_on.enabled,
            )
    return sign_on


def _changes(sign_on, before, before_domains, domains, client_secret, *, created) -> list[str]:
    # Written in the site's language: the record is read by staff and the customer alike.
    with translation.override("en"):
        lines = []
        for name in AUDITED_FIELDS:
            value = getattr(sign_on, name)
            if created or before.get(name) != value:
                label = AccountSignOn._meta.get_field(name).verbose_name
                lines.append(f"{label}: {value}")
        if domains != before_domains:
            lines.append(f"domains: {', '.join(sorted(domains))}")
        if client_secret is not None and not created:
            lines.append("client secret replaced")
    return lines


@transaction.atomic
def sign_on_set_joining(*, sign_on: AccountSignOn, actor: User, on: bool) -> AccountSignOn:
    """The primary contact lets colleagues of the account's domains join at their first
    single sign-on, or stops it."""
    sign_on = AccountSignOn.objects.select_for_update().get(pk=sign_on.pk)
    if sign_on.allow_joining == on:
        return sign_on
    sign_on.allow_joining = on
    sign_on.save(update_fields=["allow_joining", "updated_at"])
    account_event_record(
        account=sign_on.account,
        kind=AccountEvent.Kind.SSO_JOINING_CHANGED,
        actor=actor,
        subject=sign_on.issuer,
        detail="on" if on else "off",
    )
    return sign_on


@transaction.atomic
def sign_on_contact_create(
    *, sign_on: AccountSignOn, email: str, full_name: str, language: str = ""
) -> User:
    """A colleague joins at their first single sign-on: a login without a password (they
    sign in through their provider) and a contact of the account, in the language they
    signed in with and the account's time zone."""
    user = User.objects.create_user(
        email,
        password=None,
        full_name=full_name.strip()[:150] or email.split("@")[0][:150],
        language=language if language in dict(User.Language.choices) else User.Language.ENGLISH,
        time_zone=sign_on.account.time_zone,
    )
    Contact.objects.create(user=user, account=sign_on.account, role=Contact.Role.OTHER)
    account_event_record(
        account=sign_on.account,
        kind=AccountEvent.Kind.SSO_CONTACT_CREATED,
        actor=None,
        subject=user.email,
        detail=sign_on.issuer,
    )
    return user
