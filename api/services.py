"""Every change of state of the API: tokens made, used and revoked, and the answers kept
for idempotency keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import customer_account
from accounts.models import AccountEvent, User
from accounts.services import account_event_record

from . import tokens
from .models import STAFF_SCOPES, ApiToken, IdempotencyKey, Scope

# A token's last use is written at most this often: a busy integration must not turn
# every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)
MAX_LIVE_TOKENS = 20


class TokenError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refuse_over_limit(owner, now: datetime | None = None) -> None:
    """A login holds at most MAX_LIVE_TOKENS live tokens: one more is refused."""
    if ApiToken.objects.live(now).filter(owner=owner).count() >= MAX_LIVE_TOKENS:
        raise TokenError(
            _("You have %(count)s tokens in use, the most there may be: revoke one first.")
            % {"count": MAX_LIVE_TOKENS}
        )


@transaction.atomic
def api_token_create(
    *,
    owner,
    name: str,
    scopes: list[str],
    actor,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `owner` (a customer contact, or staff for the vendor's own
    integrations); returns it with its secret, which is never stored."""
    now = now or timezone.now()
    allowed = STAFF_SCOPES if owner.is_staff else Scope.values
    scopes = sorted(set(scopes))
    if not scopes or any(s not in allowed for s in scopes):
        raise TokenError(_("Choose the token's scopes from the list."))
    if expires_at is not None and expires_at <= now:
        raise TokenError(_("A token must expire in the future."))
    account = customer_account(owner)
    if not owner.is_staff and account is None:
        raise TokenError(_("Only a contact of a customer account can have API tokens."))
    # Locks the owner's row: two requests at the limit cannot both pass.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    refuse_over_limit(owner, now)
    secret, prefix, digest = tokens.new_token()
    token = ApiToken.objects.create(
        owner=owner,
        account=None if owner.is_staff else account,
        name=name.strip(),
        scopes=scopes,
        token_hash=digest,
        prefix=prefix,
        created_at=now,
        created_by=actor,
        expires_at=expires_at,
    )
    if account is not None:
        account_event_record(
            account=account,
            kind=AccountEvent.Kind.API_TOKEN_CREATED,
            actor=actor,
            subject=f"{token.name} ({token.shown})",
            detail=", ".join(token.scopes),
        )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor, now: datetime | None = None) -> bool:
    """Revoke the token at once; False when it was revoked already."""
    now = now or timezone.now()
    changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    if not changed:
        return False
    token.revoked_at = now
    # The record of the account the token spoke for, even when its owner has left it.
    account = token.account
    if account is not None:
        account_event_record(
            account=account,
            kind=AccountEvent.Kind.API_TOKEN_REVOKED,
            actor=actor,
            subject=f"{token.name} ({token.shown})",
        )
    return True


def revoke_tokens_of(user, *, actor=None, now: datetime | None = None) -> int:
    """Revoke every live token of `user` (a contact deactivated, a login removed);
    returns how many. Each revocation is on the account's record."""
    now = now or timezone.now()
    count = 0
    for token in ApiToken.objects.live(now).filter(owner=user).select_related("account"):
        count += api_token_revoke(token=token, actor=actor, now=now)
    return count


def api_token_touch(token: ApiToken, now: datetime | None = None) -> None:
    """Note the token's use, at most once a minute (a conditional update: concurrent
    requests write once)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).exclude(
        last_used_at__gt=now - LAST_USED_RESOLUTION
    ).update(last_used_at=now)
    token.last_used_at = now


# --- idempotency keys ----------------------------------------------------------------


def idempotency_find(*, user, key: str, now: datetime | None = None) -> IdempotencyKey | None:
    now = now or timezone.now()
    return IdempotencyKey.objects.filter(user=user, key=key, expires_at__gt=now).first()


def idempotency_store(
    *,
    user,
    key: str,
    fingerprint: str,
    status_code: int,
    body,
    content_type: str,
    now: datetime | None = None,
) -> bool:
    """Keep the first answer for `key`, in the caller's transaction; False when another
    request stored one first (the caller rolls back and replays that one)."""
    now = now or timezone.now()
    # An expired answer of the same key gives way.
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            IdempotencyKey.objects.create(
                user=user,
                key=key,
                fingerprint=fingerprint,
                status_code=status_code,
                body=body,
                content_type=content_type,
                created_at=now,
                expires_at=now + timedelta(hours=settings.API_IDEMPOTENCY_HOURS),
            )
    except IntegrityError:
        return False
    return True


def idempotency_purge(now: datetime | None = None) -> int:
    """Forget the answers past their expiry."""
    now = now or timezone.now()
    deleted, _by_model = IdempotencyKey.objects.filter(expires_at__lte=now).delete()
    return deleted
