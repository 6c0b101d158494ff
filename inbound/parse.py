"""One inbound message, bytes in, a `ParsedMessage` out; `parse_message` never raises.

Whatever cannot be read is left empty and named in `defects`, so that routing can still
keep the message (in quarantine if need be): nothing is lost because it was malformed.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.policy import Compat32
from email.utils import parsedate_to_datetime
from types import MappingProxyType

from cases.filetypes import attachment_type

from .authentication import (
    AuthenticationResults,
    SenderAuthentication,
    parse_authentication_results,
    sender_authentication,
)
from .headers import (
    find_case_reference,
    header_text,
    normalise_address,
    normalise_message_id,
    parse_addresses,
    parse_message_id_list,
    raw_header_text,
)
from .text import decode_bytes, html_to_text, split_reply

MAX_DEPTH = 30
MAX_PARTS = 500
MAX_FILENAME_LENGTH = 200
# The stdlib parser recurses once per nested multipart and costs time quadratic in the
# depth (about 1000 levels end in RecursionError): a message that declares more
# multiparts than this, or has more boundary lines than twice MAX_PARTS, is not
# handed to it. Its headers are read and it goes to quarantine (see `structure_refused`).
MAX_MULTIPARTS = 200
MAX_BOUNDARY_LINES = 2 * MAX_PARTS
# Real header sections are a few dozen kilobytes; past this one is only read in part
# (reading millions of header lines or encoded words costs minutes), and the message
# goes to quarantine like one whose structure is refused.
MAX_HEADER_BYTES = 256 * 1024

# Header fields added on the way in (MTAs, filters, the mailbox): they differ between
# two deliveries of one message (an MTA's retry, the IMAP copy and the pipe's), so
# the content fingerprint leaves them out. DKIM-Signature is the sender's: content.
TRACE_HEADERS = frozenset(
    {
        "received",
        "return-path",
        "delivered-to",
        "x-original-to",
        "authentication-results",
        "received-spf",
        "x-received",
    }
)
TRACE_HEADER_PREFIXES = ("arc-", "x-spam-", "x-virus-")


class _RawHeaders(Compat32):
    """The stdlib's most lenient policy, handing header values back exactly as they came
    (8-bit bytes as surrogates), so that decoding is ours and cannot raise."""

    def header_fetch_parse(self, name, value):
        return value


_POLICY = _RawHeaders()


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes = field(repr=False)
    inline: bool = False
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def guessed_type(self) -> str:
        """The type that the file name implies, by the portal's own rule (the declared
        type is the sender's claim)."""
        return attachment_type(self.filename)


@dataclass(frozen=True)
class DeliveryRecipient:
    final_recipient: str
    action: str = ""
    status: str = ""
    diagnostic_code: str = ""
    original_recipient: str = ""

    @property
    def failed(self) -> bool:
        return self.action == "failed" or (not self.action and self.status.startswith("5"))


@dataclass(frozen=True)
class DeliveryReport:
    """What a delivery status notification (RFC 3464) says about a message we sent."""

    original_message_id: str | None
    recipients: tuple[DeliveryRecipient, ...] = ()
    reporting_mta: str = ""

    @property
    def failed_recipients(self) -> tuple[DeliveryRecipient, ...]:
        return tuple(r for r in self.recipients if r.failed)

    @property
    def is_failure(self) -> bool:
        return bool(self.failed_recipients)

    @property
    def failed_recipient(self) -> str:
        failed = self.failed_recipients
        return failed[0].final_recipient if failed else ""

    @property
    def status(self) -> str:
        chosen = self.failed_recipients or self.recipients
        return chosen[0].status if chosen else ""

    @property
    def diagnostic_code(self) -> str:
        chosen = self.failed_recipients or self.recipients
        return chosen[0].diagnostic_code if chosen else ""


@dataclass(frozen=True)
class ParsedMessage:
    """Everything routing needs from one message. Addresses and Message-IDs are
    normalised (see headers.normalise_address / normalise_message_id)."""

    content_hash: str
    size: int
    # sha256 of the message without its trace headers (see `content_fingerprint`).
    fingerprint: str = ""
    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    # The sender: the one address in From, or "" when From names none or several (then
    # `from_addresses` holds what it names and no one is the sender; see routing).
    from_address: str = ""
    from_name: str = ""
    from_addresses: tuple[str, ...] = ()
    reply_to: str = ""
    return_path: str | None = None
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    subject: str = ""
    date: datetime | None = None
    case_reference: str | None = None
    text: str = ""
    reply_text: str = ""
    quoted_text: str = ""
    text_source: str = ""
    attachments: tuple[Attachment, ...] = ()
    authentication_results: tuple[AuthenticationResults, ...] = ()
    delivery_report: DeliveryReport | None = None
    content_type: str = "text/plain"
    report_type: str = ""
    headers: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({}), repr=False
    )
    defects: tuple[str, ...] = ()
    # Why the MIME structure was not read (too deep or too many parts), else "".
    structure_refused: str = ""

    @property
    def dedup_key(self) -> str:
        """What makes two deliveries one message: the content without trace headers.
        Not the Message-ID: anyone can reuse one (see services.ingest)."""
        return f"fp:{self.fingerprint or self.content_hash}"

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Ids to look a reply's case up by, nearest first: In-Reply-To, then
        References from newest to oldest."""
        seen, ids = set(), []
        for mid in (*self.in_reply_to, *reversed(self.references)):
            if mid not in seen:
                seen.add(mid)
                ids.append(mid)
        return tuple(ids)

    def header(self, name: str) -> str:
        """The first value of a header, decoded; "" when absent."""
        values = self.headers.get(name.lower(), ())
        return values[0] if values else ""

    def authentication(self, trusted_authserv_ids: Iterable[str] = ()) -> SenderAuthentication:
        """What the believed Authentication-Results say about the sender: the headers
        of the trusted authserv-ids (without any, the topmost one) and the DMARC
        verdict for the From address (see authentication.py)."""
        return sender_authentication(
            self.authentication_results, trusted_authserv_ids, self.from_address
        )


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one RFC 5322 message. Never raises: unreadable parts are left empty and
    named in `defects`."""
    try:
        raw = raw if isinstance(raw, bytes) else _as_bytes(raw)
    except Exception:  # noqa: BLE001 - parse_message never raises
        raw = b""
    content_hash = hashlib.sha256(raw).hexdigest()
    try:
        fingerprint = content_fingerprint(raw)
    except Exception:  # noqa: BLE001 - parse_message never raises
        fingerprint = content_hash
    try:
        return _parse(raw, content_hash, fingerprint)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        return ParsedMessage(
            content_hash=content_hash,
            fingerprint=fingerprint,
            size=len(raw),
            text=decode_bytes(raw[:1_000_000]),
            reply_text=decode_bytes(raw[:1_000_000]),
            defects=(f"unparseable message: {type(exc).__name__}",),
        )


def _as_bytes(raw) -> bytes:
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return bytes(raw)


class _Defects:
    def __init__(self):
        self.items: list[str] = []

    def guard(self, label, fn, default):
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - any failure is named as a defect
            self.items.append(f"{label}: {type(exc).__name__}")
            return default


def _parse(raw: bytes, content_hash: str, fingerprint: str) -> ParsedMessage:
    defects = _Defects()
    header_section = split_header_section(raw)[0]
    refused = structure_problem(raw)
    if len(header_section) > MAX_HEADER_BYTES:
        header_section = header_section[:MAX_HEADER_BYTES].rpartition(b"\n")[0]
        refused = (
            f"the header section is larger than {MAX_HEADER_BYTES} bytes; only its "
            "beginning was read (the raw message is kept)"
        )
    msg = None
    if not refused:
        msg = defects.guard("structure", lambda: BytesParser(policy=_POLICY).parsebytes(raw), None)
        if msg is None:
            refused = f"the MIME structure could not be read ({defects.items[-1]})"
    if refused:
        # The headers alone; the body stays in the raw message for staff.
        msg = defects.guard(
            "headers",
            lambda: BytesParser(policy=_POLICY).parsebytes(
                header_section + b"\r\n\r\n", headersonly=True
            ),
            None,
        )
        if msg is None:
            msg = Message(policy=_POLICY)
        msg.set_payload("")
    headers = defects.guard("headers", lambda: _collect_headers(msg), {})

    def first(name):
        values = headers.get(name, ())
        return values[0] if values else ""

    def raw_first(name):
        value = msg.get(name)
        return "" if value is None else str(value)

    # Every From header counts: RFC 5322 allows one, and with two the sender could be
    # either. Sender is never read: it does not name who wrote the message.
    from_pairs = defects.guard("From", lambda: _address_pairs(msg, "from"), ())
    sole_sender = from_pairs[0] if len({a for _, a in from_pairs}) == 1 else ("", "")
    subject = first("subject")
    content_type = defects.guard("Content-Type", lambda: msg.get_content_type(), "text/plain")
    report_type = defects.guard(
        "report-type", lambda: str(msg.get_param("report-type") or "").strip().lower(), ""
    )
    text, text_source = defects.guard("body", lambda: _body_text(msg, 0), ("", ""))
    reply_text, quoted_text = defects.guard("quoting", lambda: split_reply(text), (text, ""))
    attachments = defects.guard("attachments", lambda: tuple(_attachments(msg)), ())
    auth = defects.guard(
        "Authentication-Results",
        lambda: tuple(
            r
            for r in (
                parse_authentication_results(v) for v in msg.get_all("authentication-results") or ()
            )
            if r is not None
        ),
        (),
    )
    delivery_report = defects.guard(
        "delivery report", lambda: _delivery_report(msg, headers, from_pairs), None
    )
    return_path = None
    if "return-path" in headers:
        return_path = normalise_address(raw_header_text(msg.get("return-path")))
    defect_names = defects.guard(
        "defects", lambda: [type(d).__name__ for d in (msg.defects or [])], []
    )
    return ParsedMessage(
        content_hash=content_hash,
        fingerprint=fingerprint,
        size=len(raw),
        message_id=defects.guard(
            "Message-ID", lambda: normalise_message_id(raw_first("message-id") or None), None
        ),
        in_reply_to=defects.guard(
            "In-Reply-To", lambda: parse_message_id_list(raw_first("in-reply-to")), ()
        ),
        references=defects.guard(
            "References", lambda: parse_message_id_list(raw_first("references")), ()
        ),
        from_address=sole_sender[1],
        from_name=sole_sender[0],
        from_addresses=tuple(dict.fromkeys(a for _, a in from_pairs)),
        reply_to=defects.guard(
            "Reply-To", lambda: next((a for _, a in parse_addresses(raw_first("reply-to"))), ""), ""
        ),
        return_path=return_path,
        to=defects.guard("To", lambda: _addresses(msg, "to"), ()),
        cc=defects.guard("Cc", lambda: _addresses(msg, "cc"), ()),
        subject=subject,
        date=defects.guard("Date", lambda: _date(raw_first("date")), None),
        case_reference=find_case_reference(subject),
        text=text,
        reply_text=reply_text,
        quoted_text=quoted_text,
        text_source=text_source,
        attachments=attachments,
        authentication_results=auth,
        delivery_report=delivery_report,
        content_type=content_type,
        report_type=report_type,
        headers=MappingProxyType(headers),
        defects=tuple(defects.items) + tuple(dict.fromkeys(defect_names)),
        structure_refused=refused,
    )


# --- the content fingerprint and the structure's size, before parsing ----------------

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIELD_NAME_CHAR = rb"[!-9;-~]"  # RFC 5322 ftext
_TRACE_FIELD = re.compile(
    rb"^(?:"
    + b"|".join(re.escape(n.encode()) for n in sorted(TRACE_HEADERS))
    + b"|"
    + b"|".join(re.escape(p.encode()) + _FIELD_NAME_CHAR + b"*" for p in TRACE_HEADER_PREFIXES)
    + rb")[ \t]*:[^\n]*(?:\n[ \t][^\n]*)*(?:\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)


def split_header_section(raw: bytes) -> tuple[bytes, bytes]:
    """(header section, body) at the first empty line; a leading mbox "From " line
    (some MTA pipes prepend one) belongs to neither."""
    if raw.startswith(b"From "):
        raw = raw.partition(b"\n")[2]
    match = _HEADER_END.search(raw)
    if match is None:
        return raw, b""
    return raw[: match.start()], raw[match.end() :]


def content_fingerprint(raw: bytes) -> str:
    """sha256 of a message as its sender wrote it: trace headers (TRACE_HEADERS,
    TRACE_HEADER_PREFIXES) left out, line endings as \\n, trailing line breaks
    dropped. The same message delivered twice, by an MTA's retry or by IMAP and the
    pipe both, has one fingerprint."""
    header_section, body = split_header_section(raw)
    header_section = _TRACE_FIELD.sub(b"", header_section.replace(b"\r\n", b"\n") + b"\n")
    digest = hashlib.sha256(header_section.rstrip(b"\n") + b"\n\n")
    digest.update(body.replace(b"\r\n", b"\n").rstrip(b"\r\n"))
    return digest.hexdigest()


_BOUNDARY_PARAMETER = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))', re.I)
_DELIMITER_LINE = re.compile(rb"^--([^\r\n]{1,200}?)(?:--)?[ \t]*\r?$", re.M)


def structure_problem(raw: bytes) -> str:
    """Why the MIME structure is not to be parsed (more than MAX_MULTIPARTS declared
    multiparts, more than MAX_BOUNDARY_LINES boundary lines), else "". Linear, and
    stops at the limit."""
    declared = set()
    for count, match in enumerate(_BOUNDARY_PARAMETER.finditer(raw), 1):
        if count > MAX_MULTIPARTS:
            return (
                f"the MIME structure declares more than {MAX_MULTIPARTS} multiparts; "
                "it was not read (the raw message is kept)"
            )
        declared.add(match.group(1) or match.group(2))
    if raw.count(b"\n--") <= MAX_BOUNDARY_LINES:
        return ""
    lines = 0
    for match in _DELIMITER_LINE.finditer(raw):
        if match.group(1) in declared:
            lines += 1
            if lines > MAX_BOUNDARY_LINES:
                return (
                    f"the MIME structure has more than {MAX_BOUNDARY_LINES} boundary lines; "
                    "it was not read (the raw message is kept)"
                )
    return ""


def _collect_headers(msg: Message) -> dict[str, tuple[str, ...]]:
    collected: dict[str, list[str]] = {}
    for name, value in list(msg.items())[:1000]:
        key = str(name).strip().lower()
        collected.setdefault(key, []).append(header_text(value))
    return {k: tuple(v) for k, v in collected.items()}


def _address_pairs(msg: Message, name: str) -> tuple[tuple[str, str], ...]:
    """(display name, address) in every header of this name, in order."""
    found = []
    for value in msg.get_all(name) or ():
        found.extend(parse_addresses(value))
    return tuple(found)


def _addresses(msg: Message, name: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(addr for _, addr in _address_pairs(msg, name)))


def _date(value: str) -> datetime | None:
    text = header_text(value)
    if not text:
        return None
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


# --- MIME structure -------------------------------------------------------------------

_REPORT_PARTS = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "text/rfc822-headers",
    "message/global-headers",
}


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)][:MAX_PARTS]
    return []


def _disposition(part: Message) -> str:
    value = part.get("content-disposition")
    return str(value).split(";", 1)[0].strip().lower() if value else ""


def _filename(part: Message) -> str:
    try:
        return str(part.get_filename() or "")
    except Exception:  # noqa: BLE001 - a broken RFC 2231 parameter is no file name
        return ""


def _is_body_candidate(part: Message) -> bool:
    return (
        part.get_content_type() in ("text/plain", "text/html")
        and _disposition(part) != "attachment"
        and not _filename(part)
    )


def _part_bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _part_text(part: Message) -> str:
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - a broken charset parameter is no charset
        charset = None
    return decode_bytes(_part_bytes(part), charset)


def _body_text(part: Message, depth: int) -> tuple[str, str]:
    """(text, "plain" or "html") for a part: text/plain preferred in an alternative,
    the bodies of a mixed part joined in order (Apple Mail splits text around inline
    images), attachments and reports' machine parts skipped."""
    if depth > MAX_DEPTH:
        return "", ""
    maintype = part.get_content_maintype()
    ctype = part.get_content_type()
    if maintype == "multipart":
        children = _children(part)
        if not children:
            # Declared multipart but without parts: read it as plain text.
            return _part_text(part).strip(), "plain"
        if ctype == "multipart/alternative":
            results = [_body_text(child, depth + 1) for child in children]
            for wanted in ("plain", "html"):
                for text, source in results:
                    if source == wanted and text.strip():
                        return text, source
            return "", ""
        texts, sources = [], []
        for child in children:
            if child.get_content_type() in _REPORT_PARTS:
                continue
            if child.get_content_maintype() != "multipart" and not _is_body_candidate(child):
                continue
            text, source = _body_text(child, depth + 1)
            if text.strip():
                texts.append(text.strip())
                sources.append(source)
        if not texts:
            return "", ""
        return "\n\n".join(texts), ("plain" if "plain" in sources else "html")
    if ctype == "text/html" and _is_body_candidate(part):
        return html_to_text(_part_text(part)), "html"
    if _is_body_candidate(part) or (depth == 0 and maintype == "text"):
        return _part_text(part).strip(), "plain"
    return "", ""


def _leaves(root: Message) -> Iterator[Message]:
    """Non-multipart parts, not descending into attached messages or reports."""
    stack = [(root, 0)]
    count = 0
    while stack and count < MAX_PARTS:
        part, depth = stack.pop()
        count += 1
        if part.get_content_maintype() == "multipart" and depth < MAX_DEPTH:
            children = _children(part)
            stack.extend((c, depth + 1) for c in reversed(children))
            continue
        yield part


def _safe_filename(name: str, content_type: str, index: int) -> str:
    name = header_text(name)
    name = re.split(r"[\\/]", name)[-1]
    # Control characters, characters no file system takes, and bidi controls (which can
    # make "report\u202efdp.exe" read as "reportexe.pdf").
    name = re.sub(r"[\x00-\x1f\x7f<>:\"|?*\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", name)
    name = name.strip().strip(".").strip()
    if not name:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{index}{extension}"
    if len(name) > MAX_FILENAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_FILENAME_LENGTH - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_FILENAME_LENGTH]
    return name


def _attachments(root: Message) -> Iterator[Attachment]:
    index = 0
    for part in _leaves(root):
        if part is root and part.get_content_maintype() == "text" and not _filename(part):
            continue
        ctype = part.get_content_type()
        if ctype in _REPORT_PARTS or _is_body_candidate(part):
            continue
        index += 1
        try:
            yield _attachment(part, ctype, index)
        except Exception:  # noqa: BLE001 - keep the other attachments
            yield Attachment(f"attachment-{index}.bin", "application/octet-stream", b"")


def _attachment(part: Message, ctype: str, index: int) -> Attachment:
    filename = _filename(part)
    if part.get_content_maintype() == "message":
        inner = _children(part)
        if inner:
            content = inner[0].as_bytes(policy=_POLICY)
            filename = filename or (header_text(inner[0].get("subject")) or "message") + ".eml"
        else:
            content = _part_bytes(part)
            filename = filename or "message.eml"
    else:
        content = _part_bytes(part)
    return Attachment(
        filename=_safe_filename(str(filename), ctype, index),
        content_type=ctype,
        content=content,
        inline=_disposition(part) == "inline",
        content_id=(normalise_message_id(part.get("content-id")) or ""),
    )


# --- Delivery status notifications -----------------------------------------------------

_BOUNCE_SUBJECT = re.compile(
    r"(undeliver|undelivered|delivery (status notification|failure|has failed)|"
    r"returned mail|mail delivery (failed|failure|subsystem)|failure notice|"
    r"onbestelbaar|niet bezorgd|unzustellbar)",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = ("mailer-daemon", "postmaster")
_STATUS_CODE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_MESSAGE_ID_LINE = re.compile(r"^message-id:\s*(<[^<>\r\n]+>)", re.IGNORECASE | re.MULTILINE)


def is_bounce_sender(address: str) -> bool:
    local = address.partition("@")[0].lower()
    return local in _BOUNCE_SENDERS or local.startswith("mailer-daemon")


def _field_blocks(text: str) -> list[dict[str, str]]:
    blocks, current, last = [], {}, None
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, None
        elif line[0] in " \t" and last:
            current[last] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip().lower()
            current[last] = value.strip()
    if current:
        blocks.append(current)
    return blocks


def _report_text(part: Message) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n\n".join(
            "\n".join(f"{k}: {header_text(v)}" for k, v in block.items())
            for block in payload
            if isinstance(block, Message)
        )
    return _part_text(part)


def _typed_address(value: str) -> str:
    # "rfc822; user@example.com"
    return normalise_address(value.rpartition(";")[2])


def _original_message_id(root: Message) -> str | None:
    for part in _leaves(root):
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global"):
            inner = _children(part)
            if inner and inner[0].get("message-id"):
                return normalise_message_id(inner[0].get("message-id"))
        elif ctype in ("text/rfc822-headers", "message/global-headers"):
            headers = HeaderParser(policy=_POLICY).parsestr(_part_text(part))
            if headers.get("message-id"):
                return normalise_message_id(headers.get("message-id"))
    for part in _leaves(root):
        if part.get_content_maintype() == "text":
            match = _MESSAGE_ID_LINE.search(_part_text(part))
            if match:
                return normalise_message_id(match.group(1))
    return None


def _delivery_report(
    msg: Message, headers: Mapping[str, tuple[str, ...]], from_pairs
) -> DeliveryReport | None:
    """The report in a multipart/report; report-type=delivery-status, or what an old
    style bounce from a mailer-daemon lets us recover (X-Failed-Recipients, status
    codes and the returned headers in its text)."""
    ctype = msg.get_content_type()
    report_type = str(msg.get_param("report-type") or "").strip().lower()
    if ctype == "multipart/report" and report_type in (
        "delivery-status",
        "global-delivery-status",
    ):
        recipients, reporting_mta = [], ""
        for part in _leaves(msg):
            if part.get_content_type() not in (
                "message/delivery-status",
                "message/global-delivery-status",
            ):
                continue
            for block in _field_blocks(_report_text(part)):
                if "reporting-mta" in block and not reporting_mta:
                    reporting_mta = block["reporting-mta"].rpartition(";")[2].strip()
                if "final-recipient" in block or "original-recipient" in block:
                    recipients.append(
                        DeliveryRecipient(
                            final_recipient=_typed_address(
                                block.get("final-recipient") or block.get("original-recipient", "")
                            ),
                            original_recipient=_typed_address(block.get("original-recipient", "")),
                            action=block.get("action", "").strip().lower(),
                            status=(_STATUS_CODE.findall(block.get("status", "")) or [""])[0],
                            diagnostic_code=block.get("diagnostic-code", "")[:1000],
                        )
                    )
            break
        return DeliveryReport(
            original_message_id=_original_message_id(msg),
            recipients=tuple(recipients[:100]),
            reporting_mta=reporting_mta[:255],
        )
    sender = from_pairs[0][1] if from_pairs else ""
    subject = headers.get("subject", ("",))[0]
    failed_header = headers.get("x-failed-recipients", ())
    if failed_header or (is_bounce_sender(sender) and _BOUNCE_SUBJECT.search(subject)):
        body, _ = _body_text(msg, 0)
        status = (_STATUS_CODE.findall(body) or [""])[0]
        addresses = []
        for value in failed_header:
            addresses.extend(a for _, a in parse_addresses(value))
        return DeliveryReport(
            original_message_id=_original_message_id(msg),
            recipients=tuple(
                DeliveryRecipient(final_recipient=a, action="failed", status=status)
                for a in dict.fromkeys(addresses)
            ),
        )
    return None


# --- Attachments under the portal's rules --------------------------------------------


@dataclass(frozen=True)
class RejectedAttachment:
    attachment: Attachment
    reason: str


def screen_attachments(
    attachments: Iterable[Attachment],
    *,
    max_bytes: int,
    max_files: int,
    allowed_types: Iterable[str],
) -> tuple[tuple[Attachment, ...], tuple[RejectedAttachment, ...]]:
    """(accepted, rejected with a reason) under the same rules as the portal's upload
    form (settings CASES_ATTACHMENT_MAX_BYTES, _MAX_FILES, _TYPES): the type is the one
    the file name implies, and files beyond the count are refused in order."""
    allowed = set(allowed_types)
    accepted: list[Attachment] = []
    rejected: list[RejectedAttachment] = []
    for attachment in attachments:
        if attachment.size > max_bytes:
            reason = f"{attachment.size} bytes is more than the limit of {max_bytes} bytes"
        elif attachment.guessed_type not in allowed:
            reason = f"the file type {attachment.guessed_type or 'unknown'} is not accepted"
        elif len(accepted) >= max_files:
            reason = f"more than {max_files} attachments"
        else:
            accepted.append(attachment)
            continue
        rejected.append(RejectedAttachment(attachment, reason))
    return tuple(accepted), tuple(rejected)
