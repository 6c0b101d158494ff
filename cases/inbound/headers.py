"""Header values of inbound mail: RFC 2047 words, addresses, Message-IDs, the case
reference in a subject, and Authentication-Results (RFC 8601).

Pure functions that return a value for any input and never raise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import quopri
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import getaddresses

from .text import clean_text, decode_bytes

# The case reference as it appears in subjects: "EE-" and six digits, e.g. "[EE-000123]".
# The one place that knows the format; reference_for() in the cases app writes it.
CASE_REFERENCE_PREFIX = "EE-"
CASE_REFERENCE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])" + re.escape(CASE_REFERENCE_PREFIX) + r"(\d{6})(?!\d)", re.IGNORECASE
)

# A Message-ID longer than this is stored as a digest, so every id fits one column.
MAX_MESSAGE_ID_LENGTH = 250
# A References header can list a whole thread; its root and the newest ids are enough.
MAX_REFERENCES = 50

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=")
_FOLDING = re.compile(r"\r?\n(?=[ \t])")
# Undeclared 8-bit bytes, as the parser hands them over (surrogate escapes).
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")


def header_text(value: object) -> str:
    """A raw header value as readable text: unfolded, undeclared 8-bit bytes decoded
    (UTF-8, else Windows-1252), RFC 2047 encoded words decoded with replacement."""
    if value is None:
        return ""
    value = str(value)
    value = _FOLDING.sub("", value)
    if _ESCAPED_BYTES.search(value):
        raw = value.encode("utf-8", "surrogateescape")
        value = decode_bytes(raw, None)
    value = decode_encoded_words(value)
    value = clean_text(value).replace("\n", " ").replace("\t", " ")
    return value.strip()


def _word_bytes(encoding: str, payload: str) -> bytes:
    try:
        if encoding in "bB":
            payload = payload + "=" * (-len(payload) % 4)
            return base64.b64decode(payload, validate=False)
        return quopri.decodestring(payload.encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return payload.encode("ascii", "replace")


def decode_encoded_words(value: str) -> str:
    """RFC 2047: "=?utf-8?B?...?=" words decoded; whitespace between adjacent words
    dropped; adjacent words in one charset joined before decoding, since clients split
    multi-byte characters across words."""
    if "=?" not in value:
        return value
    out: list[str] = []
    pending: bytes = b""
    pending_charset: str | None = None
    pos = 0

    def flush():
        nonlocal pending, pending_charset
        if pending_charset is not None:
            out.append(decode_bytes(pending, pending_charset))
        pending, pending_charset = b"", None

    for match in _ENCODED_WORD.finditer(value):
        between = value[pos : match.start()]
        if between and not (pending_charset is not None and between.isspace()):
            flush()
            out.append(between)
        charset = match.group(1).split("*", 1)[0].lower()
        data = _word_bytes(match.group(2), match.group(3))
        if pending_charset is not None and charset != pending_charset:
            flush()
        pending_charset = charset
        pending += data
        pos = match.end()
    flush()
    out.append(value[pos:])
    return "".join(out)


def normalise_address(address: object) -> str:
    """An email address in the form routing compares: lower case, no angle brackets,
    no display name. "" when the value holds no plausible address."""
    if not address:
        return ""
    address = str(address).strip().strip("<>").strip().lower()
    if address.count("@") != 1 or any(c.isspace() for c in address) or len(address) > 254:
        return ""
    local, domain = address.split("@")
    if not local or not domain or "." not in domain.strip("."):
        return ""
    return f"{local}@{domain.rstrip('.')}"


def parse_addresses(value: object) -> tuple[tuple[str, str], ...]:
    """(display name, normalised address) for each address in a header value; entries
    without a plausible address are left out."""
    text = header_text(value)
    if not text:
        return ()
    try:
        pairs = getaddresses([text])
    except Exception:  # noqa: BLE001 - the stdlib parser has raised on odd input before
        pairs = [("", part) for part in re.findall(r"[^\s<>,;\"]+@[^\s<>,;\"]+", text)]
    result = []
    for name, addr in pairs[:200]:
        normalised = normalise_address(addr)
        if normalised:
            result.append((name.strip(), normalised))
    return tuple(result)


def normalise_message_id(value: object) -> str | None:
    """A Message-ID as stored and compared: without angle brackets, comments or
    whitespace, with the domain part in lower case. Ids longer than
    MAX_MESSAGE_ID_LENGTH become "sha256:<hex>" so they fit a column and still match.
    None for an empty value. Outbound ids must be stored through this function too."""
    if value is None:
        return None
    text = header_text(value)
    text = re.sub(r"\([^()]*\)", "", text)
    match = re.search(r"<([^<>]*)>", text)
    if match:
        text = match.group(1)
    text = "".join(text.split()).strip("<>")
    if not text:
        return None
    if "@" in text:
        local, _, domain = text.rpartition("@")
        text = f"{local}@{domain.lower()}"
    if len(text) > MAX_MESSAGE_ID_LENGTH:
        text = "sha256:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    return text


def parse_message_id_list(value: object, limit: int = MAX_REFERENCES) -> tuple[str, ...]:
    """The Message-IDs in an In-Reply-To or References value, in order, without
    duplicates. A long list keeps its first id (the thread's root) and the newest."""
    text = header_text(value)
    if not text:
        return ()
    tokens = re.findall(r"<[^<>]*>", text) or text.split()
    ids: list[str] = []
    seen = set()
    for token in tokens:
        normalised = normalise_message_id(token)
        if normalised and normalised not in seen:
            seen.add(normalised)
            ids.append(normalised)
    if len(ids) > limit:
        ids = ids[:1] + ids[-(limit - 1) :]
    return tuple(ids)


def find_case_reference(subject: object) -> str | None:
    """The case reference in a subject ("EE-000123"), a bracketed one first; None."""
    text = header_text(subject)
    matches = list(CASE_REFERENCE_PATTERN.finditer(text))
    if not matches:
        return None
    bracketed = [m for m in matches if text[: m.start()].rstrip().endswith("[")]
    return CASE_REFERENCE_PREFIX + (bracketed or matches)[0].group(1)


def preferred_language(value: object, available: Iterable[str]) -> str | None:
    """The language a Content-Language or Accept-Language value names among
    `available` (by primary subtag: "nl-BE" is "nl"): the highest q, the first listed
    on a tie; q=0 refuses a language. None when it names none of them."""
    text = header_text(value)
    wanted = {code.lower() for code in available}
    best, best_q = None, 0.0
    for item in text.split(",")[:50]:
        tag, *params = (p.strip() for p in item.split(";"))
        primary = tag.split("-", 1)[0].lower()
        if primary not in wanted:
            continue
        q = 1.0
        for param in params:
            name, _, number = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(number)
                except ValueError:
                    q = 0.0
        if q > best_q:
            best, best_q = primary, q
    return best


_SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fw|fwd|aw|wg|antw|doorst|tr|sv|vs|rv|enc)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)


def clean_subject(subject: object) -> str:
    """A subject without reply and forward prefixes (Re:, Fwd:, AW:, Antw:, Doorst:)."""
    text = header_text(subject)
    return _SUBJECT_PREFIX.sub("", text).strip()


# --- Authentication-Results (RFC 8601) ----------------------------------------------


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

    def result_for(self, method: str) -> str | None:
        """The result of a method ("pass", "fail", ...); for several DKIM signatures,
        "pass" if any passed. None when the header does not mention the method."""
        found = [r.result for r in self.results if r.method == method]
        if not found:
            return None
        return "pass" if "pass" in found else found[0]

    @property
    def spf(self) -> str | None:
        return self.result_for("spf")

    @property
    def dkim(self) -> str | None:
        return self.result_for("dkim")

    @property
    def dmarc(self) -> str | None:
        return self.result_for("dmarc")


def _strip_comments(text: str) -> str:
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


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_authentication_results(value: object) -> AuthenticationResults | None:
    """Parse one Authentication-Results value; None when it has no authserv-id."""
    text = _strip_comments(header_text(value))
    segments = [s.strip() for s in _split_outside_quotes(text, ";")]
    if not segments or not segments[0]:
        return None
    authserv_id = segments[0].split()[0].strip('"').lower()
    results = []
    for segment in segments[1:51]:
        tokens = re.findall(r'(?:[^\s"]|"[^"]*"?)+', segment)
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        method = method.split("/", 1)[0].lower()
        result = result.strip('"').lower()
        if not method or not result:
            continue
        reason, properties = "", {}
        for token in tokens[1:]:
            key, sep, val = token.partition("=")
            if not sep:
                continue
            key, val = key.lower(), val.strip('"')
            if key == "reason":
                reason = val
            elif "." in key:
                properties[key] = val
        results.append(AuthenticationResult(method, result, reason, properties))
    return AuthenticationResults(authserv_id, tuple(results))
