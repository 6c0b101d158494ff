"""DNSBL query names and answer decoding: pure functions, no database, no network.

RFC 5782: an IPv4 address is queried with its octets reversed, an IPv6 address with its
32 nibbles reversed, a domain as it is (its registrable part). NXDOMAIN means not listed;
an A record inside 127.0.0.0/8 means listed, unless the list documents that code as an
error (Spamhaus answers 127.255.255.254 to queries through a public resolver, for
example). An error is its own outcome: never counted as listed, never as clean.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from functools import lru_cache

LOOPBACK_V4 = ipaddress.ip_network("127.0.0.0/8")


class State:
    LISTED = "listed"
    CLEAN = "clean"
    ERROR = "error"


class ErrorKind:
    REFUSED = "refused"  # the list refuses our queries (wrong zone, open resolver, blocked)
    RATE_LIMITED = "rate_limited"  # the list answers "too many queries"
    TIMEOUT = "timeout"
    SERVFAIL = "servfail"
    OUTSIDE_RANGE = "outside_range"  # an answer outside 127.0.0.0/8: not a DNSBL answer
    UNHEALTHY_ZONE = "unhealthy_zone"  # the zone failed its test points in this run
    INVALID_QUERY = "invalid_query"  # nothing to ask this list (e.g. no registrable domain)

    ALL = (REFUSED, RATE_LIMITED, TIMEOUT, SERVFAIL, OUTSIDE_RANGE, UNHEALTHY_ZONE, INVALID_QUERY)


@dataclass(frozen=True)
class ListSpec:
    """What decoding needs to know about one list.

    codes: answer address -> meaning ("127.0.0.2": "SBL").
    bitmask: last-octet bit -> meaning, for lists that add up their sub-lists (SURBL, URIBL).
    error_codes: answer address -> ErrorKind, checked before anything else.
    """

    zone: str
    kind: str = "ip"  # "ip" or "domain"
    codes: dict[str, str] = field(default_factory=dict)
    bitmask: dict[int, str] = field(default_factory=dict)
    error_codes: dict[str, str] = field(default_factory=dict)

    def __hash__(self):
        return hash((self.zone, self.kind))


@dataclass(frozen=True)
class Outcome:
    state: str
    reasons: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    txt: str = ""
    error_kind: str = ""

    @property
    def is_error(self) -> bool:
        return self.state == State.ERROR


_CLEAN = Outcome(State.CLEAN)


def clean() -> Outcome:
    return _CLEAN


def error(kind: str, codes: tuple[str, ...] = ()) -> Outcome:
    if kind not in ErrorKind.ALL:
        raise ValueError(f"unknown error kind {kind!r}")
    return Outcome(State.ERROR, codes=codes, error_kind=kind)


def reversed_ip(address: str) -> str:
    """The DNSBL label for an IP: reversed octets (IPv4) or reversed nibbles (IPv6)."""
    ip = ipaddress.ip_address(address.strip())
    if ip.version == 4:
        return ".".join(reversed(str(ip).split(".")))
    return ".".join(reversed(ip.exploded.replace(":", "")))


@lru_cache(maxsize=1)
def _psl():
    # The package ships its own copy of the Public Suffix List; nothing is fetched.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()


def normalise_host(name: str) -> str:
    """Lower-case, no trailing dot, IDNA (punycode) labels; ValueError when not a host name."""
    host = (name or "").strip().rstrip(".").lower()
    if not host or len(host) > 253:
        raise ValueError("not a host name")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ValueError("not a host name") from exc
    labels = host.split(".")
    if len(labels) < 2:
        raise ValueError("not a host name")
    for label in labels:
        if not (1 <= len(label) <= 63) or label.startswith("-") or label.endswith("-"):
            raise ValueError("not a host name")
        if not all(c.isalnum() or c == "-" for c in label):
            raise ValueError("not a host name")
    if labels[-1].isdigit():
        raise ValueError("not a host name")
    return host


def registrable_domain(name: str) -> str | None:
    """The registrable domain of a host name (mail.news.example.co.uk -> example.co.uk).

    None when the name is itself a public suffix (co.uk) or not a host name.
    """
    try:
        host = normalise_host(name)
    except ValueError:
        return None
    return _psl().privatesuffix(host)


def query_name(target: str, zone: str, kind: str) -> str:
    """The name to ask `zone` about `target` (an IP for ip lists, a domain for domain lists)."""
    zone = zone.strip().strip(".").lower()
    if kind == "ip":
        return f"{reversed_ip(target)}.{zone}"
    domain = registrable_domain(target)
    if domain is None:
        raise ValueError(f"{target!r} has no registrable domain")
    return f"{domain}.{zone}"


def effective_zone(zone: str, dqs_zone: str, dqs_key: str) -> str:
    """Spamhaus through the Data Query Service when a key is set, else the public mirror."""
    if dqs_key and dqs_zone:
        return f"{dqs_key}.{dqs_zone}"
    return zone


def decode(spec: ListSpec, addresses: list[str] | tuple[str, ...], txt: str = "") -> Outcome:
    """One outcome from the A records of a query (empty = NXDOMAIN = clean)."""
    if not addresses:
        return clean()
    codes = tuple(sorted({str(ipaddress.ip_address(a)) for a in addresses}, key=_ip_key))
    for code in codes:
        ip = ipaddress.ip_address(code)
        if ip.version != 4 or ip not in LOOPBACK_V4:
            return error(ErrorKind.OUTSIDE_RANGE, codes)
    for code in codes:
        if code in spec.error_codes:
            return error(spec.error_codes[code], codes)
    reasons: list[str] = []
    for code in codes:
        reasons.extend(_meanings(spec, code))
    return Outcome(State.LISTED, reasons=tuple(dict.fromkeys(reasons)), codes=codes, txt=txt)


def _meanings(spec: ListSpec, code: str) -> list[str]:
    if code in spec.codes:
        return [spec.codes[code]]
    if spec.bitmask:
        last = int(code.rsplit(".", 1)[1])
        found = [meaning for bit, meaning in sorted(spec.bitmask.items()) if last & bit]
        if found:
            return found
    return [f"code {code}"]


def _ip_key(code: str) -> int:
    return int(ipaddress.ip_address(code))


def health_point_names(spec: ListSpec, test_domain: str = "") -> tuple[str, str]:
    """(must be listed, must not be listed) names for a zone's health check.

    IP lists: 127.0.0.2 and 127.0.0.1 (RFC 5782). Domain lists: the list's documented
    test domain and "invalid", which can never be registered.
    """
    zone = spec.zone.strip(".").lower()
    if spec.kind == "ip":
        return f"2.0.0.127.{zone}", f"1.0.0.127.{zone}"
    return f"{(test_domain or 'test').strip('.').lower()}.{zone}", f"invalid.{zone}"


def zone_is_healthy(listed_point: Outcome, clean_point: Outcome) -> bool:
    """A zone is believed only when its listed test point is listed and its clean one clean.

    A zone that "lists the world" (an expired list domain) fails the second test; a
    zone that refuses or rate-limits us fails the first.
    """
    return listed_point.state == State.LISTED and clean_point.state == State.CLEAN


# Widest range a customer may name: a /24 of IPv4 (256 addresses) or a /64 of IPv6.
WIDEST_PREFIX = {4: 24, 6: 64}
MAX_NETWORKS = 64


def parse_networks(text: str) -> tuple[list, list[tuple[str, str]]]:
    """The IP addresses and ranges in `text` (one per line, or separated by ';', ',' or
    spaces) as ip_network objects, and the problems as (token, "invalid" | "too_wide" |
    "too_many")."""
    tokens = [t for t in re.split(r"[\s;,]+", text or "") if t]
    networks, problems = [], []
    if len(tokens) > MAX_NETWORKS:
        return [], [(str(len(tokens)), "too_many")]
    for token in tokens:
        try:
            network = ipaddress.ip_network(token, strict=False)
        except ValueError:
            problems.append((token, "invalid"))
            continue
        if network.prefixlen < WIDEST_PREFIX[network.version]:
            problems.append((token, "too_wide"))
            continue
        networks.append(network)
    return networks, problems
