"""Asynchronous DNSBL lookups through the configured nameservers.

A fixed set of asyncio workers asks through c-ares (pycares), which writes and reads the
DNS messages in C and keeps many queries in flight to a nameserver on one socket; this
event loop drives it (see _Nameserver). dnspython reads the system's resolver
configuration when no nameservers are configured.

No database here: a list of (key, query name, ListSpec) in, one dnsbl.Outcome per key out.
Bounded concurrency, a timeout per try and a few retries, and an explicit outcome for each
failure, so nothing that went wrong can be read as "listed" or "clean".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import ipaddress
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import pycares

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


A, TXT = pycares.QUERY_TYPE_A, pycares.QUERY_TYPE_TXT
_NO_SOCKET = pycares.ARES_SOCKET_BAD

# c-ares's answer codes, as the checker reads them. Anything else it reports (no server
# there, a reply it could not read, ...) is a server failure.
_STATUS = {
    pycares.errno.ARES_ENOTFOUND: "nxdomain",
    pycares.errno.ARES_ENODATA: "nodata",  # the name exists but has no such record
    pycares.errno.ARES_EREFUSED: ErrorKind.REFUSED,
    pycares.errno.ARES_ETIMEOUT: ErrorKind.TIMEOUT,
    pycares.errno.ARES_EBADNAME: "invalid",
}


class _Nameserver:
    """One c-ares channel to one nameserver, driven by this thread's event loop.

    c-ares writes and reads the DNS messages, keeps many queries in flight on one socket
    and falls back to TCP for a truncated answer. It names the sockets to watch
    (sock_state_cb); the loop hands them back when they are ready, and wakes c-ares at its
    next timeout. Not aiodns: it runs c-ares in a helper thread, where each question waits
    for the lock that thread holds while it reads answers (docs/performance.md), and whose
    c-ares never wakes again for a question asked after a timeout (c-ares issue 1000).
    """

    def __init__(self, host: str, port: int, timeout: float):
        self.loop = asyncio.get_running_loop()
        self.watched: set[int] = set()
        self.pending = 0
        self.timer: asyncio.TimerHandle | None = None
        self.channel = pycares.Channel(
            servers=[host],
            udp_port=port,
            tcp_port=port,
            timeout=timeout,
            tries=1,  # retries go to the next nameserver: see _lookup
            sock_state_cb=self._watch,
        )

    def query(self, name: str, rdtype: int) -> asyncio.Future:
        """A future of (records, c-ares error code or None)."""
        future = self.loop.create_future()
        self.pending += 1
        self.channel.query(name, rdtype, functools.partial(self._answered, future))
        if self.timer is None:
            self._wake_at_next_timeout()
        return future

    def _answered(self, future, records, error):
        self.pending -= 1
        if not future.done():
            future.set_result((records, error))

    def _watch(self, fd: int, readable: bool, writable: bool):
        if fd in self.watched:
            self.loop.remove_reader(fd)
            self.loop.remove_writer(fd)
            self.watched.discard(fd)
        if readable:
            self.loop.add_reader(fd, self.channel.process_fd, fd, _NO_SOCKET)
        if writable:  # a TCP connection in progress
            self.loop.add_writer(fd, self.channel.process_fd, _NO_SOCKET, fd)
        if readable or writable:
            self.watched.add(fd)

    def _wake_at_next_timeout(self):
        if self.pending:
            self.timer = self.loop.call_later(self.channel.timeout(), self._on_timeout)

    def _on_timeout(self):
        self.timer = None
        self.channel.process_fd(_NO_SOCKET, _NO_SOCKET)  # c-ares ends the queries due
        self._wake_at_next_timeout()

    def close(self):
        if self.timer is not None:
            self.timer.cancel()
        for fd in self.watched:
            self.loop.remove_reader(fd)
            self.loop.remove_writer(fd)
        self.watched.clear()
        self.channel.cancel()
        self.channel.close()


class _Transport:
    """One c-ares channel per nameserver; attempt n asks nameserver n (modulo their number)."""

    def __init__(self, options: Options):
        self.options = options
        self.servers = options.nameservers or _system_nameservers()
        self.nameservers: list[_Nameserver] = []

    async def open(self):
        self.nameservers = [
            _Nameserver(host, port, self.options.timeout) for host, port in self.servers
        ]

    async def close(self):
        for nameserver in self.nameservers:
            nameserver.close()

    async def lookup(self, name: str, rdtype: int, *, attempt: int):
        """(status, records): status "nxdomain", "ok" or an ErrorKind."""
        nameserver = self.nameservers[attempt % len(self.nameservers)]
        answers, error = await nameserver.query(name, rdtype)
        if error is not None:
            status = _STATUS.get(error, ErrorKind.SERVFAIL)
            if status == "invalid":
                raise ValueError(f"{name!r} is not a valid DNS name")
            if status == "nodata":
                return "ok", []
            return status, None
        if rdtype == A:
            return "ok", [answer.host for answer in answers]
        return "ok", [_text(answer.text) for answer in answers]


def _text(value: str | bytes) -> str:
    # pycares gives a TXT record as str, or as bytes when it is not UTF-8.
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _system_nameservers() -> tuple[tuple[str, int], ...]:
    import dns.resolver

    return tuple((ns, 53) for ns in dns.resolver.Resolver().nameservers)


async def _lookup(transport: _Transport, name: str, rdtype, options: Options):
    """Retries timeouts and SERVFAIL (on the next nameserver), never NXDOMAIN or REFUSED."""
    status, records = ErrorKind.TIMEOUT, None
    for attempt in range(options.retries + 1):
        status, records = await transport.lookup(name, rdtype, attempt=attempt)
        if status in ("ok", "nxdomain", ErrorKind.REFUSED):
            break
    return status, records


async def _check_one(transport, query: Query, options: Options) -> Outcome:
    try:
        status, records = await _lookup(transport, query.name, A, options)
    except ValueError:
        return dnsbl.error(ErrorKind.INVALID_QUERY)
    if status == "nxdomain":
        return dnsbl.clean()
    if status != "ok":
        return dnsbl.error(status)
    outcome = dnsbl.decode(query.spec, records)
    if outcome.state != dnsbl.State.LISTED:
        return outcome
    # The reason in words, when the list publishes one; its absence changes nothing.
    status, records = await _lookup(transport, query.name, TXT, options)
    if status == "ok" and records:
        txt = " ".join(records)
        outcome = dnsbl.Outcome(
            outcome.state, reasons=outcome.reasons, codes=outcome.codes, txt=txt.strip()
        )
    return outcome


async def check_async(queries: list[Query], options: Options) -> dict[Hashable, Outcome]:
    transport = _Transport(options)
    await transport.open()
    # One question per name: domains that share a registrable domain ask once (RFC 6471).
    by_name: dict[tuple[str, ListSpec], list[Query]] = {}
    for query in queries:
        by_name.setdefault((query.name.lower(), query.spec), []).append(query)
    results: dict[Hashable, Outcome] = {}
    pending = iter(by_name.values())

    async def worker():
        # A fixed set of workers bounds the queries in flight: cheaper than one task per
        # query all waiting on a semaphore.
        for same in pending:
            outcome = await _check_one(transport, same[0], options)
            for query in same:
                results[query.key] = outcome

    try:
        await asyncio.gather(*(worker() for _ in range(max(1, options.concurrency))))
    finally:
        await transport.close()
    return results


def check(queries: list[Query], options: Options) -> dict[Hashable, Outcome]:
    """Run the queries and wait for every outcome (synchronous callers: tasks, commands)."""
    if not queries:
        return {}
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(check_async(queries, options))
    # Called from code that already runs an event loop in this thread: use another thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(check_async(queries, options))).result()


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
