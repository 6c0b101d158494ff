"""Platform incidents: declared by staff (or opened as a draft by the availability
probes and published by staff), updated once for every linked case, resolved once with
resolution proposed on each linked case. Linking is `incident_links`.

One incident update is each linked open case's agreed update: it is posted to the case
as a public reply in its customer's language and fulfils the case's next-update deadline
exactly as a staff reply does (`mark_public_update`). Its mail goes once per contact,
naming their cases, by a task that claims each mail once (`cases.incident_mailing`)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import dates, events, outbox

from .. import deadlines
from ..models import (
    OPEN_STATUSES,
    Case,
    CaseMessage,
    Channel,
    Incident,
    IncidentEvent,
    IncidentScope,
    IncidentSeverity,
    IncidentStatus,
    IncidentUpdate,
    Status,
)
from .base import CaseError, Kind, emit_public_message, lock_case, record_event, resolve_now
from .incident_links import (
    affected_accounts,
    incident_event,
    lock_incident,
    refuse_unless_active,
)
from .lifecycle import can_move, move
from .messages import mark_first_response, mark_public_update
from .resolution import case_propose_resolution

MAIL_TASK = "cases.tasks.send_incident_mail"


def _require(values: dict) -> None:
    """Refuse the first empty text, naming it: customers read both languages."""
    for label, value in values.items():
        if not (value or "").strip():
            raise CaseError(_("Write the %(field)s.") % {"field": label})


def _check_texts(title, title_nl, text, text_nl) -> None:
    _require(
        {
            _("title"): title,
            _("title in Dutch"): title_nl,
            _("text customers see"): text,
            _("text customers see, in Dutch"): text_nl,
        }
    )


@transaction.atomic
def incident_declare(
    *,
    actor,
    scope: str,
    started_at: datetime,
    title: str,
    title_nl: str,
    text: str,
    text_nl: str,
    region=None,
    severity: str = IncidentSeverity.UNAVAILABLE,
    now: datetime | None = None,
) -> Incident:
    """Staff declare an active incident: customers of the affected accounts see it, and
    their open critical cases are proposed for linking."""
    now = resolve_now(now)
    same = Incident.objects.filter(
        status=IncidentStatus.ACTIVE,
        scope=scope,
        region=region,
        started_at=started_at,
        title=title.strip(),
    ).first()
    if same is not None:
        raise CaseError(
            _("%(reference)s was declared for this already: post updates on it.")
            % {"reference": same.reference}
        )
    if scope not in IncidentScope.values:
        raise CaseError(_("Choose the affected component: REST API, SMTP injection or both."))
    if severity not in IncidentSeverity.values:
        raise CaseError(_("Choose the severity: unavailability or degraded service."))
    if started_at > now:
        raise CaseError(_("The start of the incident cannot be in the future."))
    _check_texts(title, title_nl, text, text_nl)
    incident = Incident.objects.create(
        scope=scope,
        region=region,
        severity=severity,
        status=IncidentStatus.ACTIVE,
        title=title.strip(),
        title_nl=title_nl.strip(),
        text=text,
        text_nl=text_nl,
        started_at=started_at,
        declared_at=now,
        declared_by=actor,
    )
    incident_event(incident, IncidentEvent.Kind.DECLARED, actor=actor, now=now)
    _emit_update(incident, now, update_id=None, text=incident.text, text_nl=incident.text_nl)
    return incident


@transaction.atomic
def incident_publish(
    *,
    incident: Incident,
    actor,
    title: str,
    title_nl: str,
    text: str,
    text_nl: str,
    now: datetime | None = None,
) -> Incident:
    """A draft the probes opened becomes active with the texts staff wrote or confirmed:
    customers never see a draft."""
    now = resolve_now(now)
    incident = lock_incident(incident)
    if incident.status != IncidentStatus.DRAFT:
        raise CaseError(
            _("%(reference)s is not a draft: it was published already.")
            % {"reference": incident.reference}
        )
    _check_texts(title, title_nl, text, text_nl)
    incident.title, incident.title_nl = title.strip(), title_nl.strip()
    incident.text, incident.text_nl = text, text_nl
    incident.status = IncidentStatus.ACTIVE
    incident.declared_at, incident.declared_by = now, actor
    incident.save()
    incident_event(
        incident, IncidentEvent.Kind.DECLARED, actor=actor, now=now, detail=_("Draft published")
    )
    _emit_update(incident, now, update_id=None, text=incident.text, text_nl=incident.text_nl)
    return incident


@transaction.atomic
def incident_dismiss(
    *, incident: Incident, actor, reason: str, now: datetime | None = None
) -> Incident:
    """A draft the probes opened that is no incident (a probe's own fault, a false
    alarm): customers never see it, and its outages do not count against availability.
    The reason stays on its timeline."""
    now = resolve_now(now)
    _require({_("reason"): reason})
    incident = lock_incident(incident)
    if incident.status != IncidentStatus.DRAFT:
        raise CaseError(
            _("%(reference)s is not a draft: only a draft is dismissed.")
            % {"reference": incident.reference}
        )
    incident.status = IncidentStatus.DISMISSED
    incident.resolved_at, incident.resolved_by = now, actor
    incident.dismissed_reason = reason.strip()[:500]
    incident.save()
    incident_event(
        incident, IncidentEvent.Kind.DISMISSED, actor=actor, now=now, detail=reason.strip()[:500]
    )
    return incident


def _language(case: Case) -> str:
    return case.requester.language or settings.LANGUAGE_CODE


def _post(case: Case, *, actor, body: str, now, incident: Incident, **data) -> CaseMessage:
    """A public reply on a locked case, not mailed on its own (the incident's mail is):
    on an open case it is the agreed update, as a staff reply is."""
    message = CaseMessage.objects.create(
        case=case, author=actor, body=body, channel=Channel.STAFF, created_at=now
    )
    changed = {"updated_at"}
    if case.is_open:
        mark_first_response(case, actor, now, changed)
        mark_public_update(case, actor, now, changed)
        if case.status == Status.NEW:
            move(case, Status.IN_PROGRESS, actor=actor, now=now, changed=changed, mail=False)
    case.updated_at = now
    record_event(
        case,
        Kind.REPLIED,
        actor=actor,
        now=now,
        data={"message": message.pk, "status": case.status, "incident": incident.pk, **data},
    )
    deadlines.save(case, changed)
    emit_public_message(case, message, by="support", now=now)
    return message


def update_body(incident: Incident, update: IncidentUpdate, language: str, zone: str) -> str:
    """The update as a case's customer reads it, in their language and time zone."""
    with translation.override(language), timezone.override(zone):
        parts = [
            f"**{incident.reference}: {incident.title_for(language)}**",
            update.text_for(language),
        ]
        if update.expected_resolution_at:
            when = dates.date_format(
                timezone.localtime(update.expected_resolution_at), "j M Y, H:i T"
            )
            parts.append(_("Expected resolution: %(when)s.") % {"when": when})
        return "\n\n".join(parts)


def summary_body(incident: Incident, language: str) -> str:
    with translation.override(language):
        heading = _("%(reference)s is resolved: %(title)s") % {
            "reference": incident.reference,
            "title": incident.title_for(language),
        }
        return f"**{heading}**\n\n{incident.summary_for(language)}"


def _linked(incident: Incident, *, open_only: bool) -> list[int]:
    cases = Case.objects.filter(incident=incident)
    if open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    return list(cases.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def incident_post_update(
    *,
    incident: Incident,
    actor,
    text: str,
    text_nl: str,
    expected_resolution_at: datetime | None = None,
    after_update: int | None = None,
    now: datetime | None = None,
) -> IncidentUpdate:
    """Post one update to every linked open case, as its agreed update, and mail it once
    per contact. `after_update` is the latest update the poster saw (0 for none): a form
    sent twice, or crossing a colleague's update, is refused instead of posted again."""
    now = resolve_now(now)
    _require({_("update"): text, _("update, in Dutch"): text_nl})
    if expected_resolution_at is not None and expected_resolution_at <= now:
        raise CaseError(_("The expected resolution must be in the future."))
    incident = lock_incident(incident)
    refuse_unless_active(incident)
    latest = incident.updates.order_by("-pk").values_list("pk", "posted_at").first()
    if after_update is not None and (latest[0] if latest else 0) != after_update:
        raise CaseError(
            _(
                "An update of %(reference)s was posted at %(when)s, after you opened the page: "
                "read it before posting yours."
            )
            % {
                "reference": incident.reference,
                "when": timezone.localtime(latest[1]).strftime("%H:%M"),
            }
        )
    update = IncidentUpdate.objects.create(
        incident=incident,
        text=text,
        text_nl=text_nl,
        expected_resolution_at=expected_resolution_at,
        posted_at=now,
        posted_by=actor,
    )
    posted = []
    for pk in _linked(incident, open_only=True):
        case = lock_case(pk)
        requester = case.requester
        body = update_body(incident, update, _language(case), requester.time_zone)
        _post(case, actor=actor, body=body, now=now, incident=incident, incident_update=update.pk)
        posted.append(pk)
    incident.last_update_at = now
    incident.expected_resolution_at = expected_resolution_at
    incident.save(update_fields=["last_update_at", "expected_resolution_at"])
    deadlines.incident_next_update_save(incident.pk)
    incident_event(
        incident,
        IncidentEvent.Kind.UPDATE_POSTED,
        actor=actor,
        now=now,
        update=update.pk,
        cases=posted,
    )
    outbox.enqueue(MAIL_TASK, "update", update.pk)
    _emit_update(
        incident,
        now,
        update_id=update.pk,
        text=update.text,
        text_nl=update.text_nl,
        expected_resolution_at=update.expected_resolution_at,
    )
    return update


def _emit_update(
    incident: Incident, now, *, update_id, text: str, text_nl: str, expected_resolution_at=None
) -> None:
    """One event for each affected account: their systems hear of it whether or not a
    case of theirs is linked. Both languages: a system has no reader to choose for. Sent
    from the moment customers see the incident (declared or published, never a draft):
    its updates, and its resolution with the summary."""
    expected = expected_resolution_at
    events.emit_to_accounts(
        affected_accounts(incident).values_list("pk", flat=True),
        events.EventType.INCIDENT_UPDATED,
        {
            "incident": {
                "reference": incident.reference,
                "title": incident.title,
                "title_nl": incident.title_nl,
                "status": incident.status,
                "severity": incident.severity,
                "scope": incident.scope,
                "started_at": incident.started_at.isoformat(),
                "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("availability:status"),
            },
            "update": {
                "id": update_id,
                "text": text,
                "text_nl": text_nl,
                "posted_at": now.isoformat(),
                "expected_resolution_at": expected.isoformat() if expected else None,
            },
        },
        occurred_at=now,
    )


@transaction.atomic
def incident_resolve(
    *, incident: Incident, actor, summary: str, summary_nl: str, now: datetime | None = None
) -> Incident:
    """Resolve the incident: resolution is proposed on every linked open case (each
    customer agrees on their own case), with the post-incident summary in the customer's
    language; a linked case no longer open, or already awaiting an answer, gets the
    summary as a public message."""
    now = resolve_now(now)
    _require({_("summary"): summary, _("summary, in Dutch"): summary_nl})
    incident = lock_incident(incident)
    refuse_unless_active(incident)
    incident.status = IncidentStatus.RESOLVED
    incident.resolved_at, incident.resolved_by = now, actor
    incident.summary, incident.summary_nl = summary, summary_nl
    incident.next_update_due_at = None
    incident.save()
    proposed, told = [], []
    for pk in _linked(incident, open_only=False):
        case = lock_case(pk)
        body = summary_body(incident, _language(case))
        if can_move(case.status, Status.RESOLUTION_PROPOSED):
            case_propose_resolution(case=case, actor=actor, summary=body, now=now)
            proposed.append(pk)
        else:
            _post(case, actor=actor, body=body, now=now, incident=incident, incident_summary=True)
            told.append(pk)
    incident_event(
        incident,
        IncidentEvent.Kind.RESOLVED,
        actor=actor,
        now=now,
        proposed=proposed,
        told=told,
    )
    outbox.enqueue(MAIL_TASK, "resolved", incident.pk)
    _emit_update(incident, now, update_id=None, text=summary, text_nl=summary_nl)
    return incident


# --- what the availability probes find ---------------------------------------------


def incident_for_outage(
    *, component: str, region, started_at: datetime, texts: dict
) -> tuple[Incident, bool]:
    """The incident an outage the probes found belongs to, inside the caller's
    transaction, and whether it is new: an active incident covering its component and
    region; a draft while its own outage has not recovered (a recovered draft is stale: a
    new outage opens a new draft, with its own start); else a new draft with `texts`
    (title, title_nl, text, text_nl), which customers never see until staff publish it.
    A resolved or dismissed incident never takes an outage."""
    open_draft = Q(status=IncidentStatus.DRAFT, recovered_at__isnull=True)
    incident = (
        Incident.objects.select_for_update()
        .covering_region(region.pk if region else None)
        .filter(
            Q(status=IncidentStatus.ACTIVE) | open_draft,
            scope__in=IncidentScope.covering(component),
        )
        .order_by("-started_at", "-pk")
        .first()
    )
    if incident is not None:
        if incident.recovered_at is not None:  # down again before it was resolved
            incident.recovered_at = None
            incident.save(update_fields=["recovered_at"])
        return incident, False
    incident = Incident.objects.create(
        scope=component,
        region=region,
        severity=IncidentSeverity.UNAVAILABLE,
        status=IncidentStatus.DRAFT,
        started_at=started_at,
        detected_by_probes=True,
        **texts,
    )
    return incident, True


def incident_note_probes(
    incident: Incident, kind: str, *, at: datetime, detail: str, **data
) -> None:
    """What the probes found, on the incident's timeline: an outage detected, recovered
    (the incident then shows staff to propose resolution) or no longer measured."""
    if kind == IncidentEvent.Kind.RECOVERED:
        incident.recovered_at = at
        incident.save(update_fields=["recovered_at"])
    incident_event(incident, kind, actor=None, now=at, detail=detail, **data)
