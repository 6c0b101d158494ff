"""What parsing one inbound message gives: `ParsedMessage`, its attachments and its
delivery report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from cases.filetypes import attachment_type

from ..authentication import AuthenticationResults, SenderAuthentication, sender_authentication


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
