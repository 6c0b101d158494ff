"""Filing a support case."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Account
from core.events import EventType

from .. import classification, deadlines
from ..models import Case, Category, Channel, Severity, Status, reference_for
from .alerts import alert_critical_case
from .base import (
    CaseError,
    Kind,
    emit_case_event,
    queue_mail,
    record_event,
    resolve_now,
    store_attachments,
)
from .incident_links import link_at_filing


@transaction.atomic
def case_open(
    *,
    account: Account,
    requester,
    subject: str,
    description: str,
    category: str,
    api_all_failing: bool = False,
    api_failure_cause: str = "",
    smtp_all_failing: bool = False,
    smtp_failure_cause: str = "",
    failing_since: datetime | None = None,
    error_samples: str = "",
    channel: str = Channel.PORTAL,
    attachments: Iterable[UploadedFile] = (),
    severity: str | None = None,
    mail_requester: bool = True,
    follows_up: Case | None = None,
    now: datetime | None = None,
) -> Case:
    """File a support case. Severity follows the contract's definition, not the typing;
    staff filing for a caller (the hotline) may state it with `severity`. A caller that
    answers the filing itself (the acknowledgement of a case opened by mail) passes
    `mail_requester=False`: the customer gets one mail, not two."""
    now = resolve_now(now)
    if category not in Category.values:
        raise CaseError(_("Choose what you need: a software bug, configuration or information."))
    if severity is not None and severity not in Severity.values:
        raise CaseError(_("Choose a severity: critical or non-critical."))
    answers = classification.Answers(
        category=category,
        api_all_failing=api_all_failing,
        api_failure_cause=api_failure_cause if api_all_failing else "",
        smtp_all_failing=smtp_all_failing,
        smtp_failure_cause=smtp_failure_cause if smtp_all_failing else "",
    )
    severity = severity or classification.severity(answers)
    case = Case.objects.create(
        account=account,
        requester=requester,
        # One line, whichever way it came in (a hotline description, a folded mail
        # header): it heads every mail about the case.
        subject=" ".join(subject.split()),
        description=description,
        category=category,
        api_all_failing=answers.api_all_failing,
        api_failure_cause=answers.api_failure_cause,
        smtp_all_failing=answers.smtp_all_failing,
        smtp_failure_cause=answers.smtp_failure_cause,
        failing_since=failing_since,
        error_samples=error_samples,
        severity=severity,
        channel=channel,
        opened_at=now,
        updated_at=now,
        follows_up=follows_up,
        **deadlines.at_filing(severity, account, now),
    )
    case.reference = reference_for(case.pk)
    case.save(update_fields=["reference"])
    store_attachments(case, None, attachments, requester, now)
    event = record_event(
        case,
        Kind.OPENED,
        actor=requester,
        now=now,
        to_status=Status.NEW,
        data={"severity": case.severity, "channel": channel},
    )
    # During a platform incident the customer's own answers link their case to it (a
    # hotline call links its case to the incident the representative chose); the
    # acknowledgement says so.
    if case.severity == Severity.CRITICAL and channel != Channel.HOTLINE:
        link_at_filing(case, actor=requester, now=now)
    if mail_requester:
        queue_mail(event)
    emit_case_event(case, EventType.CASE_FILED, now=now, channel=channel)
    # A hotline call alerts on-call itself, with the callback it needs.
    if case.severity == Severity.CRITICAL and channel != Channel.HOTLINE:
        alert_critical_case(
            case,
            now=now,
            why=lambda: (
                _("Filed as critical by %(who)s (%(channel)s).")
                % {"who": requester.full_name or requester.email, "channel": Channel(channel).label}
            ),
        )
    return case


def case_flag_for_staff(
    *, case: Case, outage_signs: Sequence[str] = (), out_of_scope: str = "", now=None
) -> Case:
    """Flag a case filed by mail for staff: its words read like an outage (possibly
    critical: on-call is alerted to weigh it) or ask for what the contract excludes. A
    mail cannot answer the form's questions, so neither changes the severity."""
    now = resolve_now(now)
    if case.severity == Severity.CRITICAL:
        outage_signs = ()
    if out_of_scope not in classification.EXCLUDED_REQUESTS:
        out_of_scope = ""
    if not outage_signs and not out_of_scope:
        return case
    case.possibly_critical = bool(outage_signs)
    case.out_of_scope = out_of_scope
    case.save(update_fields=["possibly_critical", "out_of_scope"])
    reasons = list(outage_signs)
    if out_of_scope:
        reasons.append(str(classification.EXCLUDED_REQUESTS[out_of_scope][0]))
    record_event(
        case,
        Kind.FLAGGED,
        actor=None,
        now=now,
        public=False,
        detail="; ".join(reasons),
        data={"outage_signs": list(outage_signs), "out_of_scope": out_of_scope},
    )
    if outage_signs:
        alert_critical_case(
            case,
            now=now,
            possibly=True,
            why=lambda: (
                _("Filed by email; it reads like an outage: %(signs)s.")
                % {"signs": "; ".join(outage_signs)}
            ),
        )
    return case
