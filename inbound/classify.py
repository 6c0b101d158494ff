"""Loop protection: is an inbound message from a person, or from a machine we must
never answer automatically?

`classify(parsed)` returns one `Verdict` with the reasons that led to it. Only a
`Verdict.PERSON` message may get an automatic reply, open a case or be posted as a
customer's reply; the others are kept (and a delivery report linked to its case).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .headers import normalise_address
from .parse import DeliveryReport, ParsedMessage, is_bounce_sender


class Verdict(enum.StrEnum):
    # Strongest first: when several apply, the first in this order wins.
    DELIVERY_REPORT = "delivery_report"
    OUT_OF_OFFICE = "out_of_office"
    MAILING_LIST = "mailing_list"
    AUTOMATED = "automated"
    PERSON = "person"

    @property
    def may_auto_reply(self) -> bool:
        return self is Verdict.PERSON

    @property
    def is_customer_message(self) -> bool:
        """May be posted on a case or open one as the customer's own words."""
        return self is Verdict.PERSON


@dataclass(frozen=True)
class Classification:
    verdict: Verdict
    reasons: tuple[str, ...] = ()
    delivery_report: DeliveryReport | None = None

    @property
    def may_auto_reply(self) -> bool:
        return self.verdict.may_auto_reply

    @property
    def is_customer_message(self) -> bool:
        return self.verdict.is_customer_message


_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(\[[^\]]*\]\s*)?("
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|"
    r"automatisch antwoord|automatisch bericht|afwezig|afwezigheid|"
    r"abwesenheit|automatische antwort|r[ée]ponse automatique"
    r")\b",
    re.IGNORECASE,
)
_NO_REPLY_SENDER = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply)([+\-_.].*)?$", re.I)


def _value(parsed: ParsedMessage, name: str) -> str:
    return parsed.header(name).strip().lower()


def is_auto_submitted(parsed: ParsedMessage) -> bool:
    """RFC 3834: any Auto-Submitted value other than "no" marks a machine's mail."""
    value = _value(parsed, "auto-submitted")
    return bool(value) and value.split(";", 1)[0].strip() != "no"


def precedence(parsed: ParsedMessage) -> str:
    """The Precedence value when it is bulk, junk, list or auto_reply, else ""."""
    value = _value(parsed, "precedence")
    return value if value in ("bulk", "junk", "list", "auto_reply") else ""


def is_mailing_list(parsed: ParsedMessage) -> bool:
    return bool(parsed.header("list-id") or parsed.header("list-unsubscribe"))


def is_delivery_report(parsed: ParsedMessage) -> bool:
    return parsed.delivery_report is not None or (
        parsed.content_type == "multipart/report"
        and parsed.report_type in ("delivery-status", "global-delivery-status")
    )


def out_of_office_reasons(parsed: ParsedMessage) -> list[str]:
    reasons = []
    if _value(parsed, "auto-submitted").startswith("auto-replied"):
        reasons.append("Auto-Submitted: auto-replied")
    for name in ("x-autoreply", "x-autorespond", "x-auto-reply"):
        value = _value(parsed, name)
        if value and value != "no":
            reasons.append(f"{_display_name(name)}: {value}")
    suppress = _value(parsed, "x-auto-response-suppress")
    if suppress and any(t in suppress for t in ("all", "oof", "autoreply")):
        reasons.append(f"X-Auto-Response-Suppress: {suppress}")
    if precedence(parsed) == "auto_reply":
        reasons.append("Precedence: auto_reply")
    if _OUT_OF_OFFICE_SUBJECT.search(parsed.subject):
        reasons.append("subject reads as an out-of-office reply")
    return reasons


def _display_name(header: str) -> str:
    return "-".join(p.capitalize() if p != "x" else "X" for p in header.split("-"))


def classify(parsed: ParsedMessage, *, own_addresses: Iterable[str] = ()) -> Classification:
    """The loop-protection verdict for a message, with every reason found.

    own_addresses: the support address and any other address we send from; mail from
    one of them is our own coming back and is never answered.
    """
    try:
        return _classify(parsed, own_addresses)
    except Exception as exc:  # noqa: BLE001 - unknown means: do not answer
        return Classification(Verdict.AUTOMATED, (f"could not be classified: {exc!r}",))


def _classify(parsed: ParsedMessage, own_addresses: Iterable[str]) -> Classification:
    found: dict[Verdict, list[str]] = {v: [] for v in Verdict}
    if is_delivery_report(parsed):
        if parsed.report_type:
            found[Verdict.DELIVERY_REPORT].append(
                f"{parsed.content_type}; report-type={parsed.report_type}"
            )
        else:
            found[Verdict.DELIVERY_REPORT].append("a bounce from a mail server")
    elif parsed.content_type == "multipart/report":
        found[Verdict.AUTOMATED].append(f"multipart/report; report-type={parsed.report_type}")
    found[Verdict.OUT_OF_OFFICE].extend(out_of_office_reasons(parsed))
    if parsed.header("list-id"):
        found[Verdict.MAILING_LIST].append(f"List-Id: {parsed.header('list-id')[:100]}")
    if parsed.header("list-unsubscribe"):
        found[Verdict.MAILING_LIST].append("List-Unsubscribe present")
    if precedence(parsed) == "list":
        found[Verdict.MAILING_LIST].append("Precedence: list")
    if is_auto_submitted(parsed):
        found[Verdict.AUTOMATED].append(f"Auto-Submitted: {_value(parsed, 'auto-submitted')}")
    if precedence(parsed) in ("bulk", "junk"):
        found[Verdict.AUTOMATED].append(f"Precedence: {precedence(parsed)}")
    sender = parsed.from_address
    if sender and is_bounce_sender(sender):
        found[Verdict.AUTOMATED].append(f"sent by {sender.partition('@')[0]}")
    if sender and _NO_REPLY_SENDER.match(sender.partition("@")[0]):
        found[Verdict.AUTOMATED].append("sent from a no-reply address")
    if parsed.return_path == "" and "return-path" in parsed.headers:
        found[Verdict.AUTOMATED].append("empty Return-Path (null sender)")
    own = {normalise_address(a) for a in own_addresses} - {""}
    if sender and sender in own:
        found[Verdict.AUTOMATED].append("sent from our own address")
    loop = parsed.header("x-loop").lower()
    if loop and any(a in loop for a in own):
        found[Verdict.AUTOMATED].append("X-Loop names our own address")
    if not sender:
        found[Verdict.AUTOMATED].append("no sender address")

    reasons = tuple(dict.fromkeys(r for v in Verdict for r in found[v]))
    for verdict in Verdict:
        if found[verdict]:
            return Classification(verdict, reasons, parsed.delivery_report)
    return Classification(Verdict.PERSON, (), None)
