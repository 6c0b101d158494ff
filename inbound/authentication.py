"""Authentication-Results (RFC 8601): each header parsed exactly, which headers are
believed, and the one DMARC verdict the portal acts on.

Which headers are believed (`believed_headers`): those whose authserv-id is one of
INBOUND_AUTHSERV_IDS, wherever they stand; a header from any other authserv-id is
ignored, since anyone can write one. Without INBOUND_AUTHSERV_IDS only the topmost
header counts, and only against the sender: a fail in it is believed, a pass is not
(if our MTA writes no header, the topmost is the sender's own, and a pass there would
let anyone post as staff).

The verdict (`sender_authentication`), conservative where believed headers disagree:
- a `dmarc=fail` in any believed header is a fail;
- otherwise the topmost believed header that reports DMARC at all decides (several
  DMARC results in it: all must pass). A header below ours cannot raise our own
  MTA's result: it may have been written by the sender before the mail reached us;
- a pass counts only for the domain of the From address: when the result names
  another header.from, the verdict is "mismatch" (the MTA and the portal read a
  different From), which is treated as a fail;
- None when no believed header reports DMARC, or when it passes but no authserv-id is
  trusted.

Pure functions; they return a value for any input and never raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .headers import raw_header_text

PASS, FAIL, MISMATCH = "pass", "fail", "mismatch"
# Results in a header beyond this many are ignored (a real MTA writes a handful).
MAX_RESULTS = 50
MAX_HEADERS = 50


@dataclass(frozen=True)
class AuthenticationResult:
    """One method's result in an Authentication-Results header, e.g. dmarc=fail."""

    method: str
    result: str
    reason: str = ""
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthenticationResults:
    """One Authentication-Results header: who added it and what it found."""

    authserv_id: str
    results: tuple[AuthenticationResult, ...] = ()
    version: str = ""

    def result_for(self, method: str) -> str | None:
        """The result of a method ("pass", "fail", ...); for several DKIM signatures,
        "pass" if any passed. None when the header does not mention the method."""
        found = [r.result for r in self.results if r.method == method]
        if not found:
            return None
        return PASS if PASS in found else found[0]

    @property
    def spf(self) -> str | None:
        return self.result_for("spf")

    @property
    def dkim(self) -> str | None:
        return self.result_for("dkim")

    @property
    def dmarc(self) -> str | None:
        return self.result_for("dmarc")


# --- parsing one header ---------------------------------------------------------------


def _strip_comments(text: str) -> str:
    """RFC 5322 comments (nested, with quoted-pairs) replaced by a space; quoted strings
    kept whole, so "(" inside quotes is not a comment."""
    out, depth, quoted, escaped = [], 0, False, False
    for ch in text:
        if escaped:
            escaped = False
            if not depth:
                out.append(ch)
            continue
        if ch == "\\":
            escaped = True
            if not depth:
                out.append(ch)
            continue
        if quoted:
            if ch == '"':
                quoted = False
            out.append(ch)
        elif ch == '"' and not depth:
            quoted = True
            out.append(ch)
        elif ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if not depth:
                out.append(" ")
        elif not depth:
            out.append(ch)
    return "".join(out)


# A quoted string (to its end if unclosed), one of the specials, or a word.
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"?|([;=/])|([^\s";=/]+)', re.DOTALL)
_QUOTED_PAIR = re.compile(r"\\(.)", re.DOTALL)


@dataclass(frozen=True)
class _Token:
    kind: str  # "quoted", "special" or "word"
    text: str

    def is_special(self, char: str) -> bool:
        return self.kind == "special" and self.text == char

    @property
    def is_value(self) -> bool:
        return self.kind in ("quoted", "word")


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        quoted, special, word = match.groups()
        if special:
            tokens.append(_Token("special", special))
        elif word is not None:
            tokens.append(_Token("word", word))
        else:
            tokens.append(_Token("quoted", _QUOTED_PAIR.sub(r"\1", quoted or "")))
    return tokens


def _split(tokens: list[_Token]) -> list[list[_Token]]:
    segments, current = [], []
    for token in tokens:
        if token.is_special(";"):
            segments.append(current)
            current = []
        else:
            current.append(token)
    segments.append(current)
    return segments


def _method_result(segment: list[_Token]) -> tuple[str, str, int] | None:
    """methodspec = method [ "/" version ] "=" result; (method, result, tokens used)."""
    try:
        equals = next(i for i, t in enumerate(segment) if t.is_special("="))
    except StopIteration:
        return None
    before = segment[:equals]
    if not before or before[0].kind != "word":
        return None
    if len(before) == 3 and before[1].is_special("/") and before[2].text.isdigit():
        pass  # a method version, e.g. dkim/1
    elif len(before) != 1:
        return None
    method = before[0].text.lower()
    if equals + 1 >= len(segment) or not segment[equals + 1].is_value:
        return None
    result = segment[equals + 1].text.lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", method) or not result:
        return None
    return method, result, equals + 2


def _reason_and_properties(rest: list[_Token]) -> tuple[str, dict[str, str]]:
    """reasonspec and propspecs: name "=" value, where a property name is
    ptype "." property and may be written with spaces around the dot."""
    reason, properties, name = "", {}, []
    i = 0
    while i < len(rest):
        token = rest[i]
        if token.is_special("="):
            key = "".join(t.text for t in name).lower()
            value = rest[i + 1].text if i + 1 < len(rest) and rest[i + 1].is_value else None
            name = []
            if value is None:
                i += 1
                continue
            if key == "reason" and not reason:
                reason = value
            elif "." in key.strip(".") and key not in properties:
                properties[key] = value
            i += 2
            continue
        name.append(token)
        i += 1
    return reason, properties


def parse_authentication_results(value: object) -> AuthenticationResults | None:
    """Parse one Authentication-Results value; None when it has no authserv-id.

    authres-payload = authserv-id [ version ] ( ";" "none" / 1*( ";" resinfo ) ), with
    comments and whitespace allowed between any two tokens (around "=", "/" and "."),
    values as tokens or quoted strings. A result that does not fit the grammar is
    left out rather than guessed at. Encoded words are not decoded (RFC 8601 has none):
    decoding one could write a result into the header."""
    tokens = _tokens(_strip_comments(raw_header_text(value)))
    segments = _split(tokens)
    head = segments[0]
    if not head or not head[0].is_value:
        return None
    authserv_id = head[0].text.strip().lower()
    if not authserv_id:
        return None
    version = head[1].text if len(head) > 1 and head[1].text.isdigit() else ""
    results = []
    for segment in segments[1 : MAX_RESULTS + 1]:
        parsed = _method_result(segment)
        if parsed is None:
            continue
        method, result, used = parsed
        reason, properties = _reason_and_properties(segment[used:])
        results.append(AuthenticationResult(method, result, reason, properties))
    return AuthenticationResults(authserv_id, tuple(results), version)


# --- which headers to believe, and the verdict ---------------------------------------


def believed_headers(
    headers: Iterable[AuthenticationResults], trusted_authserv_ids: Iterable[str] = ()
) -> tuple[AuthenticationResults, ...]:
    """The headers to believe, topmost first (see the module's docstring)."""
    headers = tuple(headers)[:MAX_HEADERS]
    trusted = _trusted(trusted_authserv_ids)
    if not trusted:
        return headers[:1]
    return tuple(h for h in headers if h.authserv_id in trusted)


@dataclass(frozen=True)
class SenderAuthentication:
    """What the believed Authentication-Results say about the sender."""

    headers: tuple[AuthenticationResults, ...] = ()
    # pass, fail, mismatch, none, temperror, permerror (or another word an MTA wrote);
    # None when no believed header reports DMARC.
    dmarc: str | None = None
    # The domain a DMARC result named (header.from) when it is not the From address's.
    dmarc_domain: str = ""

    @property
    def results(self) -> tuple[AuthenticationResult, ...]:
        return tuple(r for h in self.headers for r in h.results)

    def _first(self, method: str) -> str | None:
        for header in self.headers:
            found = header.result_for(method)
            if found is not None:
                return found
        return None

    @property
    def spf(self) -> str | None:
        return self._first("spf")

    @property
    def dkim(self) -> str | None:
        return self._first("dkim")

    @property
    def verified(self) -> bool:
        return self.dmarc == PASS


def sender_authentication(
    headers: Iterable[AuthenticationResults],
    trusted_authserv_ids: Iterable[str] = (),
    from_address: str = "",
) -> SenderAuthentication:
    """The DMARC verdict on the sender (see the module's docstring)."""
    believed = believed_headers(headers, trusted_authserv_ids)
    reported = [
        [r for r in h.results if r.method == "dmarc"]
        for h in believed
        if any(r.method == "dmarc" for r in h.results)
    ]
    if not reported:
        return SenderAuthentication(believed, None)
    if any(r.result == FAIL for results in reported for r in results):
        return SenderAuthentication(believed, FAIL)
    deciding = reported[0]
    not_passed = [r.result for r in deciding if r.result != PASS]
    if not_passed:
        return SenderAuthentication(believed, not_passed[0][:16])
    domain = from_address.rpartition("@")[2].lower()
    for result in deciding:
        named = result.properties.get("header.from", "").strip().lower().rstrip(".")
        if named and named != domain:
            return SenderAuthentication(believed, MISMATCH, named)
    if not _trusted(trusted_authserv_ids):
        # The topmost header may be the sender's own: its pass proves nothing.
        return SenderAuthentication(believed, None)
    return SenderAuthentication(believed, PASS)


def _trusted(authserv_ids: Iterable[str]) -> set[str]:
    return {i.strip().lower() for i in authserv_ids} - {""}
