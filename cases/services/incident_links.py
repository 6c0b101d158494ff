"""Which cases a platform incident covers: the accounts it affects, the open critical
cases proposed for linking, linking and unlinking (one case or many in one action), and
the link made when a critical case is filed during an incident whose scope the
customer's own answers match. Filing (`intake`) and the hotline link through here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Account

from .. import deadlines
from ..models import (
    OPEN_STATUSES,
    Case,
    Component,
    FailureCause,
    Incident,
    IncidentEvent,
    IncidentScope,
    IncidentStatus,
    Severity,
)
from .base import CaseError, Kind, lock_case, queue_mail, record_event, resolve_now


def lock_incident(incident: Incident | int) -> Incident:
    """The incident's row, locked until the transaction ends."""
    pk = incident if isinstance(incident, int) else incident.pk
    return Incident.objects.select_for_update().get(pk=pk)


def incident_event(incident: Incident, kind: str, *, actor, now, detail="", **data):
    return IncidentEvent.objects.create(
        incident=incident, kind=kind, actor=actor, at=now, detail=detail, data=data
    )


def affected_accounts(incident: Incident) -> QuerySet[Account]:
    """The accounts an incident affects (`Incident.affects`, from the other side): those
    of its region, and those with no region; every account when it has no region."""
    if incident.region_id is None:
        return Account.objects.all()
    return Account.objects.filter(Q(region__isnull=True) | Q(region=incident.region_id))


def failing_components(case: Case) -> list[str]:
    """What the customer answered is wholly failing for a server-side cause: the
    contract's unavailability (R1, R2), by component."""
    server = FailureCause.SERVER
    failing = []
    if case.api_all_failing and case.api_failure_cause == server:
        failing.append(Component.API)
    if case.smtp_all_failing and case.smtp_failure_cause == server:
        failing.append(Component.SMTP)
    return failing


def incident_for_filing(case: Case) -> Incident | None:
    """The active incident a critical case is linked to as it is filed: one affecting
    its account whose scope covers a component the customer's answers say is down
    (the most recently started when several do)."""
    if case.severity != Severity.CRITICAL:
        return None
    scopes = {scope for c in failing_components(case) for scope in IncidentScope.covering(c)}
    if not scopes:
        return None
    return (
        Incident.objects.filter(status=IncidentStatus.ACTIVE, scope__in=scopes)
        .affecting(case.account)
        .order_by("-started_at")
        .first()
    )


def link_candidates(incident: Incident) -> QuerySet[Case]:
    """The cases proposed for linking: open critical cases of the affected accounts not
    linked to any incident yet, newest first."""
    return (
        Case.objects.filter(
            status__in=OPEN_STATUSES,
            severity=Severity.CRITICAL,
            incident__isnull=True,
            account__in=affected_accounts(incident),
        )
        .select_related("account")
        .order_by("-opened_at", "-pk")
    )


def refuse_unless_active(incident: Incident) -> None:
    if incident.status == IncidentStatus.DRAFT:
        raise CaseError(
            _("%(reference)s is a draft: publish it first.") % {"reference": incident.reference}
        )
    if incident.status != IncidentStatus.ACTIVE:
        raise CaseError(
            _("%(reference)s is resolved: nothing more can be linked to it or posted on it.")
            % {"reference": incident.reference}
        )


def link_case(incident: Incident, case: Case, *, actor, now: datetime, tell: bool = True) -> bool:
    """Link one locked case to a locked, active incident, inside the caller's
    transaction, and (`tell`) mail its contacts what the incident is. A case linked to
    an incident that has ended moves to this one; one linked to another active incident
    is refused before anything changes. False when it was linked already (a form sent
    twice)."""
    if case.incident_id == incident.pk:
        return False
    moved_from = None
    if case.incident_id is not None:
        other = Incident.objects.get(pk=case.incident_id)
        if other.status == IncidentStatus.ACTIVE:
            raise CaseError(
                _("Case %(reference)s is linked to %(other)s already: unlink it there first.")
                % {"reference": case.reference, "other": other.reference}
            )
        moved_from = other.pk
    if not case.is_open:
        raise CaseError(
            _("Case %(reference)s is not open: only open cases are linked.")
            % {"reference": case.reference}
        )
    case.incident, case.incident_linked_at = incident, now
    event = record_event(
        case,
        Kind.INCIDENT_LINKED,
        actor=actor,
        now=now,
        detail=incident.reference,
        data={"incident": incident.pk, **({"moved_from": moved_from} if moved_from else {})},
    )
    if tell:
        queue_mail(event)
    deadlines.save(case, {"incident", "incident_linked_at"})
    incident_event(
        incident,
        IncidentEvent.Kind.CASE_LINKED,
        actor=actor,
        now=now,
        detail=case.reference,
        case=case.pk,
        account=case.account_id,
    )
    return True


@transaction.atomic
def incident_link_cases(
    *, incident: Incident, cases: Iterable[Case | int], actor, now: datetime | None = None
) -> list[Case]:
    """Link cases to an active incident in one action: its updates become their agreed
    updates. All or none: a case linked to another incident, or no longer open, refuses
    the whole action with a sentence naming it. Returns the cases newly linked."""
    now = resolve_now(now)
    incident = lock_incident(incident)
    refuse_unless_active(incident)
    linked = []
    # Locked in id order, as every other multi-case action does: no deadlock between two.
    for pk in sorted({c if isinstance(c, int) else c.pk for c in cases}):
        case = lock_case(pk)
        if link_case(incident, case, actor=actor, now=now):
            linked.append(case)
    return linked


@transaction.atomic
def incident_unlink_case(
    *, incident: Incident, case: Case, actor, now: datetime | None = None
) -> Case:
    """Unlink a case linked by mistake: its own update clock goes on as agreed."""
    now = resolve_now(now)
    incident = lock_incident(incident)
    case = lock_case(case)
    if case.incident_id != incident.pk:
        raise CaseError(
            _("Case %(reference)s is not linked to %(incident)s.")
            % {"reference": case.reference, "incident": incident.reference}
        )
    case.incident, case.incident_linked_at = None, None
    case.save(update_fields=["incident", "incident_linked_at"])
    record_event(
        case,
        Kind.INCIDENT_UNLINKED,
        actor=actor,
        now=now,
        detail=incident.reference,
        data={"incident": incident.pk},
    )
    incident_event(
        incident,
        IncidentEvent.Kind.CASE_UNLINKED,
        actor=actor,
        now=now,
        detail=case.reference,
        case=case.pk,
        account=case.account_id,
    )
    deadlines.incident_next_update_save(incident.pk)
    return case


def link_at_filing(case: Case, *, actor, now: datetime) -> Incident | None:
    """Link a critical case just filed to the active incident its customer's answers
    match, inside the filing's transaction; the case page then says so."""
    incident = incident_for_filing(case)
    if incident is None:
        return None
    incident = lock_incident(incident)
    if incident.status != IncidentStatus.ACTIVE:
        return None
    # The filing page said so, and the acknowledgement names the incident.
    link_case(incident, lock_case(case), actor=actor, now=now, tell=False)
    case.incident, case.incident_linked_at = incident, now
    return incident
