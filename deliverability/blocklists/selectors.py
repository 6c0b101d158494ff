"""Reads of blocklist monitoring shared by pages, admin and commands, with their joins."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from . import dnsbl, history
from .models import Blocklist, CheckRun, ListingEvent, ListingState, SendingDomain, SendingIP

CHART_DAYS = 30


@dataclass(frozen=True)
class Cell:
    blocklist: Blocklist
    state: ListingState | None  # None: not checked yet
    applicable: bool = True  # False: the list does not answer for this kind of address


@dataclass
class Row:
    asset: SendingIP | SendingDomain
    cells: list[Cell]


@dataclass
class Matrix:
    ip_lists: list[Blocklist]
    domain_lists: list[Blocklist]
    ip_rows: list[Row]
    domain_rows: list[Row]
    last_checked_at: datetime | None
    running: CheckRun | None
    # When the account's latest check started (any trigger): the customer's cool-off.
    last_started_at: datetime | None = None
    # The latest check of the account could not run (the resolver failed): that run, and
    # when a check of the account last ran.
    not_run: CheckRun | None = None
    last_run_at: datetime | None = None

    def next_check_at(self, now: datetime) -> datetime | None:
        """When the customer may start a check again; None if they may now."""
        return check_now_again_at(self.last_started_at, now)


def blocklist_matrix(account) -> Matrix:
    """Assets by lists for one account: six queries whatever the number of assets."""
    lists = list(Blocklist.objects.filter(retired=False).order_by("-major", "name"))
    ip_lists = [bl for bl in lists if bl.kind == Blocklist.Kind.IP]
    domain_lists = [bl for bl in lists if bl.kind == Blocklist.Kind.DOMAIN]
    ips = sorted(SendingIP.objects.filter(account=account), key=lambda ip: (ip.version, ip.address))
    domains = list(SendingDomain.objects.filter(account=account).order_by("name", "purpose"))
    states = ListingState.objects.filter(blocklist__retired=False, last_run__isnull=False)
    by_ip = {
        (s.sending_ip_id, s.blocklist_id): s
        for s in states.filter(sending_ip__account=account, sending_ip__isnull=False)
    }
    by_domain = {
        (s.sending_domain_id, s.blocklist_id): s
        for s in states.filter(sending_domain__account=account, sending_domain__isnull=False)
    }
    ip_rows = [
        Row(
            ip,
            [Cell(bl, by_ip.get((ip.pk, bl.pk)), bl.applies_to_ip(ip.address)) for bl in ip_lists],
        )
        for ip in ips
    ]
    domain_rows = [
        Row(d, [Cell(bl, by_domain.get((d.pk, bl.pk))) for bl in domain_lists]) for d in domains
    ]
    checked = [s.last_checked_at for s in [*by_ip.values(), *by_domain.values()]]
    latest = CheckRun.objects.filter(account=account).order_by("-created_at").first()
    in_progress = (CheckRun.Status.QUEUED, CheckRun.Status.RUNNING)
    running = latest if latest is not None and latest.status in in_progress else None
    not_run, last_run_at = check_not_run(account)
    return Matrix(
        ip_lists,
        domain_lists,
        ip_rows,
        domain_rows,
        max(checked, default=None),
        running,
        latest.created_at if latest is not None else None,
        not_run,
        last_run_at,
    )


def _finished_runs_of(account):
    """Finished runs that checked the account: its own, and those of every account."""
    return CheckRun.objects.filter(
        Q(account=account) | Q(account__isnull=True), status=CheckRun.Status.FINISHED
    )


def check_not_run(account) -> tuple[CheckRun | None, datetime | None]:
    """(the account's latest run, if it could not run; when a run last could), or
    (None, None) when the latest ran: one query, two when it could not."""
    runs = _finished_runs_of(account).order_by("-finished_at", "-pk")
    latest = runs.first()
    if latest is None or not latest.resolver_failed:
        return None, None
    ran = runs.filter(resolver_failed=False).values_list("finished_at", flat=True).first()
    return latest, ran


def check_now_again_at(last_started_at: datetime | None, now: datetime) -> datetime | None:
    """The end of the cool-off after a check of the account started; None once it is over."""
    if last_started_at is None:
        return None
    again = last_started_at + timedelta(minutes=settings.BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES)
    return again if again > now else None


def last_check_started_at(account) -> datetime | None:
    return (
        CheckRun.objects.filter(account=account)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


@dataclass
class Lane:
    blocklist: Blocklist
    state: ListingState | None
    segments: list[history.Segment]


def asset_history(asset, *, now: datetime | None = None, days: int = CHART_DAYS):
    """(lanes for the chart, events newest first) for one asset: three queries."""
    now = now or timezone.now()
    start = now - timedelta(days=days)
    field_name = "sending_ip" if isinstance(asset, SendingIP) else "sending_domain"
    events = list(
        ListingEvent.objects.filter(**{field_name: asset})
        .select_related("blocklist")
        .order_by("-at", "-id")
    )
    states = {
        s.blocklist_id: s
        for s in ListingState.objects.filter(**{field_name: asset}).select_related("blocklist")
    }
    kind = Blocklist.Kind.IP if field_name == "sending_ip" else Blocklist.Kind.DOMAIN
    lists = [
        bl
        for bl in Blocklist.objects.filter(retired=False, kind=kind).order_by("-major", "name")
        if kind == Blocklist.Kind.DOMAIN or bl.applies_to_ip(asset.address)
    ]
    lanes = []
    for bl in lists:
        state = states.get(bl.pk)
        changes = [
            (e.at, e.kind == ListingEvent.Kind.LISTED) for e in events if e.blocklist_id == bl.pk
        ]
        # Monitoring began at the first event, or when the first believed state was set.
        begun = min(
            [at for at, _ in changes] + ([state.since] if state and state.since else []),
            default=None,
        )
        lane_start = min(max(start, begun), now) if begun else now
        earlier = [listed for at, listed in sorted(changes) if at <= lane_start]
        segments = []
        if lane_start > start:
            segments.append(history.Segment(start, lane_start, None))
        if lane_start < now:
            segments += history.segments(
                changes,
                start=lane_start,
                end=now,
                listed_before=earlier[-1] if earlier else False,
            )
        lanes.append(Lane(bl, state, segments))
    return lanes, events


def asset_not_run(asset, *, now: datetime | None = None, days: int = CHART_DAYS):
    """The stretches of the chart's window in which the asset's checks could not run."""
    now = now or timezone.now()
    runs = _finished_runs_of(asset.account_id).filter(started_at__gte=now - timedelta(days=days))
    return history.not_run(list(runs.values_list("started_at", "resolver_failed")), end=now)


def newest_listings_for_staff():
    """Listing states across accounts, newest listings first (admin changelist)."""
    return ListingState.objects.select_related(
        "blocklist", "sending_ip__account", "sending_domain__account", "last_run"
    ).order_by("-since")


# Whose asset is it -------------------------------------------------------------------


def _same_registrable(name: str) -> Q:
    """Domains with the registrable domain of `name`: it, and every name under it."""
    registrable = dnsbl.registrable_domain(name) or name
    return Q(name=registrable) | Q(name__endswith=f".{registrable}")


def domain_count(account) -> int:
    return SendingDomain.objects.filter(account=account).count()


def domain_is_accounts(account, name: str) -> bool:
    """A domain is the account's when its registrable domain is that of one of the
    account's sending domains (news.example.com and example.com are one owner's)."""
    return SendingDomain.objects.filter(_same_registrable(name), account=account).exists()


def domain_held_elsewhere(account, name: str) -> bool:
    """Another account monitors a domain with the same registrable domain."""
    return SendingDomain.objects.filter(_same_registrable(name)).exclude(account=account).exists()


def ips_of_accounts(networks) -> dict[str, int]:
    """{address: account id} of the sending IPs within `networks` (from
    dnsbl.parse_networks: an IPv4 range is at most a /24, so it is listed whole)."""
    listed = [str(ip) for n in networks if n.version == 4 or n.num_addresses == 1 for ip in n]
    found = dict(SendingIP.objects.filter(address__in=listed).values_list("address", "account_id"))
    ranges6 = [n for n in networks if n.version == 6 and n.num_addresses > 1]
    if ranges6:
        # Too wide to list: compare the IPv6 sending IPs, which are few, in Python.
        for address, account_id in SendingIP.objects.filter(address__contains=":").values_list(
            "address", "account_id"
        ):
            if any(ipaddress.ip_address(address) in n for n in ranges6):
                found[address] = account_id
    return found


@dataclass(frozen=True)
class Summary:
    """The account's blocklist status in one line."""

    assets: int  # sending IPs and domains monitored
    listed_assets: int  # of them, listed on at least one list
    listings: int  # asset-on-list listings
    errors: int  # asset-on-list checks whose last attempt could not be completed
    last_checked_at: datetime | None


def blocklist_summary(account) -> Summary:
    """Two queries: the account's assets, and what the lists say about them now."""
    ips = SendingIP.objects.filter(account=account).order_by().values("pk")
    domains = SendingDomain.objects.filter(account=account).order_by().values("pk")
    assets = ips.union(domains, all=True).count()
    listed = Q(state=ListingState.State.LISTED)
    found = ListingState.objects.filter(
        Q(sending_ip__in=ips) | Q(sending_domain__in=domains),
        blocklist__retired=False,
        last_run__isnull=False,
    ).aggregate(
        listed_ips=Count("sending_ip", filter=listed, distinct=True),
        listed_domains=Count("sending_domain", filter=listed, distinct=True),
        listings=Count("pk", filter=listed),
        errors=Count("pk", filter=~Q(error_kind="")),
        last_checked_at=Max("last_checked_at"),
    )
    return Summary(
        assets=assets,
        listed_assets=found["listed_ips"] + found["listed_domains"],
        listings=found["listings"],
        errors=found["errors"],
        last_checked_at=found["last_checked_at"],
    )
