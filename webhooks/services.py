"""Every change of state of webhooks: one function per action.

A delivery is a row with a `next_attempt_at`. An event writes one per subscribed
endpoint and queues its first attempt through the outbox (a paused endpoint's is written
as failed, not sent, for the customer to redeliver), in the transaction of the
change that emitted it; a failed attempt moves `next_attempt_at` along the backoff
(`retry.py`) and the retry sweep, run by beat every minute, queues the attempts that are
due. A worker claims an attempt with a conditional update before it sends, so two
workers (or a task handed on twice) never send the same attempt, and a delivery that
succeeded is never sent again. After 24 hours of failures the delivery has failed, the
endpoint is paused and the account's primary contacts are mailed.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Account, AccountEvent, Contact, User
from accounts.services import account_event_record
from core import outbox
from core.events import Event, EventType
from core.mail import render_mail
from core.once import once

from . import addresses, retry, sending, signing
from .models import (
    MAX_ENDPOINTS_PER_ACCOUNT,
    MAX_PENDING_BY_HAND,
    TEST_EVENT_TYPE,
    Delivery,
    Endpoint,
)

DELIVER_TASK = "webhooks.deliver"
PAUSED_MAIL_TASK = "webhooks.mail_endpoint_paused"


class WebhookError(Exception):
    """A refused action, with a sentence naming what is wrong (and the form field)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def body_for(*, event_id: str, event_type: str, occurred_at: datetime, account, data) -> str:
    """The delivery's JSON body, the bytes that are signed (docs/webhooks.md)."""
    envelope = {
        "id": event_id,
        "type": event_type,
        "occurred_at": _iso(occurred_at),
        "account": {"id": account.pk, "name": account.name},
        "data": data,
    }
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"))


def not_sent_while_paused() -> str:
    return _("Not sent: the endpoint was paused. Redeliver it once the endpoint is resumed.")


def _queue(endpoint: Endpoint, *, event_id, event_type, body, now, redelivery_of=None):
    # A paused endpoint's delivery is kept in the log, never sent: the customer
    # redelivers it once they resume.
    paused = {
        "status": Delivery.Status.FAILED,
        "next_attempt_at": None,
        "error": not_sent_while_paused(),
    }
    delivery = Delivery.objects.create(
        endpoint=endpoint,
        event_id=event_id,
        event_type=event_type,
        body=body,
        created_at=now,
        redelivery_of=redelivery_of,
        **(paused if not endpoint.is_active else {"next_attempt_at": now}),
    )
    if endpoint.is_active:
        outbox.enqueue(DELIVER_TASK, delivery.pk)
    return delivery


# --- events ------------------------------------------------------------------------


def deliveries_for_event(event: Event) -> list[Delivery]:
    """The sink of core.events: a delivery to each endpoint subscribed to the event's
    type, among the accounts it concerns; a paused endpoint's is logged as not sent, to
    be redelivered. Runs in the emitter's transaction."""
    endpoints = Endpoint.objects.filter(account_id__in=event.account_ids).select_related("account")
    deliveries = []
    now = timezone.now()
    for endpoint in endpoints:
        if event.type not in endpoint.event_types:
            continue
        # Each account's event has an id of its own (an incident update concerns many),
        # the same for every endpoint of the account.
        event_id = uuid.uuid5(uuid.UUID(event.id), str(endpoint.account_id)).hex
        body = body_for(
            event_id=event_id,
            event_type=event.type,
            occurred_at=event.occurred_at,
            account=endpoint.account,
            data=event.data,
        )
        deliveries.append(
            _queue(endpoint, event_id=event_id, event_type=event.type, body=body, now=now)
        )
    return deliveries


# --- endpoints -----------------------------------------------------------------------


def _check_event_types(event_types) -> list[str]:
    chosen = [t for t in EventType.values if t in set(event_types)]
    if not chosen or len(chosen) != len(set(event_types)):
        raise WebhookError(_("Choose at least one of the listed event types."), "event_types")
    return chosen


def check_url(url: str) -> None:
    """Refuse a URL that is not HTTPS or does not resolve to a public address."""
    try:
        addresses.check(url, allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES)
    except addresses.AddressRefused as exc:
        raise WebhookError(exc.message, "url") from None


@transaction.atomic
def endpoint_register(
    *, account: Account, actor: User, url: str, event_types, now: datetime | None = None
) -> tuple[Endpoint, str]:
    """Register an endpoint; returns it and its signing secret, which the primary contact
    is shown this once."""
    now = _now(now)
    url = url.strip()
    event_types = _check_event_types(event_types)
    check_url(url)
    # One registration at a time per account, so the cap holds.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if Endpoint.objects.filter(account=account).count() >= MAX_ENDPOINTS_PER_ACCOUNT:
        raise WebhookError(
            _("An account can have at most %(max)d webhook endpoints; delete one first.")
            % {"max": MAX_ENDPOINTS_PER_ACCOUNT}
        )
    secret = signing.new_secret()
    endpoint = Endpoint.objects.create(
        account=account,
        url=url,
        event_types=event_types,
        secret=secret,
        created_by=actor,
        created_at=now,
    )
    account_event_record(
        account=account,
        kind=AccountEvent.Kind.WEBHOOK_ADDED,
        actor=actor,
        subject=url,
        detail=", ".join(event_types),
    )
    return endpoint, secret


def _locked(endpoint: Endpoint) -> Endpoint:
    return Endpoint.objects.select_for_update().select_related("account").get(pk=endpoint.pk)


@transaction.atomic
def endpoint_change_event_types(*, endpoint: Endpoint, actor: User, event_types) -> Endpoint:
    event_types = _check_event_types(event_types)
    endpoint = _locked(endpoint)
    if endpoint.event_types == event_types:
        return endpoint
    endpoint.event_types = event_types
    endpoint.save(update_fields=["event_types"])
    account_event_record(
        account=endpoint.account,
        kind=AccountEvent.Kind.WEBHOOK_CHANGED,
        actor=actor,
        subject=endpoint.url,
        detail=_("Event types: %(types)s") % {"types": ", ".join(event_types)},
    )
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, actor: User, now=None) -> tuple[Endpoint, str]:
    """A new signing secret, used from the next attempt on; returned to be shown once."""
    endpoint = _locked(endpoint)
    secret = signing.new_secret()
    endpoint.secret = secret
    endpoint.secret_rotated_at = _now(now)
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    account_event_record(
        account=endpoint.account,
        kind=AccountEvent.Kind.WEBHOOK_CHANGED,
        actor=actor,
        subject=endpoint.url,
        detail=_("Signing secret rotated."),
    )
    return endpoint, secret


def _pause(endpoint: Endpoint, *, actor: User | None, reason: str, now: datetime) -> None:
    """Pause (already locked) and give up what was still to be sent: a paused endpoint is
    sent nothing, and the customer redelivers what they miss once it is back."""
    endpoint.status = Endpoint.Status.PAUSED
    endpoint.paused_at = now
    endpoint.paused_reason = reason[:300]
    endpoint.save(update_fields=["status", "paused_at", "paused_reason"])
    endpoint.deliveries.filter(status=Delivery.Status.PENDING).update(
        status=Delivery.Status.FAILED,
        next_attempt_at=None,
        error=not_sent_while_paused(),
    )
    account_event_record(
        account=endpoint.account,
        kind=AccountEvent.Kind.WEBHOOK_PAUSED,
        actor=actor,
        subject=endpoint.url,
        detail=reason,
    )


@transaction.atomic
def endpoint_pause(*, endpoint: Endpoint, actor: User, now=None) -> Endpoint:
    endpoint = _locked(endpoint)
    if endpoint.is_active:
        _pause(endpoint, actor=actor, reason=_("Paused by the primary contact."), now=_now(now))
    return endpoint


@transaction.atomic
def endpoint_resume(*, endpoint: Endpoint, actor: User) -> Endpoint:
    endpoint = _locked(endpoint)
    if endpoint.is_active:
        return endpoint
    endpoint.status = Endpoint.Status.ACTIVE
    endpoint.paused_at = None
    endpoint.paused_reason = ""
    endpoint.save(update_fields=["status", "paused_at", "paused_reason"])
    account_event_record(
        account=endpoint.account,
        kind=AccountEvent.Kind.WEBHOOK_RESUMED,
        actor=actor,
        subject=endpoint.url,
    )
    return endpoint


@transaction.atomic
def endpoint_remove(*, endpoint: Endpoint, actor: User) -> None:
    """Delete the endpoint with its delivery log; the audit record keeps its URL."""
    endpoint = _locked(endpoint)
    account_event_record(
        account=endpoint.account,
        kind=AccountEvent.Kind.WEBHOOK_REMOVED,
        actor=actor,
        subject=endpoint.url,
    )
    endpoint.delete()


def _refuse_unless_active(endpoint: Endpoint) -> None:
    """For the sends a primary contact asks for: the endpoint is active and not already
    waiting on many of them (the row is locked, so two requests count each other)."""
    if not endpoint.is_active:
        raise WebhookError(_("The endpoint is paused: resume it first."))
    waiting = endpoint.deliveries.filter(status=Delivery.Status.PENDING).filter(
        Q(event_type=TEST_EVENT_TYPE) | Q(redelivery_of__isnull=False)
    )
    if waiting.count() >= MAX_PENDING_BY_HAND:
        raise WebhookError(
            _(
                "%(count)d test events and redeliveries to this endpoint are still waiting to be "
                "delivered; send more once they are."
            )
            % {"count": MAX_PENDING_BY_HAND}
        )


@transaction.atomic
def endpoint_send_test(*, endpoint: Endpoint, actor: User, now=None) -> Delivery:
    """A "ping" event to this endpoint alone, whatever it subscribed to."""
    now = _now(now)
    endpoint = _locked(endpoint)
    _refuse_unless_active(endpoint)
    event_id = uuid.uuid4().hex
    body = body_for(
        event_id=event_id,
        event_type=TEST_EVENT_TYPE,
        occurred_at=now,
        account=endpoint.account,
        data={"message": "A test event sent from the support portal.", "sent_by": actor.email},
    )
    return _queue(endpoint, event_id=event_id, event_type=TEST_EVENT_TYPE, body=body, now=now)


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, actor: User, now=None) -> Delivery:
    """Send a delivery's event again, as a new delivery (a new delivery id, the same
    event id and body) with 24 hours of retries of its own."""
    now = _now(now)
    endpoint = _locked(delivery.endpoint)
    _refuse_unless_active(endpoint)
    return _queue(
        endpoint,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        body=delivery.body,
        now=now,
        redelivery_of=delivery,
    )


# --- delivery ---------------------------------------------------------------------


def claim_lasts() -> timedelta:
    """How long a claimed attempt may take before the sweep takes it as lost."""
    return timedelta(seconds=settings.WEBHOOKS_CONNECT_TIMEOUT + settings.WEBHOOKS_TIMEOUT + 60)


def delivery_attempt(*, delivery_pk: int, now: datetime | None = None) -> Delivery | None:
    """Make the delivery's attempt that is due, once: None when there is nothing to do
    (delivered, failed, not due, paused, or another worker claimed it). Not one
    transaction: the POST happens between the claim and the record of its outcome."""
    now = _now(now)
    row = Delivery.objects.select_related("endpoint").filter(pk=delivery_pk).first()
    if row is None or row.status != Delivery.Status.PENDING or not row.endpoint.is_active:
        return None
    if row.next_attempt_at is None or row.next_attempt_at > now:
        return None
    # The claim: of two workers reading the same due row, one moves it; the other's
    # update finds it moved and changes nothing.
    claimed = Delivery.objects.filter(
        pk=row.pk,
        status=Delivery.Status.PENDING,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
    ).update(next_attempt_at=now + claim_lasts(), attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return None
    outcome = _send(row, row.endpoint)
    return delivery_record(delivery_pk=row.pk, attempt=row.attempts + 1, outcome=outcome, now=now)


def _send(delivery: Delivery, endpoint: Endpoint) -> sending.Outcome:
    try:
        target = addresses.check(
            endpoint.url, allow_private=settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
        )
    except addresses.AddressRefused as exc:
        return sending.Outcome(ok=False, status=None, ms=0, error=exc.message)
    body = delivery.body.encode()
    timestamp = int(timezone.now().timestamp())
    headers = signing.headers(
        endpoint.secret, timestamp, str(delivery.delivery_id), delivery.event_type, body
    )
    return sending.post(
        target,
        headers,
        body,
        connect_timeout=settings.WEBHOOKS_CONNECT_TIMEOUT,
        total_timeout=settings.WEBHOOKS_TIMEOUT,
        ca_bundle=settings.WEBHOOKS_CA_BUNDLE,
    )


@transaction.atomic
def delivery_record(
    *, delivery_pk: int, attempt: int, outcome: sending.Outcome, now: datetime
) -> Delivery | None:
    """Write the attempt's outcome: delivered, to be retried, or failed for good (then
    the endpoint is paused and its primary contacts are told)."""
    delivery = (
        Delivery.objects.select_for_update().select_related("endpoint__account").get(pk=delivery_pk)
    )
    if delivery.status != Delivery.Status.PENDING or delivery.attempts != attempt:
        return None  # paused meanwhile, or a late report of an attempt taken as lost
    delivery.response_status = outcome.status
    delivery.response_ms = outcome.ms
    delivery.error = outcome.error
    if outcome.ok:
        delivery.status = Delivery.Status.SUCCEEDED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = retry.next_attempt_at(
            created_at=delivery.created_at, attempts=attempt, failed_at=now
        )
        if delivery.next_attempt_at is None:
            delivery.status = Delivery.Status.FAILED
    delivery.save(
        update_fields=["status", "next_attempt_at", "response_status", "response_ms", "error"]
    )
    if delivery.status == Delivery.Status.FAILED:
        _pause_after_failures(delivery.endpoint, now, outcome.error)
    return delivery


def _pause_after_failures(endpoint: Endpoint, now: datetime, error: str) -> None:
    endpoint = _locked(endpoint)
    if not endpoint.is_active:
        return
    _pause(
        endpoint,
        actor=None,
        reason=_("Deliveries failed for %(hours)d hours. The last error: %(error)s")
        % {"hours": retry.RETRY_FOR.total_seconds() // 3600, "error": error},
        now=now,
    )
    outbox.enqueue(PAUSED_MAIL_TASK, endpoint.pk, _iso(now))


def deliveries_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """The retry sweep: queue every due attempt (a retry, or one whose worker was lost);
    returns how many. A due row queued twice is sent once (the claim)."""
    now = _now(now)
    due = list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now,
            endpoint__status=Endpoint.Status.ACTIVE,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    with transaction.atomic():
        for pk in due:
            outbox.enqueue(DELIVER_TASK, pk)
    return len(due)


PURGE_BATCH = 2000


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete the delivered and failed deliveries older than the retention, in batches
    (a long-paused endpoint's log can be large); returns how many. A pending one stays
    whatever its age. Safe to run twice."""
    cutoff = _now(now) - timedelta(days=settings.WEBHOOKS_DELIVERY_RETENTION_DAYS)
    finished = Delivery.objects.filter(
        created_at__lt=cutoff, status__in=[Delivery.Status.SUCCEEDED, Delivery.Status.FAILED]
    )
    deleted = 0
    while batch := list(finished.values_list("pk", flat=True)[:PURGE_BATCH]):
        # A redelivery of a deleted delivery keeps its row; its link is cleared (SET_NULL).
        deleted += Delivery.objects.filter(pk__in=batch).delete()[1].get(Delivery._meta.label, 0)
    return deleted


def primary_contact_logins(account_id: int) -> list[User]:
    return [
        contact.user
        for contact in Contact.objects.filter(
            account_id=account_id, role=Contact.Role.PRIMARY, user__is_active=True
        ).select_related("user")
    ]


def endpoint_paused_mail(*, endpoint_pk: int, paused_at: str) -> int:
    """Tell the account's primary contacts, each in their language, that the endpoint was
    paused; once per pause. Returns how many were mailed."""
    endpoint = Endpoint.objects.select_related("account").filter(pk=endpoint_pk).first()
    if endpoint is None:
        return 0

    def send_all() -> int:
        logins = primary_contact_logins(endpoint.account_id)
        page = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
            "webhooks:endpoint", args=[endpoint.pk]
        )
        for login in logins:
            with translation.override(login.language), timezone.override(login.time_zone):
                mail = render_mail(
                    "webhooks/emails/endpoint_paused",
                    {
                        "endpoint": endpoint,
                        "user": login,
                        "url": page,
                        "hours": int(retry.RETRY_FOR.total_seconds() // 3600),
                    },
                )
            send_mail(mail.subject, mail.text, None, [login.email])
        return len(logins)

    return once(f"webhooks:paused:{endpoint_pk}:{paused_at}", send_all) or 0
