"""Asynchronous DNSBL lookups through the configured nameservers.

c-ares (through pycares) writes and reads the DNS messages in C and keeps many queries in
flight to a nameserver on one socket; this event loop drives it (see _Nameserver), and
each answer's callback takes the next step of its name (see _Run). dnspython reads the
system's resolver configuration when no nameservers are configured.

No database here: a list of (key, query name, ListSpec) in, one dnsbl.Outcome per key out.
Bounded concurrency, a timeout per try and a few retries, and an explicit outcome for each
failure, so nothing that went wrong can be read as "listed" or "clean".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import functools
import ipaddress
from collections.abc import Callable, Hashable, Iterable
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
    pycares.errno.ARES_EBADNAME: ErrorKind.INVALID_QUERY,
}
# Asked again, on the next nameserver; an answer (NXDOMAIN, REFUSED, ...) never is.
_RETRIED = (ErrorKind.TIMEOUT, ErrorKind.SERVFAIL)


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
            tries=1,  # retries go to the next nameserver: see _Run.ask
            sock_state_cb=self._watch,
        )

    def ask(self, name: str, rdtype: int, then: Callable):
        """Send the question; c-ares calls then(answers, error code or None) with the answer,
        the timeout or the error, at times before ask returns."""
        self.pending += 1
        self.channel.query(name, rdtype, functools.partial(self._answered, then))
        if self.timer is None:
            self._wake_at_next_timeout()

    def _answered(self, then, answers, error):
        self.pending -= 1
        then(answers, error)

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


def _read(rdtype: int, answers, error) -> tuple[str, list[str] | None]:
    """(status, records): status "ok", "nxdomain" or an ErrorKind."""
    if error is None:
        if rdtype == A:
            return "ok", [answer.host for answer in answers]
        return "ok", [_text(answer.text) for answer in answers]
    status = _STATUS.get(error, ErrorKind.SERVFAIL)
    if status == "nodata":
        return "ok", []
    return status, None


def _text(value: str | bytes) -> str:
    # pycares gives a TXT record as str, or as bytes when it is not UTF-8.
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _system_nameservers() -> tuple[tuple[str, int], ...]:
    import dns.resolver

    return tuple((ns, 53) for ns in dns.resolver.Resolver().nameservers)


class _Run:
    """Checks names, at most `concurrency` of them at a time, each one's A record first and
    its TXT record when listed.

    Each step runs in the c-ares callback of the answer before it, not in a coroutine: a
    coroutine per name costs a future and a task wake-up for every answer, and measurably
    slowed the run (docs/performance.md).
    """

    def __init__(self, nameservers: list[_Nameserver], options: Options, names):
        self.nameservers = nameservers
        self.options = options
        self.pending = iter(names)
        self.in_flight = 0
        self.filling = False
        self.concurrency = max(1, options.concurrency)
        self.results: dict[Hashable, Outcome] = {}
        self.finished = asyncio.get_running_loop().create_future()

    def ask(self, name: str, rdtype: int, then, attempt: int = 0):
        """then(status, records) once the answer is final: a timeout or SERVFAIL is asked
        again on the next nameserver, up to options.retries times."""
        nameserver = self.nameservers[attempt % len(self.nameservers)]

        def answered(answers, error):
            if self.finished.done():
                return  # cancelled, or failed: c-ares is ending the questions still out
            # c-ares calls this from C, which would print an exception and go on: hand it
            # to the waiting caller instead.
            try:
                status, records = _read(rdtype, answers, error)
                if status in _RETRIED and attempt < self.options.retries:
                    self.ask(name, rdtype, then, attempt + 1)
                else:
                    then(status, records)
            except Exception as exc:  # noqa: BLE001 - re-raised by check_async
                if not self.finished.done():
                    self.finished.set_exception(exc)

        nameserver.ask(name, rdtype, answered)

    def fill(self):
        """Start names until `concurrency` are in flight; end the run after the last."""
        if self.filling:
            return  # an answer came before its question's ask returned: the loop goes on
        self.filling = True
        try:
            while self.in_flight < self.concurrency:
                same = next(self.pending, None)
                if same is None:
                    break
                self.in_flight += 1
                self.ask(same[0].name, A, functools.partial(self._a_answered, same))
        finally:
            self.filling = False
        if not self.in_flight and not self.finished.done():
            self.finished.set_result(self.results)

    def _a_answered(self, same: list[Query], status: str, records):
        if status == "nxdomain":
            return self._done(same, dnsbl.clean())
        if status != "ok":
            return self._done(same, dnsbl.error(status))
        outcome = dnsbl.decode(same[0].spec, records)
        if outcome.state != dnsbl.State.LISTED:
            return self._done(same, outcome)
        # The reason in words, when the list publishes one; its absence changes nothing.
        self.ask(same[0].name, TXT, functools.partial(self._txt_answered, same, outcome))

    def _txt_answered(self, same: list[Query], outcome: Outcome, status: str, records):
        if status == "ok" and records:
            outcome = dataclasses.replace(outcome, txt=" ".join(records).strip())
        self._done(same, outcome)

    def _done(self, same: list[Query], outcome: Outcome):
        for query in same:
            self.results[query.key] = outcome
        self.in_flight -= 1
        self.fill()


async def check_async(queries: list[Query], options: Options) -> dict[Hashable, Outcome]:
    # One question per name: domains that share a registrable domain ask once (RFC 6471).
    by_name: dict[tuple[str, ListSpec], list[Query]] = {}
    for query in queries:
        by_name.setdefault((query.name.lower(), query.spec), []).append(query)
    nameservers: list[_Nameserver] = []
    try:
        for host, port in options.nameservers or _system_nameservers():
            nameservers.append(_Nameserver(host, port, options.timeout))
        run = _Run(nameservers, options, by_name.values())
        run.fill()
        return await run.finished
    finally:
        for nameserver in nameservers:
            nameserver.close()


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
