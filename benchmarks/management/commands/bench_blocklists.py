"""Benchmark: 1,000 IPs x 8 zones on a loopback DNS server; ours against pydnsbl.

Starts dnsmasq on port 53 of a second loopback address (pydnsbl's resolver takes an
address but no port), serves the same zones to both checkers, and prints queries per
second, total time and peak memory of each, their ratio, and where they disagree.
"""

from __future__ import annotations

import asyncio
import random
import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError

from deliverability.blocklists import checker, dnsbl
from deliverability.blocklists.dnsbl import ErrorKind, ListSpec

SPAMHAUS_ERRORS = {
    "127.255.255.252": ErrorKind.REFUSED,
    "127.255.255.254": ErrorKind.REFUSED,
    "127.255.255.255": ErrorKind.RATE_LIMITED,
}
ZONES = [
    ListSpec("zen.spamhaus.org", codes={"127.0.0.2": "SBL"}, error_codes=SPAMHAUS_ERRORS),
    ListSpec("b.barracudacentral.org"),
    ListSpec("bl.spamcop.net"),
    ListSpec("dnsbl-1.uceprotect.net"),
    ListSpec("dnsbl-2.uceprotect.net"),
    ListSpec("dnsbl-3.uceprotect.net"),
    ListSpec("bl.mailspike.net"),
    ListSpec("psbl.surriel.com"),
]


def build_records(ips: list[str], seed: int = 2026) -> dict[str, list[str]]:
    """About 3% listings everywhere, and on Spamhaus about 1% error answers."""
    rng = random.Random(seed)  # noqa: S311 - repeatable sample data, not a secret
    records: dict[str, list[str]] = {}
    for ip in ips:
        for spec in ZONES:
            roll = rng.random()
            name = dnsbl.query_name(ip, spec.zone, "ip")
            if roll < 0.03:
                records[name] = ["127.0.0.2"]
            elif spec.zone == "zen.spamhaus.org" and roll < 0.04:
                records[name] = [rng.choice(list(SPAMHAUS_ERRORS))]
    return records


class Command(BaseCommand):
    help = "Benchmark the blocklist checker against pydnsbl on a loopback DNS server."

    def add_arguments(self, parser):
        parser.add_argument("--ips", type=int, default=1000)
        parser.add_argument("--address", default="127.0.0.2")
        parser.add_argument("--concurrency", type=int, default=200)

    def handle(self, *args, ips, address, concurrency, **options):
        try:
            from tests.dns_server import DnsServer, dnsmasq_missing_reason
        except ImportError:
            raise CommandError("The benchmark runs from a checkout with its tests.") from None
        if reason := dnsmasq_missing_reason():
            raise CommandError(reason)
        addresses = [f"10.{(i >> 8) & 255}.{i & 255}.{7 + i % 200}" for i in range(ips)]
        records = build_records(addresses)
        server = DnsServer([z.zone for z in ZONES], records, address=address, port=53)
        try:
            server.start()
        except (RuntimeError, PermissionError) as exc:
            raise CommandError(f"could not start dnsmasq on {address}:53: {exc}") from None
        try:
            # Best of three, taking turns, so neither gains from a warmer cache or CPU.
            ours_runs, their_runs = [], []
            for _ in range(3):
                ours_runs.append(self._ours(addresses, server, concurrency))
                their_runs.append(self._pydnsbl(addresses, address, concurrency))
            ours, ours_time, ours_peak = min(ours_runs, key=lambda r: r[1])
            theirs = None if their_runs[0] is None else min(their_runs, key=lambda r: r[1])
        finally:
            server.stop()
        n = len(addresses) * len(ZONES)
        self.stdout.write(
            f"{len(addresses)} IPs x {len(ZONES)} zones = {n} queries on {address}:53"
        )
        self._line("ours", n, ours_time, ours_peak)
        if theirs is None:
            self.stdout.write("pydnsbl: not installed (`make bench` installs it)")
            return
        their_result, their_time, their_peak = theirs
        self._line("pydnsbl", n, their_time, their_peak)
        self.stdout.write(f"ratio ours/pydnsbl (queries/s): {their_time / ours_time:.2f}")
        self._disagreements(addresses, ours, their_result)

    def _line(self, name, n, seconds, peak):
        self.stdout.write(
            f"{name:18} {n / seconds:9.0f} queries/s  total {seconds:6.2f} s  "
            f"peak traced memory {peak / 1_048_576:6.1f} MiB"
        )

    def _ours(self, addresses, server, concurrency):
        queries = [
            checker.Query((ip, spec.zone), dnsbl.query_name(ip, spec.zone, "ip"), spec)
            for ip in addresses
            for spec in ZONES
        ]
        options = checker.Options(
            nameservers=((server.address, server.port),),
            concurrency=concurrency,
            timeout=5,
            retries=1,
        )
        started = time.perf_counter()
        outcomes = checker.check(queries, options)
        elapsed = time.perf_counter() - started
        # Memory is measured on a second pass: tracing slows Python code many times over.
        tracemalloc.start()
        checker.check(queries, options)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return outcomes, elapsed, peak

    def _pydnsbl(self, addresses, address, concurrency):
        try:
            from pydnsbl import DNSBLIpChecker
            from pydnsbl.providers import Provider
        except ImportError:
            return None
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            bl = DNSBLIpChecker(
                providers=[Provider(z.zone) for z in ZONES],
                timeout=5,
                tries=2,
                concurrency=concurrency,
                loop=loop,
            )
            bl._resolver.nameservers = [address]
            started = time.perf_counter()
            results = bl.bulk_check(addresses)
            elapsed = time.perf_counter() - started
            tracemalloc.start()
            bl.bulk_check(addresses)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        finally:
            loop.close()
            asyncio.set_event_loop(None)
        return {r.addr: r for r in results}, elapsed, peak

    def _disagreements(self, addresses, ours, theirs):
        counts: dict[str, int] = {}
        examples: dict[str, str] = {}
        for ip in addresses:
            result = theirs[ip]
            their_listed = set(result.detected_by)
            their_failed = {p.host for p in result.failed_providers}
            for spec in ZONES:
                mine = ours[(ip, spec.zone)]
                if spec.zone in their_failed:
                    theirs_state = "error"
                elif spec.zone in their_listed:
                    theirs_state = "listed"
                else:
                    theirs_state = "clean"
                mine_state = mine.state + (f" ({mine.error_kind})" if mine.error_kind else "")
                if theirs_state != mine.state:
                    key = f"pydnsbl {theirs_state}, ours {mine_state}"
                    counts[key] = counts.get(key, 0) + 1
                    examples.setdefault(key, f"{ip} on {spec.zone} answered {mine.codes}")
        if not counts:
            self.stdout.write("The two agree on every query.")
            return
        self.stdout.write("Where the two disagree:")
        for key, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            self.stdout.write(f"  {count:5}  {key}   e.g. {examples[key]}")
