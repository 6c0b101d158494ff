"""Asynchronous DNSBL lookups through the configured nameservers.

Queries go out over one UDP socket per nameserver with their own small wire codec
(a DNSBL check only needs A and TXT records); dnspython does the rare TCP fallback and
reads the system's resolver configuration.

No database here: a list of (key, query name, ListSpec) in, one dnsbl.Outcome per key out.
Bounded concurrency, a timeout per try and a few retries, and an explicit outcome for each
failure, so nothing that went wrong can be read as "listed" or "clean".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import ipaddress
import secrets
import socket
import struct
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import dns.asyncquery
import dns.exception
import dns.message
import dns.rcode

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


A, TXT = 1, 16
_HEADER = struct.Struct("!HHHHHH")
_RR = struct.Struct("!HHIH")


def encode_query(query_id: int, name: str, rdtype: int) -> bytes:
    """A recursive query for one name, in wire format (RFC 1035 4.1)."""
    return (
        _HEADER.pack(query_id, 0x0100, 1, 0, 0, 0)
        + encode_name(name)
        + struct.pack("!HH", rdtype, 1)
    )


def encode_name(name: str) -> bytes:
    labels = name.strip(".").lower().encode("ascii").split(b".")
    if any(not 0 < len(label) < 64 for label in labels):
        raise ValueError(f"{name!r} is not a valid DNS name")
    return b"".join(bytes((len(label),)) + label for label in labels) + b"\0"


@dataclass(frozen=True)
class Response:
    query_id: int
    rcode: int
    truncated: bool
    qname: bytes  # wire form, lower case
    addresses: tuple[str, ...]  # A records
    texts: tuple[str, ...]  # TXT records


def _skip_name(data: bytes, offset: int) -> int:
    while True:
        length = data[offset]
        if length == 0:
            return offset + 1
        if length & 0xC0 == 0xC0:
            return offset + 2
        offset += length + 1


def parse_response(data: bytes) -> Response:
    """The parts of an answer the checker needs; ValueError when it is not a DNS response."""
    try:
        query_id, flags, qdcount, ancount, _ns, _ar = _HEADER.unpack_from(data, 0)
        if not flags & 0x8000 or qdcount != 1:
            raise ValueError("not a response to one question")
        end = _skip_name(data, 12)
        qname = data[12:end].lower()
        offset = end + 4
        addresses, texts = [], []
        for _ in range(ancount):
            offset = _skip_name(data, offset)
            rtype, _cls, _ttl, rdlength = _RR.unpack_from(data, offset)
            offset += _RR.size
            rdata = data[offset : offset + rdlength]
            if len(rdata) != rdlength:
                raise ValueError("answer cut short")
            offset += rdlength
            if rtype == A and rdlength == 4:
                addresses.append(socket.inet_ntoa(rdata))
            elif rtype == TXT:
                parts, i = [], 0
                while i < rdlength:
                    parts.append(rdata[i + 1 : i + 1 + rdata[i]])
                    i += 1 + rdata[i]
                texts.append(b"".join(parts).decode("utf-8", "replace"))
    except (IndexError, struct.error) as exc:
        raise ValueError("malformed DNS response") from exc
    return Response(
        query_id, flags & 0x000F, bool(flags & 0x0200), qname, tuple(addresses), tuple(texts)
    )


class _UdpClient:
    """One UDP socket per nameserver, queries told apart by their 16-bit id.

    A socket per query (what a stub resolver does) costs more than the query itself at
    thousands of queries a second; c-ares multiplexes the same way. Every answer waiting
    in the socket is read at each wake-up, not one per turn of the event loop.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, host: str, port: int):
        self.loop = loop
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.setblocking(False)
        # Answers to a burst of queries arrive together: room for them all.
        with contextlib.suppress(OSError):
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self.sock.connect((host, port))
        self.pending: dict[int, tuple[bytes, asyncio.Future]] = {}
        loop.add_reader(self.sock.fileno(), self._drain)

    def close(self) -> None:
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()

    def _drain(self) -> None:
        while True:
            try:
                data = self.sock.recv(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. ICMP port unreachable: nobody listens there
                for _qname, future in self.pending.values():
                    if not future.done():
                        future.set_exception(exc)
                return
            try:
                response = parse_response(data)
            except ValueError:
                continue  # garbage
            entry = self.pending.get(response.query_id)
            if entry is None:
                continue  # a late answer to a query we gave up on
            qname, future = entry
            if response.qname == qname and not future.done():
                future.set_result(response)

    async def query(self, name: str, rdtype: int, timeout: float) -> Response:
        query_id = secrets.randbelow(65536)
        while query_id in self.pending:
            query_id = secrets.randbelow(65536)
        wire = encode_query(query_id, name, rdtype)
        future = self.loop.create_future()
        self.pending[query_id] = (wire[12:-4], future)
        timer = self.loop.call_later(timeout, _expire, future)
        try:
            try:
                self.sock.send(wire)
            except BlockingIOError:
                await self.loop.sock_sendall(self.sock, wire)
            return await future
        finally:
            timer.cancel()
            del self.pending[query_id]


def _expire(future: asyncio.Future) -> None:
    if not future.done():
        future.set_exception(TimeoutError())


class _Transport:
    def __init__(self, options: Options):
        self.options = options
        self.servers = options.nameservers or _system_nameservers()
        self.clients: list[_UdpClient] = []

    async def open(self):
        loop = asyncio.get_running_loop()
        self.clients = [_UdpClient(loop, host, port) for host, port in self.servers]

    def close(self):
        for client in self.clients:
            client.close()

    async def lookup(self, name: str, rdtype, *, attempt: int):
        """(status, records): status "nxdomain", "ok" or an ErrorKind."""
        client = self.clients[attempt % len(self.clients)]
        try:
            response = await client.query(name, rdtype, self.options.timeout)
        except TimeoutError:
            return ErrorKind.TIMEOUT, None
        except OSError:
            return ErrorKind.SERVFAIL, None
        if response.truncated:
            response = await self._over_tcp(name, rdtype, attempt)
            if response is None:
                return ErrorKind.TIMEOUT, None
        if response.rcode == dns.rcode.NXDOMAIN:
            return "nxdomain", None
        if response.rcode == dns.rcode.REFUSED:
            return ErrorKind.REFUSED, None
        if response.rcode != dns.rcode.NOERROR:
            return ErrorKind.SERVFAIL, None
        return "ok", response.addresses if rdtype == A else response.texts

    async def _over_tcp(self, name: str, rdtype: int, attempt: int) -> Response | None:
        """An answer too long for UDP (rare: many TXT strings), asked again over TCP."""
        host, port = self.servers[attempt % len(self.servers)]
        try:
            message = await dns.asyncquery.tcp(
                dns.message.make_query(name, rdtype), host, port=port, timeout=self.options.timeout
            )
        except (dns.exception.DNSException, OSError):
            return None
        return parse_response(message.to_wire())


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
        transport.close()
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
