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

from .headers import (
    AuthenticationResults,
    find_case_reference,
    header_text,
    normalise_address,
    normalise_message_id,
    parse_addresses,
    parse_authentication_results,
    parse_message_id_list,
)
from .text import decode_bytes, html_to_text, split_reply

MAX_DEPTH = 30
MAX_PARTS = 500
MAX_FILENAME_LENGTH = 200


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
    message_id: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    from_address: str = ""
    from_name: str = ""
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

    @property
    def dedup_key(self) -> str:
        """The Message-ID, or for a message without one the hash of its bytes."""
        return self.message_id or f"sha256:{self.content_hash}"

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

    def authentication(self, trusted_authserv_ids: Iterable[str] = ()) -> AuthenticationResults:
        """The Authentication-Results to believe: the first (topmost, added by our own
        MTA) header whose authserv-id is trusted; with no ids given, the topmost one.
        An empty result when there is none."""
        trusted = {i.lower() for i in trusted_authserv_ids}
        for results in self.authentication_results:
            if not trusted or results.authserv_id in trusted:
                return results
        return AuthenticationResults(authserv_id="")


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one RFC 5322 message. Never raises: unreadable parts are left empty and
    named in `defects`."""
    try:
        raw = raw if isinstance(raw, bytes) else _as_bytes(raw)
    except Exception:  # noqa: BLE001
        raw = b""
    content_hash = hashlib.sha256(raw).hexdigest()
    try:
        return _parse(raw, content_hash)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        return ParsedMessage(
            content_hash=content_hash,
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
        except Exception as exc:  # noqa: BLE001
            self.items.append(f"{label}: {type(exc).__name__}")
            return default


def _parse(raw: bytes, content_hash: str) -> ParsedMessage:
    defects = _Defects()
    msg = defects.guard("structure", lambda: BytesParser(policy=_POLICY).parsebytes(raw), None)
    if msg is None:
        msg = Message(policy=_POLICY)
    headers = defects.guard("headers", lambda: _collect_headers(msg), {})

    def first(name):
        values = headers.get(name, ())
        return values[0] if values else ""

    def raw_first(name):
        value = msg.get(name)
        return "" if value is None else str(value)

    from_pairs = defects.guard("From", lambda: parse_addresses(raw_first("from")), ())
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
        return_path = normalise_address(headers["return-path"][0])
    defect_names = defects.guard(
        "defects", lambda: [type(d).__name__ for d in (msg.defects or [])], []
    )
    return ParsedMessage(
        content_hash=content_hash,
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
        from_address=from_pairs[0][1] if from_pairs else "",
        from_name=from_pairs[0][0] if from_pairs else "",
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
    )


def _collect_headers(msg: Message) -> dict[str, tuple[str, ...]]:
    collected: dict[str, list[str]] = {}
    for name, value in list(msg.items())[:1000]:
        key = str(name).strip().lower()
        collected.setdefault(key, []).append(header_text(value))
    return {k: tuple(v) for k, v in collected.items()}


def _addresses(msg: Message, name: str) -> tuple[str, ...]:
    found = []
    for value in msg.get_all(name) or ():
        found.extend(addr for _, addr in parse_addresses(value))
    return tuple(dict.fromkeys(found))


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
    except Exception:  # noqa: BLE001
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
