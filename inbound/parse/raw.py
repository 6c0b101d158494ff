"""What is read from a message's bytes before it is parsed: its content fingerprint
(the same message delivered twice has one) and whether its structure is too large to
hand to the stdlib parser."""

from __future__ import annotations

import hashlib
import re

from .mime import MAX_PARTS

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
