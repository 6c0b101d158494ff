"""Bounce and deferral diagnosis: a pure, table-driven classifier.

The rules live in one data file (data/bounce_rules.toml), tried in order; the first rule
whose pattern matches names the kind of problem. A rule written for one mailbox provider is
skipped when the text clearly comes from another (Gmail and Microsoft both use 5.7.25, with
different meanings). What no rule matches is "unknown": a guess would send the customer to
the wrong fix.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .warmup import Provider

RULES_FILE = Path(__file__).resolve().parent / "data" / "bounce_rules.toml"
MAX_TEXT = 200_000  # characters read from a paste
MAX_MESSAGES = 200
MAX_MESSAGE = 10_000  # characters of one message that the rules look at


class Kind:
    REPUTATION_BLOCK = "reputation_block"  # a Tier 1 ISP-block remediation candidate
    CONFIGURATION = "configuration"  # authentication or set-up: the guidance article fixes it
    RECIPIENT_POLICY = "recipient_policy"  # the recipient organisation's own rules
    THROTTLING = "throttling"  # volume throttling: hold the warm-up, let retries work
    UNKNOWN = "unknown"

    ALL = (REPUTATION_BLOCK, CONFIGURATION, RECIPIENT_POLICY, THROTTLING, UNKNOWN)


@dataclass(frozen=True)
class BounceRule:
    id: str
    provider: str  # a Provider code, or "" when the text decides
    kind: str
    guidance: str  # a guidance article slug, or ""
    pattern: re.Pattern
    sample: str
    source: str


@dataclass(frozen=True)
class BounceDiagnosis:
    text: str
    provider: str  # a Provider code (Provider.OTHERS when nothing names one)
    kind: str
    rule_id: str  # "" when unknown
    guidance: str  # a guidance article slug, or ""
    status_code: str  # the enhanced status code (RFC 3463), e.g. "5.7.1", or ""
    reply_code: str  # the SMTP reply code, e.g. "550", or ""
    ip: str  # the first IP address mentioned, or ""
    domain: str  # the sending domain named in the text, or ""

    @property
    def remediation_candidate(self) -> bool:
        return self.kind == Kind.REPUTATION_BLOCK


# Words that name the mailbox provider whose servers wrote the message.
PROVIDER_MARKERS = {
    Provider.GMAIL: re.compile(r"gsmtp|google\.com|googlemail|\bgmail\b", re.I),
    Provider.MICROSOFT: re.compile(
        r"outlook\.com|hotmail|live\.com|\bmsn\.com|microsoft|office\.com|aka\.ms/|"
        r"\bAS\(\d+\)|\(AS\d{3,4}\)|eop-[a-z]{3}\d",
        re.I,
    ),
    Provider.YAHOO: re.compile(r"yahoo|\baol\.com|\baol\b", re.I),
    Provider.APPLE: re.compile(r"icloud|apple\.com|\bme\.com|\bmac\.com", re.I),
}


def _load(path: Path) -> tuple[BounceRule, ...]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    rules, seen = [], set()
    for number, row in enumerate(data.get("rule", []), start=1):
        rule_id = row.get("id", "")
        where = f"Rule {number} ({rule_id or 'no id'}) in {path.name}"
        if not rule_id or rule_id in seen:
            raise ValueError(f"{where} needs an id of its own.")
        seen.add(rule_id)
        if row.get("provider", "") not in ("", *Provider.ALL):
            raise ValueError(f"{where} names an unknown provider {row.get('provider')!r}.")
        if row.get("kind") not in Kind.ALL or row.get("kind") == Kind.UNKNOWN:
            raise ValueError(f"{where} has an unknown kind {row.get('kind')!r}.")
        if row["kind"] == Kind.CONFIGURATION and not row.get("guidance"):
            raise ValueError(f"{where} is a configuration problem without a guidance article.")
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
        except (KeyError, re.error) as exc:
            raise ValueError(f"{where} has no valid pattern: {exc}.") from None
        rules.append(
            BounceRule(
                id=rule_id,
                provider=row.get("provider", ""),
                kind=row["kind"],
                guidance=row.get("guidance", ""),
                pattern=pattern,
                sample=row.get("sample", ""),
                source=row.get("source", ""),
            )
        )
    return tuple(rules)


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> tuple[BounceRule, ...]:
    """The rules, in order; ValueError naming the rule when the file is wrong."""
    return _load(Path(path))


# --- Splitting a paste into messages -------------------------------------------------------

_SEPARATOR = re.compile(r"^\s*(?:[-=_*#]{3,}|\s*)\s*$")
_REPLY_LINE = re.compile(r"^\s*(?:[<>]\s*)?([245]\d\d)([ -])")
_INLINE_CONTINUED = re.compile(r"(?<![\d.])([245]\d\d)-[245]\.\d")


def split_messages(text: str) -> list[str]:
    """One string per bounce or deferral message.

    Blank lines and separator lines (---, ===) end a block. Inside a block, a line that
    starts with an SMTP reply code starts a new message, unless it continues a multi-line
    reply ("550-5.7.26 ..." lines up to the "550 ..." line belong together). Lines without a
    code belong to the message before them. A block with no status code at all (the "Delivery
    has failed" and "Diagnostic information" parts of a non-delivery report) is context for
    the next message that has one, or for the last one at the end of the paste.
    """
    text = (text or "")[:MAX_TEXT]
    messages: list[list[str]] = []
    current: list[str] = []
    continuing = None  # the reply code of an unfinished multi-line reply

    def finish() -> None:
        nonlocal current, continuing
        if current:
            messages.append(current)
        current, continuing = [], None

    for line in text.splitlines():
        if _SEPARATOR.match(line):
            finish()
            continue
        reply = _REPLY_LINE.match(line)
        if reply and current and continuing != reply.group(1):
            finish()
        if reply:
            continuing = reply.group(1) if reply.group(2) == "-" else None
        elif inline := _INLINE_CONTINUED.search(line):  # "Diagnostic-Code: smtp; 550-5.7.26 ..."
            continuing = inline.group(1)
        current.append(line.strip())
    finish()
    merged: list[list[str]] = []
    pending: list[str] = []  # code-less blocks waiting for the next message with a code
    for lines in messages:
        if any(_STATUS.search(line) or _REPLY_LINE.match(line) for line in lines):
            merged.append(pending + lines)
            pending = []
        else:
            pending.extend(lines)
    if pending:
        if merged:
            merged[-1].extend(pending)
        else:
            merged.append(pending)
    return [" ".join(lines) for lines in merged[:MAX_MESSAGES]]


# --- What the message mentions ------------------------------------------------------------

_STATUS = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?!\.?\d)")
_REPLY = re.compile(r"(?<!\d)([245]\d\d)(?:[ -]+[245]\.\d|[ -])")
_IPV4 = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.]*\d)")
_IPV6 = re.compile(r"(?<![\w:])([0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})(?![\w:])", re.I)
_DOMAIN = r"([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)"
_DOMAIN_MARKERS = [
    re.compile(p + _DOMAIN, re.I)
    for p in (
        r"sending domain\s+",
        r"SPF domain\s*(?:=\s*|\[)",
        r"\bd=",
        r"email from\s+",
        r"administrator of\s+",
        r"domain\s+\[",
    )
]


def _first_ip(text: str) -> str:
    for match in _IPV4.finditer(text):
        try:
            return str(ipaddress.IPv4Address(match.group(1)))
        except ValueError:
            continue
    for match in _IPV6.finditer(text):
        candidate = match.group(1)
        if candidate.count(":") < 2 or not re.search(r"[0-9a-f]", candidate, re.I):
            continue
        try:
            return str(ipaddress.IPv6Address(candidate))
        except ValueError:
            continue
    return ""


def _domain(text: str) -> str:
    for marker in _DOMAIN_MARKERS:
        match = marker.search(text)
        if match and not re.fullmatch(r"[\d.]+", match.group(1)):
            return match.group(1).lower().rstrip(".")
    return ""


def detect_provider(text: str) -> str | None:
    """The provider named earliest in the text, or None."""
    found = [(m.start(), p) for p, rx in PROVIDER_MARKERS.items() if (m := rx.search(text))]
    return min(found)[1] if found else None


# --- Classification -----------------------------------------------------------------------


def classify_message(text: str, rules: tuple[BounceRule, ...] | None = None) -> BounceDiagnosis:
    """Diagnose one bounce or deferral message."""
    text = (text or "").strip()
    window = text[:MAX_MESSAGE]
    rules = load_rules() if rules is None else rules
    named = detect_provider(window)
    status = _STATUS.search(window)
    reply = _REPLY.search(window)
    found = dict(
        text=text,
        status_code=status.group(1) if status else "",
        reply_code=reply.group(1) if reply else "",
        ip=_first_ip(window),
        domain=_domain(window),
    )
    # IP addresses are masked so that 10.5.7.25 is never read as the status code 5.7.25
    masked = _IPV4.sub("<ip>", window)
    for rule in rules:
        if rule.provider and named not in (None, rule.provider):
            continue
        if rule.pattern.search(masked):
            return BounceDiagnosis(
                provider=rule.provider or named or Provider.OTHERS,
                kind=rule.kind,
                rule_id=rule.id,
                guidance=rule.guidance,
                **found,
            )
    return BounceDiagnosis(
        provider=named or Provider.OTHERS, kind=Kind.UNKNOWN, rule_id="", guidance="", **found
    )


def classify(text: str, rules: tuple[BounceRule, ...] | None = None) -> list[BounceDiagnosis]:
    """Diagnose every message in a paste of one or more bounces or deferrals."""
    return [classify_message(message, rules) for message in split_messages(text)]
