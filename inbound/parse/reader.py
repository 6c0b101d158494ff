"""One inbound message, bytes in, a `ParsedMessage` out; `parse_message` never raises.

Whatever cannot be read is left empty and named in `defects`, so that routing can still
keep the message (in quarantine if need be): nothing is lost because it was malformed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from types import MappingProxyType

from ..authentication import parse_authentication_results
from ..headers import (
    find_case_reference,
    header_text,
    normalise_address,
    normalise_message_id,
    parse_addresses,
    parse_message_id_list,
    raw_header_text,
)
from ..quoting import split_reply
from ..text import decode_bytes
from .delivery_reports import read_delivery_report
from .message import ParsedMessage
from .mime import POLICY, attachments_of, body_text
from .raw import MAX_HEADER_BYTES, content_fingerprint, split_header_section, structure_problem


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
        msg = defects.guard("structure", lambda: BytesParser(policy=POLICY).parsebytes(raw), None)
        if msg is None:
            refused = f"the MIME structure could not be read ({defects.items[-1]})"
    if refused:
        # The headers alone; the body stays in the raw message for staff.
        msg = defects.guard(
            "headers",
            lambda: BytesParser(policy=POLICY).parsebytes(
                header_section + b"\r\n\r\n", headersonly=True
            ),
            None,
        )
        if msg is None:
            msg = Message(policy=POLICY)
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
    text, text_source = defects.guard("body", lambda: body_text(msg, 0), ("", ""))
    reply_text, quoted_text = defects.guard("quoting", lambda: split_reply(text), (text, ""))
    attachments = defects.guard("attachments", lambda: tuple(attachments_of(msg)), ())
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
        "delivery report", lambda: read_delivery_report(msg, headers, from_pairs), None
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
