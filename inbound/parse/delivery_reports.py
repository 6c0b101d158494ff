"""Delivery status notifications (RFC 3464) and old-style bounces: what they say
about a message we sent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from email.message import Message
from email.parser import HeaderParser

from ..headers import header_text, normalise_address, normalise_message_id, parse_addresses
from .message import DeliveryRecipient, DeliveryReport
from .mime import POLICY, body_text, child_parts, leaves, part_text

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
    return part_text(part)


def _typed_address(value: str) -> str:
    # "rfc822; user@example.com"
    return normalise_address(value.rpartition(";")[2])


def _original_message_id(root: Message) -> str | None:
    for part in leaves(root):
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global"):
            inner = child_parts(part)
            if inner and inner[0].get("message-id"):
                return normalise_message_id(inner[0].get("message-id"))
        elif ctype in ("text/rfc822-headers", "message/global-headers"):
            headers = HeaderParser(policy=POLICY).parsestr(part_text(part))
            if headers.get("message-id"):
                return normalise_message_id(headers.get("message-id"))
    for part in leaves(root):
        if part.get_content_maintype() == "text":
            match = _MESSAGE_ID_LINE.search(part_text(part))
            if match:
                return normalise_message_id(match.group(1))
    return None


def read_delivery_report(
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
        for part in leaves(msg):
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
        body, _ = body_text(msg, 0)
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
