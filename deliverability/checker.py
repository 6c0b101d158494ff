"""Asynchronous DNSBL lookups through the configured nameservers.

No database here: a list of (key, query name, ListSpec) in, one dnsbl.Outcome per key out.
Bounded concurrency, a timeout per try and a few retries, and an explicit outcome for each
failure, so nothing that went wrong can be read as "listed" or "clean".
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.nameserver
import dns.rcode
import dns.resolver

from . import dnsbl
from .dnsbl import ErrorKind, ListSpec, Outcome


@dataclass(frozen=True)
class Query:
    key: Hashable
    name: str
    spec: ListSpec


@dataclass(frozen=True)
class Options:
    nameservers: tuple[tuple[str, int], ...] = ()
    concurrency: int = 50
    timeout: float = 2.0
    retries: int = 1


def parse_nameservers(values: Iterable[str]) -> tuple[tuple[str, int], ...]:
    """ "127.0.0.1:5353", "::1", "[::1]:5353" -> ((address, port), ...); ValueError when bad."""
    result = []
    for raw in values:
        value = str(raw).strip()
        if not value:
            continue
        host, port = value, 53
        if value.startswith("["):
            host, _, rest = value[1:].partition("]")
            if rest:
                if not rest.startswith(":"):
                    raise ValueError(f"{raw!r} is not an address with an optional :port")
                port = _port(rest[1:], raw)
        elif value.count(":") == 1:
            host, port_text = value.split(":")
            port = _port(port_text, raw)
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise ValueError(f"{raw!r} is not an IP address (with an optional :port)") from None
        result.append((host, port))
    return tuple(result)


def _port(text: str, raw) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"{raw!r} has no valid port")
    return int(text)


def make_resolver(options: Options) -> dns.asyncresolver.Resolver:
    if options.nameservers:
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [
            dns.nameserver.Do53Nameserver(host, port) for host, port in options.nameservers
        ]
    else:
        resolver = dns.asyncresolver.Resolver()
    resolver.timeout = options.timeout
    resolver.lifetime = options.timeout
    # DNSBL answers carry their own TTLs; keep them for the run (RFC 6471 etiquette).
    resolver.cache = dns.resolver.LRUCache(100_000)
    return resolver


async def _lookup(resolver, name: str, rdtype: str, options: Options):
    """(rcode-ish status, answer); retries timeouts and SERVFAIL, not NXDOMAIN."""
    status = ErrorKind.TIMEOUT
    for _attempt in range(options.retries + 1):
        try:
            answer = await resolver.resolve(
                name, rdtype, search=False, raise_on_no_answer=False, lifetime=options.timeout
            )
        except dns.resolver.NXDOMAIN:
            return "nxdomain", None
        except dns.resolver.NoNameservers as exc:
            status = _no_nameservers_kind(exc)
            if status == ErrorKind.REFUSED:
                return status, None
        except dns.exception.Timeout:
            status = ErrorKind.TIMEOUT
        else:
            return "ok", answer
    return status, None


def _no_nameservers_kind(exc: dns.resolver.NoNameservers) -> str:
    for error in exc.kwargs.get("errors") or []:
        response = error[-1] if isinstance(error, tuple) else None
        if response is not None and getattr(response, "rcode", None):
            if response.rcode() == dns.rcode.REFUSED:
                return ErrorKind.REFUSED
    return ErrorKind.SERVFAIL


async def _check_one(resolver, query: Query, options: Options, semaphore) -> Outcome:
    async with semaphore:
        status, answer = await _lookup(resolver, query.name, "A", options)
        if status == "nxdomain":
            return dnsbl.clean()
        if status != "ok":
            return dnsbl.error(status)
        addresses = [r.address for r in answer.rrset] if answer.rrset else []
        outcome = dnsbl.decode(query.spec, addresses)
        if outcome.state != dnsbl.State.LISTED:
            return outcome
        # The reason in words, when the list publishes one; its absence changes nothing.
        status, answer = await _lookup(resolver, query.name, "TXT", options)
        if status == "ok" and answer.rrset:
            txt = " ".join(
                b"".join(r.strings).decode("utf-8", "replace") for r in answer.rrset
            ).strip()
            outcome = dnsbl.Outcome(
                outcome.state, reasons=outcome.reasons, codes=outcome.codes, txt=txt
            )
        return outcome


async def check_async(queries: list[Query], options: Options) -> dict[Hashable, Outcome]:
    resolver = make_resolver(options)
    semaphore = asyncio.Semaphore(max(1, options.concurrency))
    outcomes = await asyncio.gather(*(_check_one(resolver, q, options, semaphore) for q in queries))
    return {q.key: outcome for q, outcome in zip(queries, outcomes, strict=True)}


def check(queries: list[Query], options: Options) -> dict[Hashable, Outcome]:
    """Run the queries and wait for every outcome (synchronous callers: tasks, commands)."""
    if not queries:
        return {}
    return asyncio.run(check_async(queries, options))


def zone_health(
    specs: dict[Hashable, tuple[ListSpec, str]], options: Options
) -> dict[Hashable, bool]:
    """key -> healthy, from each zone's two test points (see dnsbl.health_point_names)."""
    queries = []
    for key, (spec, test_domain) in specs.items():
        listed_name, clean_name = dnsbl.health_point_names(spec, test_domain)
        queries.append(Query((key, "listed"), listed_name, spec))
        queries.append(Query((key, "clean"), clean_name, spec))
    outcomes = check(queries, options)
    return {
        key: dnsbl.zone_is_healthy(outcomes[(key, "listed")], outcomes[(key, "clean")])
        for key in specs
    }
