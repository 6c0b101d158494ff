"""Header values of inbound mail: RFC 2047 words, addresses, Message-IDs and the case
reference in a subject (Authentication-Results: see authentication.py).

Pure functions that return a value for any input and never raise.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import quopri
import re
from collections.abc import Iterable
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
# Addresses read from one header value (a To with thousands is not a person's mail).
MAX_ADDRESSES = 200

_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=")
_FOLDING = re.compile(r"\r?\n(?=[ \t])")
# Undeclared 8-bit bytes, as the parser hands them over (surrogate escapes).
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]")


def raw_header_text(value: object) -> str:
    """A raw header value unfolded, undeclared 8-bit bytes decoded (UTF-8, else
    Windows-1252) and control characters removed, but RFC 2047 encoded words left as
    they came: the form structure (addresses, ids) is read from. Decoding 8-bit bytes
    cannot add structure: they decode to non-ASCII characters only."""
    if value is None:
        return ""
    value = str(value)
    value = _FOLDING.sub("", value)
    if _ESCAPED_BYTES.search(value):
        raw = value.encode("utf-8", "surrogateescape")
        value = decode_bytes(raw, None)
    value = clean_text(value).replace("\n", " ").replace("\t", " ")
    return value.strip()


def header_text(value: object) -> str:
    """A raw header value as readable text: `raw_header_text` with RFC 2047 encoded
    words decoded (with replacement). For display and matching only: never parse
    addresses out of it, since an encoded word may decode to anything."""
    value = raw_header_text(value)
    if "=?" not in value:
        return value
    value = clean_text(decode_encoded_words(value)).replace("\n", " ").replace("\t", " ")
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
    without a plausible address are left out.

    The structure is read from the undecoded value, and only the display names are
    decoded afterwards: an encoded word is text and never an address, whatever it
    decodes to ("=?utf-8?b?YW5uYUBhY21lLmV4YW1wbGU=?= <m@x.example>" is m@x.example,
    named "anna@acme.example"). Encoded words inside an address are not decoded."""
    text = raw_header_text(value)
    if not text:
        return ()
    try:
        pairs = getaddresses([text])
    except Exception:  # noqa: BLE001 - the stdlib parser has raised on odd input before
        pairs = [("", part) for part in re.findall(r"[^\s<>,;\"]+@[^\s<>,;\"]+", text)]
    result = []
    for name, addr in pairs[:MAX_ADDRESSES]:
        normalised = normalise_address(addr)
        if normalised:
            result.append((display_name(name), normalised))
    return tuple(result)


def display_name(name: str) -> str:
    """A display name as read: encoded words decoded, whitespace collapsed."""
    return " ".join(header_text(name).split())


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
