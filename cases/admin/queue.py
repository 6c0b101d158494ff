"""The agents' and TAMs' case queue: every case, the nearest deadline first, with the
filters, the search and the column ordering of an admin list.

A page of its own inside the admin rather than the admin's generic list: it reads only
the columns it shows (one query, in the order of the index case_queue_order) and pages
by "previous" and "next" instead of counting every case. The markup is the template's;
this module works out the rows and links as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.db.models import F, QuerySet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import deadlines, staff_access, staff_search
from ..models import OPEN_STATUSES, Case, Severity, Status

DUE_SOON = deadlines.DUE_SOON
PER_PAGE = 25


@dataclass(frozen=True)
class Filter:
    parameter: str
    title: str
    choices: tuple  # (value, label) pairs
    # The choice in force when the parameter is absent; "All" is then ?parameter=all.
    default: str | None = None


EVERY = "all"


def _field_title(name: str) -> str:
    return Case._meta.get_field(name).verbose_name


# The parameters are those of the admin's own list filters, so saved links keep working.
FILTERS = (
    # Agents work open cases: the queue opens on them.
    Filter(
        "open",
        gettext_lazy("open or closed"),
        (("open", gettext_lazy("Open")), ("done", gettext_lazy("Resolved or closed"))),
        default="open",
    ),
    Filter("severity__exact", _field_title("severity"), tuple(Severity.choices)),
    Filter("status__exact", _field_title("status"), tuple(Status.choices)),
    Filter(
        "mine",
        gettext_lazy("assigned"),
        (("me", gettext_lazy("Assigned to me")), ("none", gettext_lazy("Not assigned"))),
    ),
    Filter("tam", gettext_lazy("accounts"), (("me", gettext_lazy("My accounts (as TAM)")),)),
    Filter(
        "due",
        gettext_lazy("next deadline"),
        (("hour", gettext_lazy("Due within the hour")), ("overdue", gettext_lazy("Overdue"))),
    ),
    # Flags a mail set for staff to weigh (inbound.signs), and the customer's escalation.
    Filter(
        "flag",
        gettext_lazy("flagged"),
        (
            ("critical", gettext_lazy("Possibly critical")),
            ("scope", gettext_lazy("Outside the contract")),
            ("escalated", gettext_lazy("Escalated to the TAM")),
        ),
    ),
)


def filtered(cases: QuerySet, values: dict[str, str], user, now) -> QuerySet:
    """`cases` narrowed by the chosen filters (or their defaults); an unknown value
    narrows nothing."""
    values = {**{f.parameter: f.default for f in FILTERS if f.default}, **values}
    chosen = values.get
    if chosen("open") == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    elif chosen("open") == "done":
        cases = cases.exclude(status__in=OPEN_STATUSES)
    if chosen("severity__exact") in Severity.values:
        cases = cases.filter(severity=chosen("severity__exact"))
    if chosen("status__exact") in Status.values:
        cases = cases.filter(status=chosen("status__exact"))
    if chosen("mine") == "me":
        cases = cases.filter(assigned_agent=user)
    elif chosen("mine") == "none":
        cases = cases.filter(assigned_agent__isnull=True)
    if chosen("tam") == "me":
        cases = cases.filter(account__tam=user)
    if chosen("due") == "hour":
        cases = cases.filter(next_due_at__lte=now + DUE_SOON)
    elif chosen("due") == "overdue":
        cases = cases.filter(next_due_at__lt=now)
    if chosen("flag") == "critical":
        cases = cases.filter(possibly_critical=True)
    elif chosen("flag") == "scope":
        cases = cases.exclude(out_of_scope="")
    elif chosen("flag") == "escalated":
        cases = cases.filter(escalated_at__isnull=False)
    return cases


# The admin's own search box reads these (search_fields); the queue's search is wider:
# cases.staff_search, over the case's words and its messages too.
SEARCH_FIELDS = ("reference", "subject", "account__name")


@dataclass(frozen=True)
class Column:
    name: str
    title: str
    ordering: str | None  # the field it sorts by, None when it does not sort


COLUMNS = (
    Column("ref", gettext_lazy("reference"), "reference"),
    Column("deadline", gettext_lazy("next deadline"), "next_due_at"),
    Column("severity", _field_title("severity"), "severity"),
    Column("status", _field_title("status"), "status"),
    Column("subject", _field_title("subject"), "subject"),
    Column("account", _field_title("account"), "account__name"),
    # The field's own name is long in Dutch, and the queue has seven columns.
    Column("agent", gettext_lazy("agent"), "assigned_agent__full_name"),
)

# Nearest deadline first (a hotline callback, a first response or an agreed update),
# then everything else, newest first: the index case_queue_order.
DEFAULT_ORDER = (F("next_due_at").asc(nulls_last=True), F("opened_at").desc())


def sort_keys(value: str) -> list[tuple[int, bool]]:
    """The columns chosen to sort by, as the admin writes them ("3.-1": the third column
    ascending, then the first descending), as (index, descending); unusable parts are
    left out."""
    keys, seen = [], set()
    for part in value.split("."):
        descending = part.startswith("-")
        digits = part.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()) or len(digits) > 2:
            continue
        index = int(digits) - 1
        if 0 <= index < len(COLUMNS) and index not in seen and COLUMNS[index].ordering:
            seen.add(index)
            keys.append((index, descending))
    return keys


def ordered(cases: QuerySet, keys: list[tuple[int, bool]], best_first=()) -> QuerySet:
    """By the chosen columns; with none chosen, a search's best matches first."""
    if best_first and not keys:
        return cases.order_by(*best_first, *DEFAULT_ORDER, "-pk")
    chosen = [
        F(COLUMNS[i].ordering).desc(nulls_last=True)
        if descending
        else F(COLUMNS[i].ordering).asc(nulls_last=True)
        for i, descending in keys
    ]
    # The id last, so that paging never shows a case twice or skips one.
    return cases.order_by(*chosen, *DEFAULT_ORDER, "-pk")


# What the rows read: the description and the error samples, the longest columns, stay
# in the database.
ROW_FIELDS = (
    "reference",
    "subject",
    "severity",
    "possibly_critical",
    "out_of_scope",
    "escalated_at",
    "status",
    "first_response_at",
    "waiting_since",
    "next_due_at",
    "next_due_kind",
    "account__name",
    "assigned_agent__full_name",
    "assigned_agent__email",
)


def _query_string(params: dict[str, str], **changes) -> str:
    merged = {**params, **changes}
    return "?" + urlencode({k: v for k, v in merged.items() if v is not None})


def _page_number(value: str | None) -> int:
    # A page the queue cannot show is the first.
    if value and value.isascii() and value.isdigit() and len(value) < 7:
        return max(int(value), 1)
    return 1


def queue_view(model_admin, request, extra_context=None):
    """The queue page: rows, filters, search and paging for `request`'s parameters."""
    # PostgreSQL refuses a NUL character in any text it is given: no parameter holds one.
    params = {k: v.replace("\x00", "") for k, v in request.GET.items()}
    now = timezone.now()
    query = params.get(SEARCH_VAR, "")
    keys = sort_keys(params.get(ORDER_VAR, ""))
    page = _page_number(params.get(PAGE_VAR))
    cases = Case.objects.all()
    cases = filtered(cases, params, request.user, now)
    if query:
        cases = staff_search.staff_searched(
            cases, query, internal_notes=staff_access.may_read_internal_notes(request.user)
        )
    first = (page - 1) * PER_PAGE
    found = list(
        ordered(cases, keys, staff_search.best_first(cases, query) if query else ())
        .select_related("account", "assigned_agent")
        .only(*ROW_FIELDS)[first : first + PER_PAGE + 1]
    )
    has_next = len(found) > PER_PAGE
    found = found[:PER_PAGE]

    # Each case's page keeps the queue's parameters, for its way back here.
    back = urlencode({"_changelist_filters": urlencode(params)}) if params else ""
    change_url = reverse(
        "admin:cases_case_change", args=[0], current_app=model_admin.admin_site.name
    )
    prefix = change_url.removesuffix("0/change/")
    rows = [
        {
            "url": f"{prefix}{case.pk}/change/" + (f"?{back}" if back else ""),
            "case": case,
            "deadline": deadlines.for_queue(case, now, DUE_SOON),
            "agent": (case.assigned_agent.full_name or case.assigned_agent.email)
            if case.assigned_agent_id
            else None,
        }
        for case in found
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Case._meta,
        "title": _("Select case to change")
        if model_admin.has_change_permission(request)
        else _("Select case to view"),
        # The queue needs the page's width for its seven columns and the filters; the
        # breadcrumbs and the Workplace page lead everywhere else.
        "is_nav_sidebar_enabled": False,
        "rows": rows,
        "headers": _headers(params, keys),
        "filters": _filters(params),
        "has_active_filters": any(f.parameter in params for f in FILTERS),
        "clear_filters": _query_string(params, **{f.parameter: None for f in FILTERS}),
        "search_var": SEARCH_VAR,
        "query": query,
        "hidden_params": [(k, v) for k, v in params.items() if k not in (SEARCH_VAR, PAGE_VAR)],
        "first_number": first + 1,
        "last_number": first + len(rows),
        "previous_page": _query_string(params, **{PAGE_VAR: page - 1 if page > 2 else None})
        if page > 1
        else None,
        "next_page": _query_string(params, **{PAGE_VAR: page + 1}) if has_next else None,
        **(extra_context or {}),
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/cases/case/queue.html", context)


def _headers(params: dict[str, str], keys: list[tuple[int, bool]]) -> list[dict]:
    """Each column's heading: sorting by it, or turning its sorting round. Its classes are
    the admin changelist's, which the admin's stylesheet reads."""
    sorted_by = dict(keys)
    headers = []
    for index, column in enumerate(COLUMNS):
        descending = sorted_by.get(index)
        classes = [f"column-{column.name}"]
        header = {"title": column.title, "sortable": bool(column.ordering), "classes": classes}
        if column.ordering:
            flip = "-" if descending is False else ""
            header["url"] = _query_string(
                params, **{ORDER_VAR: f"{flip}{index + 1}", PAGE_VAR: None}
            )
            classes.append("sortable")
            if descending is not None:
                classes += ["sorted", "descending" if descending else "ascending"]
        headers.append(header)
    return headers


def _filters(params: dict[str, str]) -> list[dict]:
    blocks = []
    for spec in FILTERS:
        current = params.get(spec.parameter, spec.default)
        every = EVERY if spec.default else None
        choices = [
            {
                "label": _("All"),
                "selected": current in (None, EVERY),
                "url": _query_string(params, **{spec.parameter: every, PAGE_VAR: None}),
            }
        ]
        choices += [
            {
                "label": label,
                "selected": current == value,
                "url": _query_string(params, **{spec.parameter: value, PAGE_VAR: None}),
            }
            for value, label in spec.choices
        ]
        blocks.append({"title": spec.title, "choices": choices})
    return blocks
