"""The agents' and TAMs' side of support cases: a queue ordered by the nearest
deadline, and a case page with its timeline and actions. Actions call the services."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import outbox

from . import selectors, services, staff_access
from .forms import (
    CallbackForm,
    IntervalForm,
    ReclassifyForm,
    RecordAgreementForm,
    StaffReplyForm,
    StaffTextForm,
)
from .models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    DeadlineKind,
    OutboundMessage,
    ResolutionAgreement,
    Severity,
    SlaPolicy,
    Status,
)
from .views import attachment_response

DUE_SOON = timedelta(hours=1)


class MineFilter(admin.SimpleListFilter):
    title = gettext_lazy("assigned")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("me", gettext_lazy("Assigned to me")), ("none", gettext_lazy("Not assigned"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_agent=request.user)
        if self.value() == "none":
            return queryset.filter(assigned_agent__isnull=True)
        return queryset


class MyAccountsFilter(admin.SimpleListFilter):
    title = gettext_lazy("accounts")
    parameter_name = "tam"

    def lookups(self, request, model_admin):
        return [("me", gettext_lazy("My accounts (as TAM)"))]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(account__tam=request.user)
        return queryset


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("next deadline")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("hour", gettext_lazy("Due within the hour")),
            ("overdue", gettext_lazy("Overdue")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "hour":
            return queryset.filter(next_due_at__lte=now + DUE_SOON)
        if self.value() == "overdue":
            return queryset.filter(next_due_at__lt=now)
        return queryset


class OpenFilter(admin.SimpleListFilter):
    title = gettext_lazy("open or closed")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("open", gettext_lazy("Open")), ("done", gettext_lazy("Resolved or closed"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() == "done":
            return queryset.exclude(status__in=OPEN_STATUSES)
        return queryset


ACTIONS = {
    # name: (label, form class or None)
    "reply": (gettext_lazy("Public reply (mailed to the customer)"), StaffReplyForm),
    "note": (gettext_lazy("Internal note (never shown to the customer)"), StaffTextForm),
    "assign_to_me": (gettext_lazy("Assign to me"), None),
    "start_work": (gettext_lazy("Start work"), None),
    "wait_on_customer": (gettext_lazy("Wait on the customer"), None),
    "workaround": (gettext_lazy("Provide a workaround"), StaffTextForm),
    "propose": (gettext_lazy("Propose a resolution"), StaffTextForm),
    "record_agreement": (gettext_lazy("Record the customer's agreement"), RecordAgreementForm),
    "reclassify": (gettext_lazy("Reclassify"), ReclassifyForm),
    "close": (gettext_lazy("Close"), None),
    "reopen": (gettext_lazy("Reopen"), StaffTextForm),
    "log_callback": (gettext_lazy("Log a callback attempt"), CallbackForm),
    "agree_interval": (gettext_lazy("Agree the update interval"), IntervalForm),
}


# Actions that move the case, by the status they move it to: offered only when allowed.
ACTION_TARGETS = {
    "start_work": Status.IN_PROGRESS,
    "wait_on_customer": Status.WAITING_ON_CUSTOMER,
    "workaround": Status.WORKAROUND_PROVIDED,
    "propose": Status.RESOLUTION_PROPOSED,
    "record_agreement": Status.RESOLVED,
    "close": Status.CLOSED,
}


def _offered(name: str, case: Case, has_calls: bool = False) -> bool:
    if name == "log_callback":
        return has_calls
    if name == "agree_interval":
        return case.is_open
    if name == "reopen":
        return case.status in (Status.RESOLVED, Status.CLOSED)
    if name in ACTION_TARGETS:
        return services.can_move(case.status, ACTION_TARGETS[name])
    return True


def _run(name: str, case: Case, user, data: dict):
    if name == "reply":
        services.case_reply(
            case=case, author=user, body=data["body"], attachments=data.get("attachments", ())
        )
    elif name == "note":
        services.case_add_note(case=case, author=user, body=data["body"])
    elif name == "assign_to_me":
        services.case_assign(case=case, agent=user, actor=user, only_if_unassigned=True)
    elif name == "start_work":
        services.case_set_status(case=case, status=Status.IN_PROGRESS, actor=user)
    elif name == "wait_on_customer":
        services.case_set_status(case=case, status=Status.WAITING_ON_CUSTOMER, actor=user)
    elif name == "workaround":
        services.case_provide_workaround(case=case, actor=user, body=data["body"])
    elif name == "propose":
        services.case_propose_resolution(case=case, actor=user, summary=data["body"])
    elif name == "record_agreement":
        services.case_record_agreement(case=case, actor=user, **data)
    elif name == "reclassify":
        services.case_reclassify(case=case, actor=user, **data)
    elif name == "close":
        services.case_close(case=case, actor=user)
    elif name == "reopen":
        services.case_reopen(case=case, actor=user, reason=data["body"])
    elif name == "log_callback":
        call = selectors.call_to_return(case)
        if call is None:
            raise services.CaseError(_("No hotline call is recorded on this case."))
        services.callback_log_attempt(
            call=call, agent=user, outcome=data["outcome"], notes=data["notes"], at=data["at"]
        )
    elif name == "agree_interval":
        services.case_agree_update_interval(
            case=case, minutes=data["minutes"], agreed_by=data["agreed_by"], actor=user
        )


# The session key under which a refused action's typed text waits for the case page.
DRAFT_KEY = "cases-action-draft"


def _action_form(form_class, name: str, draft: dict | None):
    """The action's form: empty, or bound to what was typed when it was last refused,
    which also shows the errors beside the fields."""
    if form_class is None:
        return None
    if draft and draft["action"] == name:
        return form_class(draft["data"], prefix=name)
    return form_class(prefix=name)


_PK = "__case__"  # stands for the case's id in the change URL built once per page


def _reference_html(reference: str) -> str:
    return format_html('<span class="portal-nowrap">{}</span>', reference)


def _severity_html(severity: str) -> str:
    # Colours in static/css/admin.css: the Content-Security-Policy admits no inline style.
    return format_html(
        '<span class="severity-badge {}">{}</span>', severity, Severity(severity).label
    )


def _deadline_kind(case: Case, due) -> str:
    """Which of the deadlines in `next_due_expression` `due` is."""
    if due == case.callback_due_at:
        return DeadlineKind.CALLBACK.label
    awaiting = case.first_response_at is None and case.waiting_since is None
    if awaiting and due == case.first_response_due_at:
        return DeadlineKind.FIRST_RESPONSE.label
    return DeadlineKind.NEXT_UPDATE.label


def _deadline_html(case: Case, now) -> str:
    due = case.next_due_at
    if due is None:
        if case.waiting_since and case.is_open and case.first_response_at is None:
            return _("paused (waiting on customer)")
        return "—"
    local = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    kind = format_html('<br><span class="quiet">{}</span>', _deadline_kind(case, due))
    if due < now:
        return _due_badge("overdue", _("OVERDUE"), local, kind)
    if due <= now + DUE_SOON:
        return _due_badge("soon", _("due"), local, kind)
    return format_html('<span class="portal-nowrap" data-due="later">{}</span>{}', local, kind)


def _due_badge(marker: str, label: str, local: str, kind: str) -> str:
    return format_html(
        '<strong class="due-badge {}" data-due="{}">{} {}</strong>{}',
        marker,
        marker,
        label,
        local,
        kind,
    )


# The queue's columns, each of which `CaseAdmin.queue_rows` knows how to build.
QUEUE_COLUMNS = (
    "ref",
    "deadline",
    "severity_badge",
    "status_label",
    "subject",
    "account",
    "agent",
)


# What the queue's rows read: the description and the error samples, the longest
# columns, stay in the database.
QUEUE_FIELDS = (
    "reference",
    "subject",
    "severity",
    "status",
    "opened_at",
    "callback_due_at",
    "first_response_due_at",
    "first_response_at",
    "waiting_since",
    "next_update_due_at",
    "next_due_at",
    "account__name",
    "assigned_agent__full_name",
    "assigned_agent__email",
)


class CaseQueue(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).only(*QUEUE_FIELDS)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = list(QUEUE_COLUMNS)
    list_display_links = ["ref", "subject"]
    list_filter = [
        OpenFilter,
        "severity",
        "status",
        MineFilter,
        MyAccountsFilter,
        DueFilter,
    ]
    search_fields = ["reference", "subject", "account__name"]
    list_select_related = ["account", "assigned_agent"]
    list_per_page = 25
    show_full_result_count = False
    change_form_template = "admin/cases/case/change_form.html"
    change_list_template = "admin/cases/case/change_list.html"
    readonly_fields = [
        "reference",
        "account",
        "requester",
        "subject",
        "description",
        "category",
        "severity",
        "status",
        "channel",
        "assigned_agent",
        "api_all_failing",
        "api_failure_cause",
        "smtp_all_failing",
        "smtp_failure_cause",
        "failing_since",
        "error_samples",
        "opened_at",
        "first_response_due_at",
        "first_response_at",
        "waiting_since",
        "workaround_at",
        "resolution_proposed_at",
        "resolved_at",
        "closed_at",
        "escalated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("reference", "account", "requester"),
                    ("category", "severity", "status", "channel"),
                    "assigned_agent",
                    "subject",
                    "description",
                ]
            },
        ),
        (
            gettext_lazy("Unavailability"),
            {
                "fields": [
                    ("api_all_failing", "api_failure_cause"),
                    ("smtp_all_failing", "smtp_failure_cause"),
                    "failing_since",
                    "error_samples",
                ]
            },
        ),
        (
            gettext_lazy("Milestones"),
            {
                "fields": [
                    ("opened_at", "first_response_due_at", "first_response_at"),
                    ("waiting_since", "workaround_at", "resolution_proposed_at"),
                    ("resolved_at", "closed_at", "escalated_at"),
                ]
            },
        ),
    ]

    def get_ordering(self, request):
        # Nearest deadline first (a hotline callback, a first response or an agreed
        # update), then everything else, newest first: the index case_queue_order, so
        # the queue is read in index order instead of sorting every case.
        return [F("next_due_at").asc(nulls_last=True), "-opened_at"]

    def get_changelist(self, request, **kwargs):
        return CaseQueue

    def has_add_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return staff_access.may_read_case(request.user, obj)

    def has_change_permission(self, request, obj=None):
        # The case page's actions; its fields are all read-only.
        return staff_access.may_work_case(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("reference"), ordering="reference")
    def ref(self, obj):
        return _reference_html(obj.reference)

    @admin.display(description=gettext_lazy("severity"), ordering="severity")
    def severity_badge(self, obj):
        return _severity_html(obj.severity)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_label(self, obj):
        # The enum's label directly: the admin's generic choices lookup rebuilds a
        # dictionary of all choices for every cell.
        return Status(obj.status).label

    @admin.display(description=gettext_lazy("agent"), ordering="assigned_agent__full_name")
    def agent(self, obj):
        # The field's own name is long in Dutch, and the queue has seven columns.
        return obj.assigned_agent

    @admin.display(description=gettext_lazy("next deadline"), ordering="next_due_at")
    def deadline(self, obj):
        return _deadline_html(obj, timezone.now())

    def queue_rows(self, cl) -> list[list[str]] | None:
        """The queue's rows, cell for cell the markup the admin gives `list_display`,
        built directly instead of through its generic per-cell lookups (most of the
        queue's time): what every row shares (the change URL's shape with the preserved
        filters, the labels, the time) is worked out once. None for an unknown column."""
        if not set(cl.list_display) <= set(QUEUE_COLUMNS):
            return None
        opts = cl.opts
        change_url = escape(
            add_preserved_filters(
                {"preserved_filters": cl.preserved_filters, "opts": opts},
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=(_PK,),
                    current_app=self.admin_site.name,
                ),
            )
        )
        now = timezone.now()
        severities = {value: _severity_html(value) for value in Severity.values}
        statuses = {value: escape(label) for value, label in Status.choices}
        empty = escape(self.get_empty_value_display())
        links = set(cl.list_display_links or ())
        rows = []
        for case in cl.result_list:
            html = {
                "ref": ("th", "", _reference_html(case.reference)),
                "deadline": ("td", "", conditional_escape(_deadline_html(case, now))),
                "severity_badge": ("td", "", severities[case.severity]),
                "status_label": ("td", "", statuses[case.status]),
                "subject": ("td", "", escape(case.subject)),
                "account": ("td", " nowrap", escape(case.account)),
                "agent": (
                    "td",
                    "",
                    escape(case.assigned_agent) if case.assigned_agent_id else empty,
                ),
            }
            # The path comes first, so the first match is the id's place, whatever a
            # preserved search holds.
            url = change_url.replace(_PK, quote(str(case.pk)), 1)
            row = []
            for name in cl.list_display:
                tag, extra, value = html[name]
                if name in links:
                    value = f'<a href="{url}">{value}</a>'
                # Every value above is escaped; format_html's own checks would cost
                # more than the rest of the row.
                row.append(mark_safe(f'<{tag} class="field-{name}{extra}">{value}</{tag}>'))  # noqa: S308
            rows.append(row)
        return rows

    # --- the case page: timeline and actions -----------------------------------

    def get_urls(self):
        urls = super().get_urls()
        mine = [
            path(
                "<int:case_id>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="cases_case_act",
            ),
            path(
                "sla-report/",
                self.admin_site.admin_view(self.sla_report_view),
                name="cases_sla_report",
            ),
            path(
                "<int:case_id>/attachments/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="cases_case_attachment",
            ),
        ]
        return mine + urls

    def changelist_view(self, request, extra_context=None):
        # The queue needs the page's width for its seven columns and the filters; the
        # breadcrumbs and the Workplace page lead everywhere else.
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        draft = request.session.pop(DRAFT_KEY, None)
        if case is None or (draft and draft["case"] != case.pk):
            draft = None
        if case is not None:
            extra_context.update(self.case_page_context(request, case, draft))
        return super().change_view(request, object_id, form_url, extra_context)

    def case_page_context(self, request, case: Case, draft) -> dict:
        """What the case page shows around the case. The apps built on this one extend the
        page by subclassing this admin (inbound mail adds its sender marks and bounces)."""
        user = request.user
        can_act = self.has_change_permission(request, case)
        verdict = selectors.first_response_verdict(case, timezone.now())
        calls = selectors.hotline_calls(case)
        return {
            "hotline_calls": calls,
            "now": timezone.now(),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "timeline": selectors.staff_timeline(
                case,
                internal_notes=staff_access.may_read_internal_notes(user, case),
                attachments=staff_access.may_read_attachments(user, case),
            ),
            "agreements": selectors.agreements(case),
            "verdict": verdict,
            "verdict_label": selectors.VERDICT_LABELS[verdict],
            "case_actions": [
                {
                    "name": name,
                    "label": label,
                    "form": _action_form(form_class, name, draft),
                    "open": bool(draft) and draft["action"] == name,
                    "url": reverse("admin:cases_case_act", args=[case.pk, name]),
                }
                for name, (label, form_class) in ACTIONS.items()
                if _offered(name, case, has_calls=bool(calls))
            ]
            if can_act
            else [],
        }

    def act_view(self, request, case_id, action):
        case = get_object_or_404(Case, pk=case_id)
        if request.method != "POST" or action not in ACTIONS:
            raise PermissionDenied
        if not self.has_change_permission(request, case):
            raise PermissionDenied
        _label, form_class = ACTIONS[action]
        data = {}
        if form_class is not None:
            form = form_class(request.POST, request.FILES, prefix=action)
            if not form.is_valid():
                for field, errors in form.errors.items():
                    label = form.fields[field].label if field in form.fields else ""
                    messages.error(request, f"{label}: {' '.join(errors)}")
                return self._back_with_draft(request, case, action)
            data = form.cleaned_data
        try:
            _run(action, case, request.user, data)
        except services.CaseError as error:
            messages.error(request, error.message)
            return self._back_with_draft(request, case, action)
        messages.success(request, _("Done: %(action)s.") % {"action": ACTIONS[action][0]})
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))

    def _back_with_draft(self, request, case, action):
        """Back to the case page with what was typed into the refused action's form, so
        nothing typed is lost (files excepted: a browser cannot be given them back)."""
        prefix = f"{action}-"
        request.session[DRAFT_KEY] = {
            "case": case.pk,
            "action": action,
            "data": {k: v for k, v in request.POST.items() if k.startswith(prefix)},
        }
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))

    def sla_report_view(self, request):
        from .admin_report import report_view

        return report_view(self.admin_site, request)

    def attachment_view(self, request, case_id, attachment_id):
        case = get_object_or_404(Case, pk=case_id)
        attachment = get_object_or_404(case.attachments.select_related("message"), pk=attachment_id)
        if not staff_access.may_read_attachment(request.user, case, attachment):
            raise PermissionDenied
        return attachment_response(attachment)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["severity", "first_response_minutes", "office_hours_only"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Through the outbox: with the broker down the deadlines are recomputed once it
        # is back rather than never.
        outbox.enqueue("cases.recompute_deadlines", obj.severity)


@admin.register(ResolutionAgreement)
class ResolutionAgreementAdmin(admin.ModelAdmin):
    list_display = ["case", "outcome", "proposed_at", "decided_at", "method", "customer_name"]
    list_filter = ["outcome", "method"]
    list_select_related = ["case"]
    search_fields = ["case__reference", "customer_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["sent_at", "case", "recipient", "subject", "kind", "message_id"]
    list_select_related = ["case"]
    search_fields = ["case__reference", "recipient", "message_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["at", "case", "kind", "actor", "from_status", "to_status"]
    list_filter = ["kind"]
    list_select_related = ["case", "actor"]
    search_fields = ["case__reference"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from . import admin_hotline  # noqa: E402,F401  (the hotline's admin pages)
