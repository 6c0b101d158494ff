"""Mail about a platform incident: one mail per contact, in the contact's language and
time zone, naming their cases, however many of their cases the incident covers. An
update goes to the requesters and followers of the cases it was posted to, and to the
contacts of affected accounts who subscribed to incident mail; the resolution goes to
the subscribers and to the contacts of linked cases that get no proposed resolution of
their own (that proposal's mail carries the summary)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import make_msgid
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.access import customer_account
from accounts.models import Contact
from core import dates, log_context
from core.mail import render_mail
from core.once import once

from .mailing import keep_record
from .models import Case, Incident, IncidentEvent, IncidentUpdate, OutboundMessage
from .rendering import render_markdown
from .services.incident_links import affected_accounts

KINDS = ("update", "resolved")


def _recipients(incident: Incident, case_ids: list[int]) -> dict:
    """{person: [their cases]}: requesters and followers of the cases (still contacts of
    the case's account, as for every case mail), then the subscribed contacts of the
    affected accounts with no case among them."""
    people: dict = {}
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("requester", "account")
        .prefetch_related("followers")
        .order_by("pk")
    )
    for case in cases:
        for person in [case.requester, *case.followers.all()]:
            if not person.is_active or customer_account(person) != case.account:
                continue
            people.setdefault(person, [])
            if case not in people[person]:
                people[person].append(case)
    subscribers = Contact.objects.filter(
        incident_mail=True, user__is_active=True, account__in=affected_accounts(incident)
    ).select_related("user")
    for contact in subscribers:
        people.setdefault(contact.user, [])
    return people


def _source(kind: str, source_id: int) -> tuple[Incident, object, list[int]]:
    """The incident, the update (None for the resolution) and the cases it went to."""
    if kind == "update":
        update = IncidentUpdate.objects.select_related("incident").get(pk=source_id)
        incident = update.incident
        event_kind, key = IncidentEvent.Kind.UPDATE_POSTED, "cases"
    else:
        update, incident = None, Incident.objects.get(pk=source_id)
        event_kind, key = IncidentEvent.Kind.RESOLVED, "told"
    event = (
        IncidentEvent.objects.filter(incident=incident, kind=event_kind)
        .order_by("-pk")
        .filter(**({"data__update": source_id} if update else {}))
        .first()
    )
    return incident, update, (event.data.get(key, []) if event else [])


def send_incident_mail(kind: str, source_id: int) -> int:
    """Mail an incident update (`kind` "update", the update's id) or its resolution
    ("resolved", the incident's id), once per contact: a second run sends nothing again."""
    if kind not in KINDS:
        return 0
    incident, update, case_ids = _source(kind, source_id)
    log_context.set_case(incident.reference)
    source_key = f"incident-{kind}:{source_id}"
    sent = 0
    for person, cases in _recipients(incident, case_ids).items():
        mail, record = _mail(kind, incident, update, person, cases, source_key)
        if once(f"incident-mail:{source_key}:{person.email}", partial(_send, mail, record)):
            sent += 1
    return sent


def _mail(kind, incident, update, person, cases, source_key):
    language = person.language or settings.LANGUAGE_CODE
    base = settings.PORTAL_BASE_URL.rstrip("/")
    with translation.override(language), timezone.override(person.time_zone):
        text = update.text_for(language) if update else incident.summary_for(language)
        expected = update.expected_resolution_at if update else None
        resolved = kind == "resolved"
        context = {
            "kind": kind,
            "what": _("Resolved") if resolved else _("Update"),
            "cases_intro": _("The summary is on your cases linked to the incident:")
            if resolved
            else _("This update is posted on your cases linked to the incident:"),
            "incident": incident,
            "recipient": person,
            "title": incident.title_for(language),
            "text": text,
            "text_html": render_markdown(text),
            "expected": dates.date_format(timezone.localtime(expected), "j M Y, H:i T")
            if expected
            else "",
            "cases": [
                {"case": c, "url": base + reverse("cases:detail", args=[c.reference])}
                for c in cases
            ],
            "SEVERITY1_HOTLINE": settings.SEVERITY1_HOTLINE,
            "SUPPORT_EMAIL_ADDRESS": settings.SUPPORT_EMAIL_ADDRESS,
        }
        rendered = render_mail("cases/emails/incident", context, html=True)
    domain = settings.SUPPORT_EMAIL_ADDRESS.rpartition("@")[2] or "localhost"
    message_id = make_msgid(domain=domain)
    mail = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[person.email],
        reply_to=[settings.SUPPORT_EMAIL_ADDRESS],
        headers={"Message-ID": message_id},
    )
    mail.attach_alternative(rendered.html, "text/html")
    # A reply threads onto the contact's first case; a subscriber with no case gets none.
    record = None
    if cases:
        record = OutboundMessage(
            case=cases[0],
            message_id=message_id,
            kind=f"incident_{kind}",
            source_key=source_key,
            recipient=person.email,
            subject=rendered.subject[:255],
            sent_at=timezone.now(),
        )
    return mail, record


def _send(mail: EmailMultiAlternatives, record: OutboundMessage | None) -> bool:
    mail.send()
    if record is not None:
        keep_record(record)
    return True
