"""The SLA sweep: run every minute by Celery beat (and by `manage.py sla_sweep`).

Finds deadlines coming up or passed through the partial indexes on the deadline columns,
so its cost follows what is due, not how many cases are open. Each warning and breach is
claimed by inserting an SlaNotice row whose unique constraint admits it once; the claim,
the SLA event and the alert commit together, so a sweep that runs twice, dies midway or
is redelivered notifies once. A callback attempt missed on a hotline call whose customer
nobody reached yet is claimed the same way, once per attempt missed.

A platform incident's next update is warned once, to its declarer and on-call, in place
of the next-update warnings of its linked cases: one update answers them all. Each
case's breach is still recorded when the update is missed (the SLA report counts it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.alerts import Alert
from accounts.selectors import on_call_staff
from accounts.services import alert_staff

from .. import deadlines
from ..models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    DeadlineKind,
    HotlineCall,
    Incident,
    IncidentEvent,
    IncidentStatus,
    Severity,
    SlaNotice,
    SlaPolicy,
)
from .alerts import case_admin_url, managers_and_tam
from .hotline import callback_retry_minutes

Stage = SlaNotice.Stage
DEFAULT_LEADS = {
    DeadlineKind.FIRST_RESPONSE: 5,
    DeadlineKind.CALLBACK: 5,
    DeadlineKind.NEXT_UPDATE: 10,
    DeadlineKind.RESPONSE: 5,
}


@dataclass(frozen=True)
class Due:
    kind: str
    subject_id: int
    case_id: int | None
    deadline: datetime


def _leads() -> dict[tuple[str, str], timedelta]:
    leads = {}
    policies = {p.severity: p for p in SlaPolicy.objects.all()}
    for severity in Severity.values:
        p = policies.get(severity)
        minutes = {
            DeadlineKind.FIRST_RESPONSE: p.first_response_warning_minutes if p else None,
            DeadlineKind.CALLBACK: p.callback_warning_minutes if p else None,
            DeadlineKind.NEXT_UPDATE: p.update_warning_minutes if p else None,
            # A response is held to the first-response target, and warned as it is.
            DeadlineKind.RESPONSE: p.first_response_warning_minutes if p else None,
        }
        for kind, value in minutes.items():
            leads[severity, kind] = timedelta(
                minutes=DEFAULT_LEADS[kind] if value is None else value
            )
    return leads


def _not_breached(kind: str, deadline_field: str, subject: str = "pk"):
    return ~Exists(
        SlaNotice.objects.filter(
            kind=kind,
            subject_id=OuterRef(subject),
            deadline=OuterRef(deadline_field),
            stage=Stage.BREACH,
        )
    )


# The deadlines stored on the case row: the column each is due in, and what else says it is
# still owed (each column has a partial index).
CASE_DEADLINES = {
    DeadlineKind.FIRST_RESPONSE: ("first_response_due_at", {"first_response_at__isnull": True}),
    DeadlineKind.NEXT_UPDATE: ("next_update_due_at", {}),
    DeadlineKind.RESPONSE: ("response_due_at", {}),
}


def due_deadlines(now: datetime) -> list[Due]:
    """Every deadline within its warning lead of `now`, or past and not yet escalated."""
    leads = _leads()
    found: list[Due] = []
    for severity in Severity.values:
        for kind, (column, still_owed) in CASE_DEADLINES.items():
            rows = (
                Case.objects.filter(
                    **{f"{column}__lte": now + leads[severity, kind]},
                    **still_owed,
                    severity=severity,
                    status__in=OPEN_STATUSES,
                    waiting_since__isnull=True,
                )
                .filter(_not_breached(kind, column))
                .values_list("pk", column)
            )
            found += [Due(kind, pk, pk, due) for pk, due in rows]
    horizon = now + leads[Severity.CRITICAL, DeadlineKind.CALLBACK]
    rows = (
        HotlineCall.objects.filter(called_back_at__isnull=True, callback_due_at__lte=horizon)
        .filter(_not_breached(DeadlineKind.CALLBACK, "callback_due_at"))
        .values_list("pk", "case_id", "callback_due_at")
    )
    found += [Due(DeadlineKind.CALLBACK, pk, case_id, due) for pk, case_id, due in rows]
    return found


RETRY = SlaNotice.CALLBACK_RETRY


def missed_retries(now: datetime) -> list[Due]:
    """The callback attempts missed on hotline calls whose customer nobody reached yet:
    the attempt scheduled after the last one that did not reach them, then one more each
    retry interval that passes without an attempt. Each is warned once; a sweep that did
    not run for a while warns the latest one missed only."""
    interval = timedelta(minutes=callback_retry_minutes())
    rows = (
        HotlineCall.objects.filter(reached_at__isnull=True, next_attempt_due_at__lte=now)
        .filter(Q(case__isnull=True) | Q(case__status__in=OPEN_STATUSES))
        .values_list("pk", "case_id", "next_attempt_due_at")
    )
    missed = [
        Due(RETRY, pk, case_id, due + (now - due) // interval * interval)
        for pk, case_id, due in rows
    ]
    warned = set(
        SlaNotice.objects.filter(
            kind=RETRY, subject_id__in=[d.subject_id for d in missed], stage=Stage.WARNING
        ).values_list("subject_id", "deadline")
    )
    return [d for d in missed if (d.subject_id, d.deadline) not in warned]


def _claim(due: Due, stage: str, now: datetime) -> bool:
    try:
        with transaction.atomic():
            SlaNotice.objects.create(
                case_id=due.case_id,
                kind=due.kind,
                subject_id=due.subject_id,
                deadline=due.deadline,
                stage=stage,
                created_at=now,
            )
    except IntegrityError:
        return False
    return True


def _readers(stage: str, case: Case | None, call: HotlineCall | None, now: datetime):
    """A warning goes to the case's agent (or on-call), a breach to the managers and TAM."""
    if stage == Stage.WARNING:
        if case is not None and case.assigned_agent_id and case.assigned_agent.is_active:
            return [case.assigned_agent]
        return on_call_staff(at=now)
    return managers_and_tam(case.account if case else (call.account if call else None))


def _label(kind: str) -> str:
    return _("next callback attempt") if kind == RETRY else str(DeadlineKind(kind).label)


def _alert(due: Due, stage: str, case: Case | None, call: HotlineCall | None) -> Alert:
    """The warning or breach, in the language and time zone in force (each reader's)."""
    label = _label(due.kind)
    when = timezone.localtime(due.deadline).strftime("%Y-%m-%d %H:%M %Z")
    what = case.reference if case else (call.company_name if call else "")
    if due.kind == RETRY:
        subject = _(
            "Callback attempt missed: %(what)s has not been reached, the next attempt was due "
            "%(when)s"
        )
    elif stage == Stage.WARNING:
        subject = _("SLA warning: %(what)s, %(deadline)s due %(when)s")
    else:
        subject = _("SLA breached: %(what)s, %(deadline)s was due %(when)s")
    subject = subject % {"what": what, "deadline": label, "when": when}
    body = subject
    if case is not None:
        body = f"{subject}\n\n{case.reference} {case.subject}\n{case.account}"
    if due.kind == RETRY and call is not None:
        body += "\n\n" + _("Call %(person)s again: %(phone)s") % {
            "person": call.contact_person,
            "phone": call.phone,
        }
    return Alert(
        kind=f"sla_{stage}",
        subject=subject,
        body=body,
        url=case_admin_url(due.case_id),
        data={
            "deadline_kind": due.kind,
            "deadline": due.deadline.isoformat(),
            "case": due.case_id,
            "subject_id": due.subject_id,
        },
    )


def _act(due: Due, stage: str, now: datetime, *, alert: bool = True) -> bool:
    """Claim the notice, record it on the case and (`alert`) tell its readers."""
    with transaction.atomic():
        if not _claim(due, stage, now):
            return False
        case = (
            Case.objects.select_related("account__tam", "assigned_agent")
            .filter(pk=due.case_id)
            .first()
        )
        call = None
        if due.kind in (DeadlineKind.CALLBACK, RETRY):
            call = HotlineCall.objects.select_related("account__tam").get(pk=due.subject_id)
        if case is not None:
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.SLA_WARNING
                if stage == Stage.WARNING
                else CaseEvent.Kind.SLA_BREACH,
                at=now,
                public=False,
                detail=_label(due.kind),
                data={
                    "deadline_kind": due.kind,
                    "subject_id": due.subject_id,
                    "due": due.deadline.isoformat(),
                    # The rule the SLA report measures a callback by.
                    **({"counts": call.callback_counts} if call is not None else {}),
                },
            )
        if alert:
            alert_staff(partial(_alert, due, stage, case, call), _readers(stage, case, call, now))
    return True


INCIDENT_UPDATE = SlaNotice.INCIDENT_UPDATE


def _under_incident(dues: list[Due]) -> set[int]:
    """The cases among `dues` whose next update an active incident gives."""
    ids = {d.case_id for d in dues if d.kind == DeadlineKind.NEXT_UPDATE}
    if not ids:
        return set()
    return set(
        Case.objects.filter(pk__in=ids, incident__status=IncidentStatus.ACTIVE).values_list(
            "pk", flat=True
        )
    )


def incident_updates_due(now: datetime) -> list[tuple[Due, str]]:
    """Active incidents whose next update is within the critical warning lead of `now`
    (a warning) or passed (a breach), not yet noticed at that stage; their next update
    stored afresh first (a store after a commit may have been lost)."""
    deadlines.incident_next_update_save()
    horizon = now + _leads()[Severity.CRITICAL, DeadlineKind.NEXT_UPDATE]
    rows = Incident.objects.filter(
        status=IncidentStatus.ACTIVE, next_update_due_at__lte=horizon
    ).values_list("pk", "next_update_due_at")
    dues = [
        (Due(INCIDENT_UPDATE, pk, None, due), Stage.BREACH if due <= now else Stage.WARNING)
        for pk, due in rows
    ]
    noticed = set(
        SlaNotice.objects.filter(
            kind=INCIDENT_UPDATE, subject_id__in=[d.subject_id for d, _stage in dues]
        ).values_list("subject_id", "deadline", "stage")
    )
    return [(d, st) for d, st in dues if (d.subject_id, d.deadline, st) not in noticed]


def _incident_alert(incident: Incident, due: Due, stage: str, cases: int) -> Alert:
    """The incident's update warning or breach, in the reader's language and zone."""
    when = timezone.localtime(due.deadline).strftime("%Y-%m-%d %H:%M %Z")
    if stage == Stage.WARNING:
        subject = _("Incident update due: %(reference)s, post the next update by %(when)s")
    else:
        subject = _("Incident update missed: %(reference)s, the next update was due %(when)s")
    subject = subject % {"reference": incident.reference, "when": when}
    body = "\n".join(
        [
            subject,
            "",
            f"{incident.reference} {incident.title}",
            _("One update is the agreed update of its %(count)s linked open cases.")
            % {"count": cases},
        ]
    )
    url = settings.PORTAL_BASE_URL + reverse("admin:cases_incident_change", args=[incident.pk])
    return Alert(
        kind=f"incident_update_{stage}",
        subject=subject,
        body=body,
        url=url,
        data={"incident": incident.pk, "deadline": due.deadline.isoformat()},
    )


def _notice_incident(due: Due, stage: str, now: datetime) -> bool:
    """One warning, or one breach alert, for all of an incident's linked cases: to
    on-call and its declarer, and for a breach the Support Managers too."""
    with transaction.atomic():
        if not _claim(due, stage, now):
            return False
        incident = Incident.objects.select_related("declared_by").get(pk=due.subject_id)
        cases = incident.cases.filter(status__in=OPEN_STATUSES).count()
        IncidentEvent.objects.create(
            incident=incident,
            kind=IncidentEvent.Kind.UPDATE_WARNING
            if stage == Stage.WARNING
            else IncidentEvent.Kind.UPDATE_MISSED,
            at=now,
            data={"due": due.deadline.isoformat(), "cases": cases},
        )
        readers = list(on_call_staff(at=now))
        if stage == Stage.BREACH:
            readers += managers_and_tam(None)
        declarer = incident.declared_by
        if declarer is not None and declarer.is_active:
            readers.append(declarer)
        readers = list(dict.fromkeys(readers))
        alert_staff(partial(_incident_alert, incident, due, stage, cases), readers)
    return True


def sweep(*, now: datetime) -> Counter:
    """One sweep: warnings and breaches. Returns what it did."""
    done: Counter = Counter()
    dues = due_deadlines(now)
    folded = _under_incident(dues)
    for due in dues:
        stage = Stage.BREACH if due.deadline <= now else Stage.WARNING
        under_incident = due.kind == DeadlineKind.NEXT_UPDATE and due.case_id in folded
        if under_incident and stage == Stage.WARNING:
            continue  # the incident's own warning covers it
        # A missed incident update is recorded on each case (the SLA report counts it)
        # and alerted once, for the incident.
        if _act(due, stage, now, alert=not under_incident):
            done[f"{due.kind}_{stage}"] += 1
    for due, stage in incident_updates_due(now):
        if _notice_incident(due, stage, now):
            done[f"{INCIDENT_UPDATE}_{stage}"] += 1
    for due in missed_retries(now):
        if _act(due, Stage.WARNING, now):
            done[f"{RETRY}_{Stage.WARNING}"] += 1
    return done


def sla_sweep(*, now: datetime | None = None) -> Counter:
    """Warn of deadlines coming up, escalate breached ones, send what the outbox holds.
    Safe to run concurrently: each warning and breach is claimed once."""
    return sweep(now=now or timezone.now())
