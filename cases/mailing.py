"""Mail about a case, in the recipient's language, plain text and HTML, with the case
reference in the subject and Reply-To the designated support address. Every sent
Message-ID is stored so that replies can be threaded."""

from __future__ import annotations

import re
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import customer_account
from accounts.models import Contact
from core import dates, log_context
from core.mail import render_mail
from core.once import once

from .models import (
    RATING_SCORES,
    Case,
    CaseEvent,
    CaseMessage,
    Incident,
    OutboundMessage,
    ResolutionAgreement,
    Severity,
    Status,
)
from .rendering import render_markdown, verbatim

Kind = CaseEvent.Kind

# C0 and C1 controls (CR and LF among them) and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _header_text(value: str) -> str:
    """One line for a header: a subject from inbound mail, the hotline or old data may
    hold a line break, and Django refuses to send a header with one (BadHeaderError)."""
    return " ".join(_CONTROL.sub(" ", value).split())


def _incident_of(event: CaseEvent) -> Incident | None:
    """The platform incident an event links its case to, or the one a case was linked to
    at filing."""
    if event.kind == Kind.INCIDENT_LINKED:
        return Incident.objects.filter(pk=event.data.get("incident")).first()
    if event.kind == Kind.OPENED and event.case.incident_id:
        return event.case.incident
    return None


def _incident_sentence(incident: Incident) -> str:
    """In the reader's language."""
    return _(
        "Your case is linked to platform incident %(reference)s, %(title)s: each update of "
        "the incident is posted on your case and mailed to you."
    ) % {
        "reference": incident.reference,
        "title": incident.title_for(translation.get_language() or settings.LANGUAGE_CODE),
    }


def _headline(event: CaseEvent) -> str:
    headline = _event_headline(event)
    incident = _incident_of(event)
    if incident is not None and event.kind == Kind.OPENED:
        return f"{headline} {_incident_sentence(incident)}"
    return headline


def _event_headline(event: CaseEvent) -> str:
    case = event.case
    if event.kind == Kind.INCIDENT_LINKED:
        incident = _incident_of(event)
        return _incident_sentence(incident) if incident else event.get_kind_display()
    if event.kind == Kind.OPENED:
        if event.data.get("callback_due_at"):
            return _(
                "We received your call to the Severity 1 hotline at %(received)s. A support "
                "agent calls you back by %(due)s."
            ) % {
                "received": _moment(event.data["received_at"]),
                "due": _moment(event.data["callback_due_at"]),
            }
        if case.severity == Severity.CRITICAL:
            return _(
                "We received your critical case. Call the Severity 1 hotline, %(hotline)s "
                "(24/7/365): an agent calls you back within 15 minutes of your call."
            ) % {"hotline": settings.SEVERITY1_HOTLINE}
        return _("We received your case. A support agent answers by email during office hours.")
    if event.kind == Kind.REPLIED:
        if event.data.get("status") == Status.WAITING_ON_CUSTOMER:
            return _(
                "A support agent replied to your case and waits for the information asked below."
            )
        return _("A support agent replied to your case.")
    if event.kind == Kind.WORKAROUND_PROVIDED:
        return _("A workaround is available for your case.")
    if event.kind == Kind.RESOLUTION_PROPOSED:
        return _(
            "We propose to resolve your case. Please accept or reject the resolution in the "
            "portal, or reply to this mail."
        )
    if event.kind == Kind.RESOLUTION_ACCEPTED:
        return _("Your case is resolved by mutual agreement.")
    if event.kind == Kind.INTERVAL_PROPOSED:
        return _(
            "We propose to send you an update on your case every %(minutes)s minutes. Please "
            "accept or decline the new interval on the case page."
        ) % {"minutes": event.data["minutes"]}
    if event.kind == Kind.INTERVAL_AGREED:
        return _(
            "We accepted the update interval you proposed: you get an update every "
            "%(minutes)s minutes."
        ) % {"minutes": event.data["to"]}
    if event.kind == Kind.INTERVAL_DECLINED:
        return _(
            "We declined the update interval you proposed (every %(minutes)s minutes); the "
            "agreed interval stays."
        ) % {"minutes": event.data["minutes"]}
    if event.kind == Kind.RECLASSIFIED:
        return _("The severity of your case changed to “%(severity)s”.") % {
            "severity": Severity(event.data.get("to", case.severity)).label
        }
    if event.kind == Kind.ESCALATED:
        return _("A customer escalated case %(reference)s to you.") % {"reference": case.reference}
    if event.kind == Kind.CLOSED:
        return _("Your case is closed.")
    if event.kind == Kind.MERGED_AS_DUPLICATE:
        return _(
            "Case %(reference)s reports what case %(original)s already does: we merged it "
            "into %(original)s. Follow %(original)s from now on; a reply to this mail reaches it."
        ) % {"reference": case.reference, "original": event.detail}
    if event.kind == Kind.REOPENED:
        return _("Your case is reopened.")
    if event.to_status:
        return _("The status of your case is now “%(status)s”.") % {
            "status": Status(event.to_status).label
        }
    return event.get_kind_display()


def _moment(stored: str) -> str:
    """A moment an event holds, in the reader's language and time zone."""
    return dates.date_format(timezone.localtime(datetime.fromisoformat(stored)), "j M Y, H:i T")


def _what_happened(event: CaseEvent) -> str:
    """What the mail is about, for its subject: the reader sees it in the list of mail."""
    case = event.case
    kind = event.kind
    if kind == Kind.REPLIED:
        if event.data.get("status") == Status.WAITING_ON_CUSTOMER:
            return _("Reply: we need your information")
        return _("Reply from support")
    labels = {
        Kind.OPENED: _("Case received"),
        Kind.WORKAROUND_PROVIDED: _("Workaround available"),
        Kind.RESOLUTION_PROPOSED: _("Proposed resolution awaits your answer"),
        Kind.RESOLUTION_ACCEPTED: _("Resolved"),
        Kind.CLOSED: _("Closed"),
        Kind.REOPENED: _("Reopened"),
        Kind.ESCALATED: _("Escalated to you by the customer"),
        Kind.INCIDENT_LINKED: _("Linked to a platform incident"),
    }
    if kind in labels:
        return labels[kind]
    if kind == Kind.RECLASSIFIED:
        return _("Severity changed to %(severity)s") % {
            "severity": Severity(event.data.get("to", case.severity)).label
        }
    if event.to_status == Status.WAITING_ON_CUSTOMER:
        return _("Waiting for your information")
    if event.to_status:
        return _("Status: %(status)s") % {"status": Status(event.to_status).label}
    return event.get_kind_display()


def response_promise(case: Case) -> str:
    """When a support agent responds to a case just filed, in the active language and
    time zone (the reader's), with the zone named: "" when no deadline is set."""
    due = case.first_response_due_at
    if due is None:
        return ""
    local = timezone.localtime(due)
    return _("A support agent responds by %(when)s (%(zone)s time).") % {
        "when": dates.date_format(local, "D j M Y, H:i"),
        "zone": timezone.get_current_timezone_name(),
    }


# The case mail that goes to staff (the TAM), not to the customer: a reply to it is
# staff talking among themselves, which inbound posts as an internal note.
STAFF_MAIL_KIND = Kind.ESCALATED.value


def _text(event: CaseEvent) -> tuple[str, bool]:
    """The text the mail carries, and whether it is Markdown: messages, the description
    and a proposed resolution are, as on the case page; a reason given with an event is
    shown as typed there, and so here."""
    message_id = event.data.get("message")
    if message_id:
        message = CaseMessage.objects.filter(pk=message_id).first()
        if message and not message.is_internal:
            return message.body, True
        return "", True
    if event.kind == Kind.OPENED:
        return event.case.description, True
    if event.kind == Kind.MERGED_AS_DUPLICATE:
        return "", False
    if event.kind == Kind.INCIDENT_LINKED:
        incident = _incident_of(event)
        return (incident_words(incident), True) if incident else ("", False)
    if event.kind == Kind.RESOLUTION_PROPOSED:
        agreement = ResolutionAgreement.objects.filter(pk=event.data.get("agreement")).first()
        return (agreement.summary, True) if agreement else (event.detail, False)
    return event.detail, False


def _recipients(event: CaseEvent):
    case = event.case
    if event.kind == Kind.ESCALATED:
        return [case.account.tam]
    # Contacts who chose mail about all their account's cases, then as ever the
    # requester and the followers (whatever the requester chose: it is their case).
    everyone = [
        c.user
        for c in Contact.objects.filter(account_id=case.account_id, case_mail=Contact.CaseMail.ALL)
        .select_related("user")
        .order_by("user__email")
    ]
    people = [case.requester, *case.followers.all(), *everyone]
    seen, recipients = set(), []
    for person in people:
        if not person.is_active or person.pk in seen:
            continue
        seen.add(person.pk)
        # The same rule as the access helper: a contact who moved to another account,
        # or whose contact was removed, no longer hears about this account's cases.
        if person.is_staff or customer_account(person) == case.account:
            recipients.append(person)
    return recipients


def send_event_mail(event_id: int) -> int:
    """Mail one event to its recipients; a second run sends nothing again."""
    event = (
        CaseEvent.objects.select_related("case__requester", "case__account__tam", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None or not event.public:
        return 0
    case = event.case
    log_context.set_case(case.reference)
    source_key = f"event:{event.pk}"
    first = OutboundMessage.objects.filter(case=case).order_by("sent_at", "id").first()
    sent = 0
    for recipient in _recipients(event):
        if OutboundMessage.objects.filter(
            kind=event.kind, source_key=source_key, recipient=recipient.email
        ).exists():
            continue
        language = recipient.language or settings.LANGUAGE_CODE
        with translation.override(language), timezone.override(recipient.time_zone):
            path = reverse("cases:detail", args=[case.reference])
            if recipient.is_staff:
                path = reverse("admin:cases_case_change", args=[case.pk])
            text, markdown = _text(event)
            url = settings.PORTAL_BASE_URL.rstrip("/") + path
            context = {
                "case": case,
                "event": event,
                "recipient": recipient,
                "headline": _headline(event),
                "what_happened": _what_happened(event),
                # The filing's mail says when we respond.
                "promise": response_promise(case) if event.kind == Kind.OPENED else "",
                # The status the event left the case in (the mail may go out later).
                "status_label": Status(
                    event.to_status or event.data.get("status") or case.status
                ).label,
                "text": text,
                "text_html": render_markdown(text) if markdown else verbatim(text),
                "url": url,
                "rating_links": _rating_links(event, recipient, url),
                "SEVERITY1_HOTLINE": settings.SEVERITY1_HOTLINE,
                "SUPPORT_EMAIL_ADDRESS": settings.SUPPORT_EMAIL_ADDRESS,
            }
            mail_text = render_mail("cases/emails/case_update", context, html=True)
            subject, body, html = _header_text(mail_text.subject), mail_text.text, mail_text.html
        domain = settings.SUPPORT_EMAIL_ADDRESS.rpartition("@")[2] or "localhost"
        message_id = make_msgid(domain=domain)
        headers = {"Message-ID": message_id}
        if first is not None:
            headers["In-Reply-To"] = first.message_id
            headers["References"] = first.message_id
        mail = EmailMultiAlternatives(
            subject=subject,
            body=body,
            to=[recipient.email],
            reply_to=[settings.SUPPORT_EMAIL_ADDRESS],
            headers=headers,
        )
        mail.attach_alternative(html, "text/html")
        record = OutboundMessage(
            case=case,
            message_id=message_id,
            kind=event.kind,
            source_key=source_key,
            recipient=recipient.email,
            subject=subject,
            sent_at=timezone.now(),
        )
        # Claimed, sent and recorded in one transaction: a run delivered twice sends once,
        # a send that fails leaves nothing claimed for the retry.
        if once(f"case-mail:{event.pk}:{recipient.email}", partial(_send, mail, record)):
            sent += 1
    return sent


def _rating_links(event: CaseEvent, recipient, url: str) -> list[tuple[int, str]]:
    """The mail that confirms a resolution by mutual agreement links to the case page's
    rating form with each score chosen; the page asks to confirm (a link never rates)."""
    if event.kind != Kind.RESOLUTION_ACCEPTED or recipient.is_staff:
        return []
    return [(score, f"{url}?rate={score}#rating") for score in RATING_SCORES]


def _send(mail: EmailMultiAlternatives, record: OutboundMessage) -> bool:
    mail.send()
    keep_record(record)
    return True


def keep_record(record: OutboundMessage) -> None:
    """Store a sent mail's record. A Message-ID recorded already (two made in the same
    instant from the same random state) leaves the mail unrecorded, in a savepoint: the
    mail went out, its claim keeps it from going again, and a caller's transaction must
    not be marked for rollback."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        pass


def incident_words(incident: Incident) -> str:
    """What the incident is and its latest update, in the active language and zone: what
    a case linked to it after some updates were posted has missed."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    parts = [incident.text_for(language)]
    latest = incident.updates.order_by("-posted_at", "-pk").first()
    if latest is not None:
        parts.append(
            _("Latest update (%(when)s):")
            % {"when": dates.date_format(timezone.localtime(latest.posted_at), "j M Y, H:i T")}
        )
        parts.append(latest.text_for(language))
    return "\n\n".join(parts)
