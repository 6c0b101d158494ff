"""Parsing inbound mail: `parse_message` turns bytes into a `ParsedMessage` and never
raises.

    reader.py            parse_message: headers, body, attachments, defects
    message.py           ParsedMessage, Attachment, DeliveryReport (what parsing gives)
    raw.py               before parsing: the content fingerprint, the structure's size
    mime.py              the MIME structure: body text and attachments
    delivery_reports.py  delivery status notifications and old-style bounces
    screening.py         attachments under the portal's upload rules
"""

from .delivery_reports import is_bounce_sender
from .message import Attachment, DeliveryRecipient, DeliveryReport, ParsedMessage
from .raw import (
    MAX_HEADER_BYTES,
    TRACE_HEADERS,
    content_fingerprint,
    split_header_section,
    structure_problem,
)
from .reader import parse_message
from .screening import RejectedAttachment, screen_attachments

__all__ = [
    "MAX_HEADER_BYTES",
    "TRACE_HEADERS",
    "Attachment",
    "DeliveryRecipient",
    "DeliveryReport",
    "ParsedMessage",
    "RejectedAttachment",
    "content_fingerprint",
    "is_bounce_sender",
    "parse_message",
    "screen_attachments",
    "split_header_section",
    "structure_problem",
]
