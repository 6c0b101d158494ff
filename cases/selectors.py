"""Reads shared by views, admin and tasks, with their joins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.conf import settings
from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils.translation import gettext_lazy as _

from accounts import office_hours

from . import sla, sla_report
from .access import cases_visible_to
from .models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Attachment,
    Case,
    CaseEvent,
    CaseMessage,
    DeadlineKind,
    HotlineCall,
    IntervalProposal,
    ResolutionAgreement,
    ResolutionRating,
    Severity,
    Status,
)
from .search import NO_SEARCH, CaseSearch

# The columns a customer's list of cases shows (the case list, the home page), and no
# more: each date read is a date parsed.
LISTED_COLUMNS = (
    "reference",
    "subject",
    "severity",
    "status",
    "updated_at",
    "first_response_at",
    "first_response_due_at",
    "next_update_due_at",
    "response_due_at",
    "waiting_since",
    "callback_due_at",
)


def cases_for_customer(
    account,
    *,
    closed: bool = False,
    limit: int = 50,
    offset: int = 0,
    search: CaseSearch = NO_SEARCH,
) -> list[Case]:
    """One query: the account's open cases newest first, or its resolved and closed cases
    last changed first (each from its own partial index), that match `search`."""
    qs = _listed(account, closed=closed, search=search).only(*LISTED_COLUMNS)
    if closed:
        qs = qs.order_by("-updated_at", "-pk")
    else:
        qs = qs.order_by("-opened_at", "-pk")
    cases = list(qs[offset : offset + limit])
    # Translate each label once per page, not once per row.
    statuses = {value: str(label) for value, label in Status.choices}
    severities = {value: str(label) for value, label in Severity.choices}
    for case in cases:
        case.status_label = statuses[case.status]
        case.severity_label = severities[case.severity]
    return cases


def _listed(account, *, closed: bool, search: CaseSearch):
    """The account's open (or resolved and closed) cases on its case list that match
    `search`: only through the customer access rule, and never by an internal note."""
    qs = cases_visible_to(account)
    if closed:
        # A duplicate is shown as the case it was merged into: the customer sees one case.
        qs = qs.filter(status__in=CLOSED_STATUSES, duplicate_of__isnull=True)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    return _matching(qs, search)


def cases_matching(account, search: CaseSearch = NO_SEARCH):
    """The account's cases that match `search`, open and closed in one list, as the case
    list shows them (a merged duplicate only as its original), with the listed columns:
    the API's case list, which pages it."""
    qs = cases_visible_to(account).filter(duplicate_of__isnull=True)
    return _matching(qs, search).only(*LISTED_COLUMNS, "opened_at")


def staff_cases_matching(search: CaseSearch = NO_SEARCH):
    """Every account's cases that match `search` (staff read every case: oversight), with
    the listed columns: a staff token's case list, which the caller pages."""
    qs = Case.objects.filter(duplicate_of__isnull=True)
    return _matching(qs, search).only(*LISTED_COLUMNS, "opened_at")


def _matching(qs, search: CaseSearch):
    if search.status:
        qs = qs.filter(status__in=search.statuses())
    if search.severity:
        qs = qs.filter(severity=search.severity)
    if search.opened_from:
        qs = qs.filter(opened_at__gte=search.opened_from)
    if search.opened_before:
        qs = qs.filter(opened_at__lt=search.opened_before)
    # Each word somewhere in the case: its reference, subject, description or a public
    # message (a plain case-insensitive match within one account's cases).
    for word in search.text.split():
        public = CaseMessage.objects.filter(
            case=OuterRef("pk"), visibility=CaseMessage.Visibility.PUBLIC, body__icontains=word
        )
        qs = qs.filter(
            Q(reference__icontains=word)
            | Q(subject__icontains=word)
            | Q(description__icontains=word)
            | Exists(public)
        )
    return qs


@dataclass
class CasePage:
    cases: list[Case]
    number: int
    has_previous: bool
    has_next: bool
    total: int | None = None


# A page a customer reads at a glance; the open cases come first and are counted.
OPEN_PER_PAGE = 50
CLOSED_PER_PAGE = 25


def open_cases_page(
    account, *, page: int = 1, per_page: int | None = None, search: CaseSearch = NO_SEARCH
) -> CasePage:
    """Two queries: one page of the account's open cases that match `search`, newest
    first, and how many match in all (an index-only count without a search)."""
    page, per_page = max(page, 1), per_page or OPEN_PER_PAGE
    cases = cases_for_customer(account, limit=per_page, offset=(page - 1) * per_page, search=search)
    total = open_case_count(account, search=search)
    return CasePage(
        cases=cases,
        number=page,
        has_previous=page > 1,
        has_next=page * per_page < total,
        total=total,
    )


def closed_cases_page(
    account, *, page: int = 1, per_page: int | None = None, search: CaseSearch = NO_SEARCH
) -> CasePage:
    """One query: one page of the account's resolved and closed cases that match
    `search`, newest first. One row more than the page is read to know whether an older
    page exists (no count)."""
    page, per_page = max(page, 1), per_page or CLOSED_PER_PAGE
    cases = cases_for_customer(
        account, closed=True, limit=per_page + 1, offset=(page - 1) * per_page, search=search
    )
    return CasePage(
        cases=cases[:per_page],
        number=page,
        has_previous=page > 1,
        has_next=len(cases) > per_page,
    )


def open_case_count(account, *, search: CaseSearch = NO_SEARCH) -> int:
    return _listed(account, closed=False, search=search).count()


# An update interval our side proposed, awaiting the customer's answer.
INTERVAL_TO_ANSWER = Exists(
    IntervalProposal.objects.filter(
        case=OuterRef("pk"),
        outcome=IntervalProposal.Outcome.PENDING,
        side=IntervalProposal.Side.STAFF,
    )
)
# What a customer must do on an open case: give the information asked, answer a
# proposed resolution, or answer a proposed update interval.
WAITING_ON_CUSTOMER = (
    Q(waiting_since__isnull=False) | Q(status=Status.RESOLUTION_PROPOSED) | Q(INTERVAL_TO_ANSWER)
)


@dataclass
class HomeCases:
    waiting: list[Case]  # waiting on the customer, longest waiting first
    coming: list[Case]  # the others, nearest deadline first
    open_total: int
    waiting_total: int


def cases_for_home(account, *, limit: int = 5) -> HomeCases:
    """Two queries: the account's open cases that wait on the customer and, after them,
    those with the nearest deadline (`limit` of each at most), and how many of each."""
    waits = DbCase(When(WAITING_ON_CUSTOMER, then=Value(0)), default=Value(1))
    cases = list(
        cases_visible_to(account)
        .filter(status__in=OPEN_STATUSES)
        .annotate(waits_on_customer=waits, interval_to_answer=INTERVAL_TO_ANSWER)
        .only(*LISTED_COLUMNS)
        .order_by(
            "waits_on_customer",
            F("next_due_at").asc(nulls_last=True),
            F("waiting_since").asc(nulls_last=True),
            "-opened_at",
        )[: 2 * limit]
    )
    counts = (
        cases_visible_to(account)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(open_total=Count("pk"), waiting_total=Count("pk", filter=WAITING_ON_CUSTOMER))
    )
    waiting = [c for c in cases if c.waits_on_customer == 0]
    coming = [c for c in cases if c.waits_on_customer == 1]
    return HomeCases(waiting[:limit], coming[:limit], **counts)


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "message" or "event"
    item: object


def customer_timeline(case: Case, attachments: list[Attachment]) -> list[TimelineEntry]:
    """Public messages and public events, in time order: 2 queries. `attachments` are the
    case's public attachments (`case_attachments`), hung on their messages here rather
    than read again."""
    by_message: dict[int, list[Attachment]] = {}
    for attachment in attachments:
        by_message.setdefault(attachment.message_id, []).append(attachment)
    messages = list(
        CaseMessage.objects.filter(case=case, visibility=CaseMessage.Visibility.PUBLIC)
        .select_related("author")
        .only(
            "case_id",
            "body",
            "created_at",
            "author__full_name",
            "author__email",
            "author__is_staff",
        )
    )
    for message in messages:
        message.public_attachments = by_message.get(message.pk, [])
    events = (
        CaseEvent.objects.filter(case=case, public=True)
        .exclude(kind__in=[CaseEvent.Kind.REPLIED, CaseEvent.Kind.CUSTOMER_REPLIED])
        .select_related("actor")
        .only(
            "at",
            "kind",
            "to_status",
            "detail",
            "data",
            "actor__full_name",
            "actor__email",
            "actor__is_staff",
        )
    )
    return _merge(messages, events)


@dataclass(frozen=True)
class CaseContents:
    """What a case holds besides its own row, as the customer's case page needs it."""

    # The highest message, event and attachment ids. Messages, events and attachments
    # are only ever added, never changed, so these change exactly when the timeline
    # does: a rendered timeline can be reused while they stay the same. (Whatever adds
    # to a timeline locks the case first, so ids are handed out in commit order.) A
    # renamed author shows once the rendering expires, within ten minutes.
    timeline_version: tuple
    has_attachments: bool
    has_agreements: bool
    has_hotline_calls: bool
    followed_by_user: bool
    # The update interval proposal awaiting an answer, if any.
    pending_interval_proposal_id: int | None = None
    # The customer's rating of the resolution, if any.
    rating_id: int | None = None


def case_contents(case: Case, user) -> CaseContents:
    """One query on every case page, so that the page reads agreements, attachments and
    hotline calls only when the case has some (most have none), and the timeline only
    when it changed. Plain SQL: building it with the ORM cost more than running it."""
    quote = connection.ops.quote_name
    per_case = [
        CaseMessage,
        CaseEvent,
        Attachment,
        ResolutionAgreement,
        HotlineCall,
        ResolutionRating,
    ]
    followers = Case.followers.through._meta.db_table
    # Only quoted table names of our own models go into the text; the ids are parameters.
    columns = [
        f"(SELECT MAX(id) FROM {quote(m._meta.db_table)} WHERE case_id = %s)"  # noqa: S608
        for m in per_case
    ]
    columns.append(
        f"EXISTS (SELECT 1 FROM {quote(followers)} WHERE case_id = %s AND user_id = %s)"  # noqa: S608
    )
    proposals = quote(IntervalProposal._meta.db_table)
    columns.append(
        f"(SELECT MAX(id) FROM {proposals} WHERE case_id = %s AND outcome = %s)"  # noqa: S608
    )
    sql = "SELECT " + ", ".join(columns)
    params = [case.pk] * (len(per_case) + 1) + [user.pk, case.pk, IntervalProposal.Outcome.PENDING]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        message, event, attachment, agreement, call, rating, following, proposal = cursor.fetchone()
    return CaseContents(
        timeline_version=(message, event, attachment),
        has_attachments=attachment is not None,
        has_agreements=agreement is not None,
        has_hotline_calls=call is not None,
        followed_by_user=bool(following),
        pending_interval_proposal_id=proposal,
        rating_id=rating,
    )


def staff_timeline(
    case: Case, *, internal_notes: bool = True, attachments: bool = True
) -> list[TimelineEntry]:
    """The case's messages and events for staff: internal notes' text and the messages'
    attachments only when the reader may read them (cases/staff_access.py)."""
    messages = CaseMessage.objects.filter(case=case).select_related("author")
    if not internal_notes:
        messages = messages.exclude(visibility=CaseMessage.Visibility.INTERNAL)
    files = Attachment.objects.order_by("id") if attachments else Attachment.objects.none()
    messages = messages.prefetch_related(Prefetch("attachments", queryset=files))
    events = (
        CaseEvent.objects.filter(case=case)
        .exclude(kind__in=[CaseEvent.Kind.REPLIED, CaseEvent.Kind.CUSTOMER_REPLIED])
        .select_related("actor")
    )
    return _merge(messages, events)


def _merge(messages, events) -> list[TimelineEntry]:
    entries = [TimelineEntry(m.created_at, "message", m) for m in messages]
    entries += [TimelineEntry(e.at, "event", e) for e in events]
    entries.sort(key=lambda e: (e.at, 0 if e.kind == "message" else 1))
    return entries


def case_attachments(case: Case) -> list[Attachment]:
    return list(
        Attachment.objects.filter(case=case)
        .filter(Q(message__isnull=True) | Q(message__visibility=CaseMessage.Visibility.PUBLIC))
        .order_by("id")
    )


def filing_attachments(case: Case) -> list[Attachment]:
    return list(Attachment.objects.filter(case=case, message__isnull=True).order_by("id"))


def agreements(case: Case) -> list[ResolutionAgreement]:
    return list(
        ResolutionAgreement.objects.filter(case=case).select_related(
            "proposed_by", "customer", "recorded_by"
        )
    )


def rating(case: Case) -> ResolutionRating | None:
    """The customer's rating of the resolution, with who gave it and the agent whose
    proposal it rates."""
    return (
        ResolutionRating.objects.filter(case=case)
        .select_related("rated_by", "agreement__proposed_by")
        .first()
    )


def pending_interval_proposal(case: Case) -> IntervalProposal | None:
    """The update interval proposal awaiting the other side's answer, with its author."""
    return (
        IntervalProposal.objects.filter(case=case, outcome=IntervalProposal.Outcome.PENDING)
        .select_related("proposed_by")
        .first()
    )


VERDICT_LABELS = {
    sla.MET: _("met"),
    sla.BREACHED: _("breached"),
    sla.PENDING: _("pending"),
    sla.PAUSED: _("paused while waiting on the customer"),
}


def first_response_verdict(case: Case, now: datetime) -> str:
    return sla.verdict(
        case.first_response_due_at, case.first_response_at, now, paused_since=case.waiting_since
    )


def next_opening(account, now: datetime) -> datetime | None:
    """When the account's office hours next open (now, if open). Expects the calendar
    loadable; costs three small queries."""
    calendar = (
        type(account.office_hours)
        .objects.prefetch_related("opening_ranges", "holidays", "changes")
        .get(pk=account.office_hours_id)
    )
    try:
        return office_hours.next_opening(calendar.schedule(), now)
    except office_hours.NeverOpen:
        return None


def first_response_from_events(case: Case, now: datetime) -> tuple[datetime, datetime | None, str]:
    """Recompute the first-response deadline, when it was met and the verdict from the
    audit log alone (filing, status changes, first response), as a report would."""
    from .deadlines import account_schedule, policy_target

    events = list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id")
        .only("at", "kind", "from_status", "to_status")
    )
    opened = next(e.at for e in events if e.kind == CaseEvent.Kind.OPENED)
    fulfilled = next((e.at for e in events if e.kind == CaseEvent.Kind.FIRST_RESPONSE), None)
    transitions = [(e.at, e.from_status, e.to_status) for e in events if e.to_status]
    pauses = sla.pauses_from_transitions(transitions)
    due = sla.due_at(policy_target(case.severity), account_schedule(case.account), opened, pauses)
    open_pause = next((start for start, end in pauses if end is None), None)
    return due, fulfilled, sla.verdict(due, fulfilled, now, paused_since=open_pause)


def hotline_calls(case: Case) -> list:
    """The case's hotline calls with their callback attempts, oldest first."""
    from .models import CallbackAttempt, HotlineCall

    return list(
        HotlineCall.objects.filter(case=case)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "attempts",
                queryset=CallbackAttempt.objects.select_related("agent").order_by("at", "id"),
            )
        )
        .order_by("received_at", "id")
    )


def call_to_return(case: Case):
    """The call an agent is calling back: the oldest whose customer is not reached yet,
    else the latest."""
    from .models import HotlineCall

    calls = HotlineCall.objects.filter(case=case)
    return (
        calls.filter(reached_at__isnull=True).order_by("received_at").first()
        or calls.order_by("-received_at").first()
    )


def sla_events(*, start, end, tam=None, account=None) -> list[dict]:
    """The SLA events (fulfilled and breached) of a period, for the oversight report."""
    events = CaseEvent.objects.filter(
        kind__in=[CaseEvent.Kind.SLA_FULFILLED, CaseEvent.Kind.SLA_BREACH],
        at__gte=start,
        at__lt=end,
    )
    if tam is not None:
        events = events.filter(case__account__tam=tam)
    if account is not None:
        events = events.filter(case__account=account)
    return [
        {
            "case_id": e["case_id"],
            "reference": e["case__reference"],
            "account": e["case__account__name"],
            "kind": e["kind"],
            "data": e["data"],
        }
        for e in events.order_by("at", "id").values(
            "case_id", "case__reference", "case__account__name", "kind", "data"
        )
    ]


def sla_ratings(*, start, end, tam=None) -> list[dict]:
    """The customers' ratings of resolutions given in a period (by when first given),
    with the account and the agent whose proposal was agreed, for the oversight report."""
    ratings = ResolutionRating.objects.filter(rated_at__gte=start, rated_at__lt=end)
    if tam is not None:
        ratings = ratings.filter(case__account__tam=tam)
    return [
        {
            "account_id": r["case__account_id"],
            "account": r["case__account__name"],
            "agent_id": r["agreement__proposed_by_id"],
            "agent": r["agreement__proposed_by__full_name"] or r["agreement__proposed_by__email"],
            "score": r["score"],
        }
        for r in ratings.order_by("rated_at", "id").values(
            "case__account_id",
            "case__account__name",
            "agreement__proposed_by_id",
            "agreement__proposed_by__full_name",
            "agreement__proposed_by__email",
            "score",
        )
    ]


def sla_attainment_this_month(account, now: datetime, zone: tzinfo) -> dict:
    """The account's SLA attainment in the reader's month, cut at midnight in their time
    zone (`zone`), from the SLA events: one query."""
    local = now.astimezone(zone)
    month = date(local.year, local.month, 1)
    following = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    start, end = (datetime.combine(day, time(), tzinfo=zone) for day in (month, following))
    rows = sla_report.attainment(
        sla_report.outcomes_from_events(sla_events(start=start, end=end, account=account))
    )
    return {
        "rows": [{"row": r, "label": DeadlineKind(r.kind).label} for r in rows],
        "month": month,
    }


def next_escalation_at(case: Case, now: datetime) -> datetime | None:
    """When the customer may escalate `case` to the TAM again; None if they may now.

    Counted from the escalations on record (not a per-process counter), so the limit holds
    whichever web process serves the request."""
    interval = timedelta(hours=settings.CASES_ESCALATION_INTERVAL_HOURS)
    last = (
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.ESCALATED, at__gt=now - interval)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return None if last is None else last + interval


def flag_reason(case: Case) -> str:
    """Why a mailed case is flagged possibly critical, as the reason a one-click
    reclassification records: the signs its mail showed."""
    flagged = (
        CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.FLAGGED)
        .order_by("-at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    signs = "; ".join((flagged or {}).get("outage_signs", []))
    return _("The email reads like an outage: %(signs)s") % {"signs": signs or "—"}
