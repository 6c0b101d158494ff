"""Check runs: started, cut into chunks, executed, resumed and finished, and the listings
they find recorded. The customer's own domains are added in assets.py; alerts in alerts.py."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from core import events as portal_events
from core import outbox

from . import checker, dnsbl, streaks
from .models import (
    Blocklist,
    CheckChunk,
    CheckRun,
    ListingEvent,
    ListingState,
    SendingDomain,
    SendingIP,
)

log = logging.getLogger(__name__)

# A chunk claimed longer ago than this belongs to a worker that died: it may be redone.
STALE_CHUNK_AFTER = timedelta(minutes=10)


def checker_options() -> checker.Options:
    """The checker's options from settings; ImproperlyConfigured with a sentence when bad."""
    try:
        nameservers = checker.parse_nameservers(settings.BLOCKLIST_NAMESERVERS)
    except ValueError as exc:
        raise ImproperlyConfigured(f"BLOCKLIST_NAMESERVERS: {exc}.") from None
    if settings.BLOCKLIST_CONCURRENCY < 1:
        raise ImproperlyConfigured("BLOCKLIST_CONCURRENCY must be at least 1.")
    if settings.BLOCKLIST_TIMEOUT_SECONDS <= 0:
        raise ImproperlyConfigured("BLOCKLIST_TIMEOUT_SECONDS must be more than 0.")
    if settings.BLOCKLIST_RETRIES < 0:
        raise ImproperlyConfigured("BLOCKLIST_RETRIES must be 0 or more.")
    return checker.Options(
        nameservers=nameservers,
        concurrency=settings.BLOCKLIST_CONCURRENCY,
        timeout=settings.BLOCKLIST_TIMEOUT_SECONDS,
        retries=settings.BLOCKLIST_RETRIES,
    )


# Runs -----------------------------------------------------------------------------------


def run_start(
    *,
    trigger: str,
    account: Account | None = None,
    requested_by=None,
    enqueue: bool = True,
    reuse: bool = True,
) -> CheckRun:
    """Plan a run in chunks and queue it. A run already waiting for the same scope is reused."""
    with transaction.atomic():
        waiting = reuse and _waiting_run(account)
        if waiting:
            return waiting
        run = CheckRun.objects.create(account=account, trigger=trigger, requested_by=requested_by)
        ips = SendingIP.objects.order_by("pk")
        domains = SendingDomain.objects.order_by("pk")
        if account is not None:
            ips, domains = ips.filter(account=account), domains.filter(account=account)
        ip_ids = list(ips.values_list("pk", flat=True))
        domain_ids = list(domains.values_list("pk", flat=True))
        size = max(1, settings.BLOCKLIST_CHUNK_SIZE)
        chunks = [
            CheckChunk(run=run, index=i // size, ip_ids=ip_ids[i : i + size])
            for i in range(0, len(ip_ids), size)
        ]
        offset = len(chunks)
        chunks += [
            CheckChunk(run=run, index=offset + i // size, domain_ids=domain_ids[i : i + size])
            for i in range(0, len(domain_ids), size)
        ]
        CheckChunk.objects.bulk_create(chunks)
        CheckRun.objects.filter(pk=run.pk).update(chunks_total=len(chunks))
        run.chunks_total = len(chunks)
        if enqueue:
            outbox.enqueue("deliverability.run_execute", run.pk)
    return run


class CheckTooSoon(Exception):
    """A customer asked for a check during the cool-off after the last one started."""

    def __init__(self, again_at):
        super().__init__(f"next check possible at {again_at:%Y-%m-%d %H:%M} UTC")
        self.again_at = again_at


def run_start_for_customer(*, account: Account, requested_by, now=None) -> CheckRun:
    """A customer's "check now": the account's check in progress if there is one, else a
    new one, unless one started less than BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES ago (the
    blocklists' operators limit how often we may ask)."""
    from .selectors import check_now_again_at, last_check_started_at

    now = now or timezone.now()
    with transaction.atomic():
        # One customer's request at a time per account: the second reads the first's run.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        waiting = _waiting_run(account)
        if waiting:
            return waiting
        again_at = check_now_again_at(last_check_started_at(account), now)
        if again_at is not None:
            raise CheckTooSoon(again_at)
        return run_start(
            trigger=CheckRun.Trigger.CUSTOMER, account=account, requested_by=requested_by
        )


def _waiting_run(account):
    return (
        CheckRun.objects.select_for_update()
        .filter(
            account=account,
            status__in=[CheckRun.Status.QUEUED, CheckRun.Status.RUNNING],
            created_at__gte=timezone.now() - STALE_CHUNK_AFTER,
        )
        .first()
    )


def run_execute(*, run_id: int, enqueue_chunks: bool = True) -> None:
    """Claim a queued run, test every zone's health once, then check its chunks.

    When every zone fails its test points the resolver failed, not the lists: the run is
    closed as one that could not run, checking nothing, so the last answers stay shown."""
    now = timezone.now()
    claimed = CheckRun.objects.filter(pk=run_id, status=CheckRun.Status.QUEUED).update(
        status=CheckRun.Status.RUNNING, started_at=now
    )
    if not claimed:
        return
    options = checker_options()
    lists = active_blocklists()
    key = settings.SPAMHAUS_DQS_KEY
    health = checker.zone_health({bl.pk: (bl.spec(key), bl.test_domain) for bl in lists}, options)
    resolver_failed = bool(lists) and not any(health.values())
    CheckRun.objects.filter(pk=run_id).update(
        zone_health={bl.zone: health[bl.pk] for bl in lists},
        queries=F("queries") + 2 * len(lists),
        resolver_failed=resolver_failed,
    )
    if resolver_failed:
        _close_as_not_run(run_id=run_id)
        return
    streaks.record_success(now=now)
    chunk_ids = list(
        CheckChunk.objects.filter(run_id=run_id).order_by("index").values_list("pk", flat=True)
    )
    if not chunk_ids:
        run_finish(run_id=run_id)
        return
    if enqueue_chunks:
        for chunk_id in chunk_ids:
            outbox.enqueue("deliverability.chunk_execute", chunk_id)
    else:
        for chunk_id in chunk_ids:
            chunk_execute(chunk_id=chunk_id)


def _close_as_not_run(*, run_id: int) -> None:
    with transaction.atomic():
        CheckChunk.objects.filter(run_id=run_id).update(status=CheckChunk.Status.DONE)
        closed = CheckRun.objects.filter(pk=run_id, status=CheckRun.Status.RUNNING).update(
            status=CheckRun.Status.FINISHED,
            finished_at=timezone.now(),
            chunks_done=F("chunks_total"),
        )
        if closed:
            streaks.record_failure(run=CheckRun.objects.get(pk=run_id), now=timezone.now())


def runs_resume(*, now=None) -> int:
    """Queue again what a lost task left undone; returns how many tasks were queued.

    Tasks are acknowledged late, so a dead worker's chunk normally comes back by itself;
    this sweep (run with each scheduled check) covers a task lost with its broker: a run
    still queued, the chunks of a run nobody finished, and the alerts of finished runs.
    """
    now = now or timezone.now()
    stale_before = now - STALE_CHUNK_AFTER
    run_ids = list(
        CheckRun.objects.filter(
            status=CheckRun.Status.QUEUED, created_at__lt=stale_before
        ).values_list("pk", flat=True)
    )
    stale = CheckChunk.objects.filter(
        run__status=CheckRun.Status.RUNNING,
        status__in=[CheckChunk.Status.PENDING, CheckChunk.Status.RUNNING],
        run__started_at__lt=stale_before,
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale_before))
    chunk_ids = list(stale.values_list("pk", flat=True))
    # The partial index listingevent_unreported serves this.
    unreported = sorted(
        set(
            ListingEvent.objects.filter(
                notified_at__isnull=True,
                run__status=CheckRun.Status.FINISHED,
                run__finished_at__lt=stale_before,
            ).values_list("run_id", "account_id")
        )
    )
    for run_id in run_ids:
        outbox.enqueue("deliverability.run_execute", run_id)
    for chunk_id in chunk_ids:
        outbox.enqueue("deliverability.chunk_execute", chunk_id)
    for run_id, account_id in unreported:
        outbox.enqueue("deliverability.alert_account", run_id, account_id)
    return len(run_ids) + len(chunk_ids) + len(unreported)


def active_blocklists() -> list[Blocklist]:
    return list(Blocklist.objects.filter(retired=False).order_by("pk"))


def chunk_execute(*, chunk_id: int) -> None:
    """Check one chunk's assets against every healthy list; safe to run twice."""
    now = timezone.now()
    claimed = CheckChunk.objects.filter(pk=chunk_id, status=CheckChunk.Status.PENDING).update(
        status=CheckChunk.Status.RUNNING, claimed_at=now
    ) or CheckChunk.objects.filter(
        pk=chunk_id, status=CheckChunk.Status.RUNNING, claimed_at__lt=now - STALE_CHUNK_AFTER
    ).update(claimed_at=now)
    if not claimed:
        return
    chunk = CheckChunk.objects.select_related("run").get(pk=chunk_id)
    run = chunk.run
    lists = active_blocklists()
    key = settings.SPAMHAUS_DQS_KEY
    ips = list(SendingIP.objects.filter(pk__in=chunk.ip_ids))
    domains = list(SendingDomain.objects.filter(pk__in=chunk.domain_ids))

    queries, outcomes = [], {}
    for bl in lists:
        spec = bl.spec(key)
        healthy = run.zone_health.get(bl.zone, False)
        for ip in ips:
            if not bl.applies_to_ip(ip.address):
                continue
            k = ("ip", ip.pk, bl.pk)
            if not healthy:
                outcomes[k] = dnsbl.error(dnsbl.ErrorKind.UNHEALTHY_ZONE)
                continue
            queries.append(checker.Query(k, dnsbl.query_name(ip.address, spec.zone, "ip"), spec))
        if bl.kind != Blocklist.Kind.DOMAIN:
            continue
        for domain in domains:
            k = ("domain", domain.pk, bl.pk)
            if not healthy:
                outcomes[k] = dnsbl.error(dnsbl.ErrorKind.UNHEALTHY_ZONE)
                continue
            try:
                name = dnsbl.query_name(domain.name, spec.zone, "domain")
            except ValueError:
                outcomes[k] = dnsbl.error(dnsbl.ErrorKind.INVALID_QUERY)
                continue
            queries.append(checker.Query(k, name, spec))
    outcomes.update(checker.check(queries, checker_options()))

    with transaction.atomic():
        _apply_outcomes(run=run, ips=ips, domains=domains, outcomes=outcomes, now=timezone.now())
        done = CheckChunk.objects.filter(pk=chunk_id, status=CheckChunk.Status.RUNNING).update(
            status=CheckChunk.Status.DONE
        )
        if done:
            CheckRun.objects.filter(pk=run.pk).update(
                chunks_done=F("chunks_done") + 1, queries=F("queries") + len(queries)
            )
    run_finish(run_id=run.pk)


def _apply_outcomes(*, run, ips, domains, outcomes, now) -> None:
    """Write each outcome into the asset's state on that list; changes become events."""
    accounts = {("ip", ip.pk): ip.account_id for ip in ips}
    accounts.update({("domain", d.pk): d.account_id for d in domains})
    existing = {}
    for st in ListingState.objects.select_for_update().filter(sending_ip__in=ips):
        existing[("ip", st.sending_ip_id, st.blocklist_id)] = st
    for st in ListingState.objects.select_for_update().filter(sending_domain__in=domains):
        existing[("domain", st.sending_domain_id, st.blocklist_id)] = st

    to_create, to_update, events = [], [], []
    # Most answers repeat the last one: those rows are only stamped, answered or not, in
    # one UPDATE each; the rows whose answer changed are written in full.
    stamped: dict[bool, list[int]] = {True: [], False: []}
    for k, outcome in outcomes.items():
        kind, asset_id, blocklist_id = k
        st = existing.get(k)
        before = None
        if st is None:
            st = ListingState(blocklist_id=blocklist_id)
            if kind == "ip":
                st.sending_ip_id = asset_id
            else:
                st.sending_domain_id = asset_id
            to_create.append(st)
        else:
            before = [getattr(st, f) for f in _ANSWER_FIELDS]
        st.last_checked_at, st.last_run = now, run
        if outcome.is_error:
            if st.error_kind != outcome.error_kind:
                st.error_kind, st.error_since = outcome.error_kind, now
            _changed_or_stamped(st, before, to_update, stamped[False])
            continue
        st.error_kind, st.error_since, st.answered_at = "", None, now
        new_state = (
            ListingState.State.LISTED
            if outcome.state == dnsbl.State.LISTED
            else ListingState.State.CLEAN
        )
        if new_state != st.state:
            baseline = st.state == ListingState.State.UNKNOWN
            if new_state == ListingState.State.LISTED or not baseline:
                events.append(
                    ListingEvent(
                        account_id=accounts[(kind, asset_id)],
                        sending_ip_id=st.sending_ip_id,
                        sending_domain_id=st.sending_domain_id,
                        blocklist_id=blocklist_id,
                        kind=ListingEvent.Kind.LISTED
                        if new_state == ListingState.State.LISTED
                        else ListingEvent.Kind.DELISTED,
                        at=now,
                        run=run,
                        reasons=list(outcome.reasons),
                        baseline=baseline,
                    )
                )
            st.state, st.since = new_state, now
        st.reasons, st.codes, st.txt = list(outcome.reasons), list(outcome.codes), outcome.txt
        _changed_or_stamped(st, before, to_update, stamped[True])
    ListingState.objects.bulk_create(to_create)
    # Django's bulk_update builds a CASE per field and row: for a chunk's few hundred
    # states it cost over a second of CPU, most of a run's time.
    ListingState.objects.bulk_update(
        to_update, [*_ANSWER_FIELDS, "last_checked_at", "answered_at", "last_run"]
    )
    ListingState.objects.filter(pk__in=stamped[True]).update(
        last_checked_at=now, answered_at=now, last_run=run
    )
    ListingState.objects.filter(pk__in=stamped[False]).update(last_checked_at=now, last_run=run)
    ListingEvent.objects.bulk_create(events)
    _emit_listings(events, ips, domains, now)


def _emit_listings(events, ips, domains, now) -> None:
    """Tell each account's listeners (its webhooks) of every listing and delisting."""
    if not events:
        return
    names = {("ip", ip.pk): ip.address for ip in ips}
    names.update({("domain", d.pk): d.name for d in domains})
    lists = {
        pk: {"name": name, "zone": zone}
        for pk, name, zone in Blocklist.objects.filter(
            pk__in={e.blocklist_id for e in events}
        ).values_list("pk", "name", "zone")
    }
    base = settings.PORTAL_BASE_URL.rstrip("/")
    for event in events:
        kind, pk = (
            ("ip", event.sending_ip_id)
            if event.sending_ip_id
            else ("domain", event.sending_domain_id)
        )
        listed = event.kind == ListingEvent.Kind.LISTED
        portal_events.emit(
            event.account_id,
            portal_events.EventType.BLOCKLIST_LISTED
            if listed
            else portal_events.EventType.BLOCKLIST_DELISTED,
            {
                "asset": {
                    "kind": kind,
                    "value": names[(kind, pk)],
                    "url": base + reverse(f"deliverability:{kind}", args=[pk]),
                },
                "blocklist": lists[event.blocklist_id],
                "reasons": list(event.reasons),
                # Found at the asset's first check: listed when monitoring started.
                "first_check": event.baseline,
            },
            occurred_at=now,
        )


_ANSWER_FIELDS = ("state", "since", "reasons", "codes", "txt", "error_kind", "error_since")


def _changed_or_stamped(st, before, to_update, stamped) -> None:
    """An existing state goes to `to_update` when its answer changed, else to `stamped`."""
    if before is None:
        return
    if before != [getattr(st, f) for f in _ANSWER_FIELDS]:
        to_update.append(st)
    else:
        stamped.append(st.pk)


def run_finish(*, run_id: int) -> bool:
    """Close a run whose chunks are all done, once, and report what changed."""
    finished = CheckRun.objects.filter(
        pk=run_id, status=CheckRun.Status.RUNNING, chunks_done__gte=F("chunks_total")
    ).update(status=CheckRun.Status.FINISHED, finished_at=timezone.now())
    if not finished:
        return False
    account_ids = (
        ListingEvent.objects.filter(run_id=run_id, notified_at__isnull=True)
        .values_list("account_id", flat=True)
        .distinct()
    )
    for account_id in sorted(set(account_ids)):
        outbox.enqueue("deliverability.alert_account", run_id, account_id)
    return True
