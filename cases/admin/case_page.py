"""A support case's page for agents and TAMs: its timeline and the actions that work
it, each of which calls the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import log_context

from .. import selectors, services, staff_access
from ..forms import (
    CallbackForm,
    IntervalAnswerForm,
    IntervalForm,
    MergeDuplicateForm,
    ReclassifyForm,
    RecordAgreementForm,
    StaffReplyForm,
    StaffTextForm,
)
from ..models import Case, IntervalProposal, Severity, Status
from ..views import attachment_response
from . import queue, report

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
    "confirm_critical": (gettext_lazy("Reclassify as critical (the mail's signs as reason)"), None),
    "dismiss_flag": (gettext_lazy("Dismiss the flag"), StaffTextForm),
    "close": (gettext_lazy("Close"), None),
    "merge_duplicate": (gettext_lazy("Merge into the original (a duplicate)"), MergeDuplicateForm),
    "reopen": (gettext_lazy("Reopen"), StaffTextForm),
    "log_callback": (gettext_lazy("Log a callback attempt"), CallbackForm),
    "propose_interval": (
        gettext_lazy("Propose an update interval (applies once the customer accepts)"),
        IntervalForm,
    ),
    "accept_interval": (gettext_lazy("Accept the customer's update interval"), IntervalAnswerForm),
    "decline_interval": (
        gettext_lazy("Decline the customer's update interval"),
        IntervalAnswerForm,
    ),
}

# Actions that answer the update interval the customer proposed.
INTERVAL_ANSWERS = ("accept_interval", "decline_interval")


# Actions that move the case, by the status they move it to: offered only when allowed.
ACTION_TARGETS = {
    "start_work": Status.IN_PROGRESS,
    "wait_on_customer": Status.WAITING_ON_CUSTOMER,
    "workaround": Status.WORKAROUND_PROVIDED,
    "propose": Status.RESOLUTION_PROPOSED,
    "record_agreement": Status.RESOLVED,
    "close": Status.CLOSED,
}


def _offered(
    name: str, case: Case, has_calls: bool = False, proposal: IntervalProposal | None = None
) -> bool:
    if name == "log_callback":
        return has_calls
    if name == "propose_interval":
        return case.is_open
    if name in INTERVAL_ANSWERS:
        side = IntervalProposal.Side.CUSTOMER
        return case.is_open and proposal is not None and proposal.side == side
    if name == "merge_duplicate":
        return case.is_open
    if name == "reopen":
        return case.status in (Status.RESOLVED, Status.CLOSED)
    if name == "confirm_critical":
        return case.possibly_critical
    if name == "dismiss_flag":
        return case.possibly_critical or bool(case.out_of_scope)
    if name in ACTION_TARGETS:
        return services.can_move(case.status, ACTION_TARGETS[name])
    return True


def _run(name: str, case: Case, user, data: dict):
    if name == "reply":
        services.case_reply(
            case=case,
            author=user,
            body=data["body"],
            attachments=data.get("attachments", ()),
            wait_on_customer=data.get("wait_on_customer", False),
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
    elif name == "confirm_critical":
        services.case_reclassify(
            case=case, actor=user, severity=Severity.CRITICAL, reason=selectors.flag_reason(case)
        )
    elif name == "dismiss_flag":
        services.case_dismiss_flag(case=case, actor=user, reason=data["body"])
    elif name == "close":
        services.case_close(case=case, actor=user)
    elif name == "reopen":
        services.case_reopen(case=case, actor=user, reason=data["body"])
    elif name == "merge_duplicate":
        original = Case.objects.filter(reference=data["original"]).first()
        if original is None:
            raise services.CaseError(
                _("No case has the reference %(reference)s.") % {"reference": data["original"]}
            )
        services.case_merge_duplicate(case=case, original=original, actor=user)
    elif name == "log_callback":
        call = selectors.call_to_return(case)
        if call is None:
            raise services.CaseError(_("No hotline call is recorded on this case."))
        services.callback_log_attempt(
            call=call, agent=user, outcome=data["outcome"], notes=data["notes"], at=data["at"]
        )
    elif name == "propose_interval":
        services.case_propose_update_interval(case=case, minutes=data["minutes"], actor=user)
    elif name == "accept_interval":
        services.case_accept_update_interval(case=case, actor=user, answering=data["answering"])
    elif name == "decline_interval":
        services.case_decline_update_interval(case=case, actor=user, answering=data["answering"])


# The session key under which a refused action's typed text waits for the case page.
DRAFT_KEY = "cases-action-draft"


def _action_form(form_class, name: str, draft: dict | None, initial: dict | None = None):
    """The action's form: empty (or with what the page shows, `initial`), or bound to
    what was typed when it was last refused, which also shows the errors beside the
    fields."""
    if form_class is None:
        return None
    if draft and draft["action"] == name:
        return form_class(draft["data"], prefix=name)
    return form_class(prefix=name, initial=initial)


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    # The queue is a page of its own (queue.py), with these fields' search.
    search_fields = list(queue.SEARCH_FIELDS)
    change_form_template = "admin/cases/case/change_form.html"
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
        "flags",
        "duplicate_of",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("reference", "account", "requester"),
                    ("category", "severity", "status", "channel"),
                    "flags",
                    "duplicate_of",
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

    @admin.display(description=gettext_lazy("flagged"))
    def flags(self, case: Case) -> str:
        """What a mail suggested and staff have not yet weighed: reclassify or dismiss."""
        flags = []
        if case.possibly_critical:
            flags.append(_("Possibly critical: %(signs)s") % {"signs": selectors.flag_reason(case)})
        if case.out_of_scope:
            flags.append(_("Outside the contract: %(note)s") % {"note": case.out_of_scope_label})
        return " · ".join(flags) or "—"

    def has_add_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        return staff_access.may_read_case(request.user, obj)

    def has_change_permission(self, request, obj=None):
        # The case page's actions; its fields are all read-only.
        return staff_access.may_work_case(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

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
        # The queue offers no bulk actions: a POST shows the list again, as the admin's.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return queue.queue_view(self, request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        extra_context = extra_context or {}
        draft = request.session.pop(DRAFT_KEY, None)
        if case is None or (draft and draft["case"] != case.pk):
            draft = None
        if case is not None:
            log_context.set_case(case.reference)
            extra_context.update(self.case_page_context(request, case, draft))
        return super().change_view(request, object_id, form_url, extra_context)

    def case_page_context(self, request, case: Case, draft) -> dict:
        """What the case page shows around the case. The apps built on this one extend the
        page by subclassing this admin (inbound mail adds its sender marks and bounces)."""
        user = request.user
        can_act = self.has_change_permission(request, case)
        verdict = selectors.first_response_verdict(case, timezone.now())
        calls = selectors.hotline_calls(case)
        proposal = selectors.pending_interval_proposal(case)
        answering = {"answering": proposal.pk} if proposal else None
        agreements = selectors.agreements(case)
        # Only an accepted resolution is rated: no query for the cases without one.
        accepted = any(a.outcome == a.Outcome.ACCEPTED for a in agreements)
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
            # Files attached when the case was filed belong to no message.
            "filing_attachments": selectors.filing_attachments(case)
            if staff_access.may_read_attachments(user, case)
            else [],
            "agreements": agreements,
            "rating": selectors.rating(case) if accepted else None,
            "interval_proposal": proposal,
            "verdict": verdict,
            "verdict_label": selectors.VERDICT_LABELS[verdict],
            "case_actions": [
                {
                    "name": name,
                    "label": label,
                    "form": _action_form(
                        form_class, name, draft, answering if name in INTERVAL_ANSWERS else None
                    ),
                    "open": bool(draft) and draft["action"] == name,
                    "url": reverse("admin:cases_case_act", args=[case.pk, name]),
                }
                for name, (label, form_class) in ACTIONS.items()
                if _offered(name, case, has_calls=bool(calls), proposal=proposal)
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
        return report.report_view(self.admin_site, request)

    def attachment_view(self, request, case_id, attachment_id):
        case = get_object_or_404(Case, pk=case_id)
        attachment = get_object_or_404(case.attachments.select_related("message"), pk=attachment_id)
        if not staff_access.may_read_attachment(request.user, case, attachment):
            raise PermissionDenied
        return attachment_response(attachment)
