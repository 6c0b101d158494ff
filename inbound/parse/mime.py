"""The MIME structure of a parsed message: its body text and its attachments, read
without ever raising and within limits of depth and parts."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from email.message import Message
from email.policy import Compat32

from ..headers import header_text, normalise_message_id
from ..html_text import html_to_text
from ..text import decode_bytes
from .message import Attachment

MAX_DEPTH = 30
MAX_PARTS = 500
MAX_FILENAME_LENGTH = 200


class _RawHeaders(Compat32):
    """The stdlib's most lenient policy, handing header values back exactly as they came
    (8-bit bytes as surrogates), so that decoding is ours and cannot raise."""

    def header_fetch_parse(self, name, value):
        return value


POLICY = _RawHeaders()


REPORT_PARTS = {
    "message/delivery-status",
    "message/global-delivery-status",
    "message/disposition-notification",
    "text/rfc822-headers",
    "message/global-headers",
}


def child_parts(part: Message) -> list[Message]:
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


def part_bytes(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def part_text(part: Message) -> str:
    charset = None
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - a broken charset parameter is no charset
        charset = None
    return decode_bytes(part_bytes(part), charset)


def body_text(part: Message, depth: int) -> tuple[str, str]:
    """(text, "plain" or "html") for a part: text/plain preferred in an alternative,
    the bodies of a mixed part joined in order (Apple Mail splits text around inline
    images), attachments and reports' machine parts skipped."""
    if depth > MAX_DEPTH:
        return "", ""
    maintype = part.get_content_maintype()
    ctype = part.get_content_type()
    if maintype == "multipart":
        children = child_parts(part)
        if not children:
            # Declared multipart but without parts: read it as plain text.
            return part_text(part).strip(), "plain"
        if ctype == "multipart/alternative":
            results = [body_text(child, depth + 1) for child in children]
            for wanted in ("plain", "html"):
                for text, source in results:
                    if source == wanted and text.strip():
                        return text, source
            return "", ""
        texts, sources = [], []
        for child in children:
            if child.get_content_type() in REPORT_PARTS:
                continue
            if child.get_content_maintype() != "multipart" and not _is_body_candidate(child):
                continue
            text, source = body_text(child, depth + 1)
            if text.strip():
                texts.append(text.strip())
                sources.append(source)
        if not texts:
            return "", ""
        return "\n\n".join(texts), ("plain" if "plain" in sources else "html")
    if ctype == "text/html" and _is_body_candidate(part):
        return html_to_text(part_text(part)), "html"
    if _is_body_candidate(part) or (depth == 0 and maintype == "text"):
        return part_text(part).strip(), "plain"
    return "", ""


def leaves(root: Message) -> Iterator[Message]:
    """Non-multipart parts, not descending into attached messages or reports."""
    stack = [(root, 0)]
    count = 0
    while stack and count < MAX_PARTS:
        part, depth = stack.pop()
        count += 1
        if part.get_content_maintype() == "multipart" and depth < MAX_DEPTH:
            children = child_parts(part)
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


def attachments_of(root: Message) -> Iterator[Attachment]:
    index = 0
    for part in leaves(root):
        if part is root and part.get_content_maintype() == "text" and not _filename(part):
            continue
        ctype = part.get_content_type()
        if ctype in REPORT_PARTS or _is_body_candidate(part):
            continue
        index += 1
        try:
            yield _attachment(part, ctype, index)
        except Exception:  # noqa: BLE001 - keep the other attachments
            yield Attachment(f"attachment-{index}.bin", "application/octet-stream", b"")


def _attachment(part: Message, ctype: str, index: int) -> Attachment:
    filename = _filename(part)
    if part.get_content_maintype() == "message":
        inner = child_parts(part)
        if inner:
            content = inner[0].as_bytes(policy=POLICY)
            filename = filename or (header_text(inner[0].get("subject")) or "message") + ".eml"
        else:
            content = part_bytes(part)
            filename = filename or "message.eml"
    else:
        content = part_bytes(part)
    return Attachment(
        filename=_safe_filename(str(filename), ctype, index),
        content_type=ctype,
        content=content,
        inline=_disposition(part) == "inline",
        content_id=(normalise_message_id(part.get("content-id")) or ""),
    )
