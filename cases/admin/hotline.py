"""The Severity 1 hotline in the admin: a quick intake page for customer service
representatives, and the list of calls with their callback verdicts."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account

from .. import services, staff_access
from ..forms import HotlineIntakeForm
from ..models import CallbackAttempt, Case, HotlineCall
from ..services import CaseError


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    fields = ["at", "outcome", "agent", "notes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# The cases shown per account found; older ones are linked from the case page.
CANDIDATES_PER_ACCOUNT = 10


def candidates(data: dict, now) -> list[dict]:
    """Accounts matching whatever of the caller's company, email or phone was typed, each
    with the open cases the call may be about, newest first. Nothing is proposed: the
    representative asks the caller which case it is."""
    accounts = list(
        services.accounts_matching(
            company_name=data.get("company_name") or "",
            email=data.get("email") or "",
            phone=data.get("phone") or "",
        )
    )
    cases: dict[int, list[Case]] = {account.pk: [] for account in accounts}
    for case in services.intake_candidates(accounts, now=now):
        case.target = f"case:{case.pk}"  # the choice's value, as link_target reads it
        cases[case.account_id].append(case)
    return [
        {
            "account": account,
            "target": f"account:{account.pk}",
            "cases": cases[account.pk][:CANDIDATES_PER_ACCOUNT],
        }
        for account in accounts
    ]


def link_target(target: str, found: list[dict]) -> tuple[Account | None, Case | None, str]:
    """What the call is linked to, checked again on the server whatever the form posted:
    an open case of one of the accounts found from what was typed, one of those accounts
    (a case is filed from the call), or nothing ("none", or no account was found).
    Returns (account, case, refusal); a refusal is a sentence for the form."""
    if target == "none" or (target == "" and not found):
        return None, None, ""
    kind, _sep, pk = target.partition(":")
    # ASCII digits, of a size a key can have ("²" is a digit to str.isdigit).
    if kind not in ("case", "account") or not (pk.isascii() and pk.isdigit() and len(pk) < 19):
        return None, None, _("Choose the caller's case or account below.")
    accounts = [c["account"] for c in found]
    if kind == "account":
        account = next((a for a in accounts if a.pk == int(pk)), None)
        if account is None:
            return (
                None,
                None,
                _(
                    "The chosen account is not one found from the company, email or phone typed: "
                    "choose the caller's account below."
                ),
            )
        return account, None, ""
    case = services.open_case_of(int(pk), accounts)
    if case is None:
        return (
            None,
            None,
            _(
                "The chosen case is not an open case of the caller's account: "
                "choose the caller's case or account below."
            ),
        )
    return None, case, ""


CALLBACKS_DUE_SPAN = timedelta(days=2)
CALLBACKS_DUE_LIMIT = 200


def callbacks_due_by_incident() -> list[dict]:
    """The callbacks still due, soonest first, grouped by the incident their calls
    report (calls about no incident last): on-call sees an outage's calls together, each
    with its own deadline. One query, of the last two days' calls (an older one still due
    is long breached, and stays in the list below)."""
    now = timezone.now()
    calls = HotlineCall.objects.filter(
        called_back_at__isnull=True, received_at__gte=now - CALLBACKS_DUE_SPAN
    ).select_related("incident", "case", "account")
    groups: dict = {}
    for call in calls.order_by("callback_due_at", "pk")[:CALLBACKS_DUE_LIMIT]:
        groups.setdefault(call.incident, []).append(call)
    return [
        {"incident": incident, "calls": [(c, c.callback_due_at < now) for c in group]}
        for incident, group in sorted(groups.items(), key=lambda g: g[0] is None)
    ]


@admin.register(HotlineCall)
class HotlineCallAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "company_name",
        "contact_person",
        "phone",
        "case_link",
        "callback",
        "recorded_by",
    ]
    list_select_related = ["case", "recorded_by"]
    search_fields = ["company_name", "contact_person", "email", "phone", "case__reference"]
    date_hierarchy = "received_at"
    inlines = [CallbackAttemptInline]
    readonly_fields = [
        "company_name",
        "contact_person",
        "phone",
        "email",
        "description",
        "account",
        "case",
        "case_created_at_intake",
        "recorded_by",
        "received_at",
        "callback_due_at",
        "callback_counts",
        "called_back_at",
        "reached_at",
        "next_attempt_due_at",
    ]

    def has_add_permission(self, request):
        return staff_access.may_record_hotline_call(request.user)

    def has_change_permission(self, request, obj=None):
        return False  # a call is a record: recorded once, never rewritten

    def has_delete_permission(self, request, obj=None):
        return False

    # The cells' markup is in templates: the admin shows what they render.
    @admin.display(description=gettext_lazy("support case"), ordering="case__reference")
    def case_link(self, obj):
        return render_to_string("admin/cases/hotlinecall/case_cell.html", {"call": obj})

    @admin.display(description=gettext_lazy("callback"), ordering="callback_due_at")
    def callback(self, obj):
        context = {
            "call": obj,
            "due": timezone.localtime(obj.callback_due_at).strftime("%H:%M"),
            "overdue": obj.callback_due_at < timezone.now(),
        }
        if obj.called_back_at:
            context["met"] = obj.called_back_at <= obj.callback_due_at
            context["called_back"] = timezone.localtime(obj.called_back_at).strftime("%H:%M")
        if obj.reached_at:
            context["reached"] = timezone.localtime(obj.reached_at).strftime("%H:%M")
        elif obj.next_attempt_due_at:
            context["next_attempt"] = timezone.localtime(obj.next_attempt_due_at).strftime("%H:%M")
            context["retry_overdue"] = obj.next_attempt_due_at < timezone.now()
        return render_to_string("admin/cases/hotlinecall/callback_cell.html", context)

    def changelist_view(self, request, extra_context=None):
        extra = {"callbacks_due": callbacks_due_by_incident(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def get_urls(self):
        return [
            path(
                "intake/",
                self.admin_site.admin_view(self.intake_view),
                name="cases_hotlinecall_intake",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            return self.intake_refused(request)
        return HttpResponseRedirect(reverse("admin:cases_hotlinecall_intake"))

    def intake_view(self, request):
        if not self.has_add_permission(request):
            return self.intake_refused(request)
        posted = request.method == "POST"
        recording = posted and "record" in request.POST
        # Finding the account needs none of the vital facts: the form is checked (and
        # its errors shown) only when the call is recorded.
        form = HotlineIntakeForm(
            request.POST if recording else None, initial=request.POST.dict() if posted else None
        )
        found = candidates(request.POST, timezone.now()) if posted else []
        target = request.POST.get("target", "")
        if recording and form.is_valid():
            account, case, refusal = link_target(target, found)
            if refusal:
                messages.error(request, refusal)
            else:
                try:
                    call = services.hotline_record_call(
                        recorded_by=request.user, account=account, case=case, **form.cleaned_data
                    )
                except CaseError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(
                        request,
                        _("Call recorded; the on-call agents are alerted. Callback due by %(due)s.")
                        % {"due": timezone.localtime(call.callback_due_at).strftime("%H:%M")},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:cases_hotlinecall_change", args=[call.pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Severity 1 hotline: record a call"),
            "opts": self.model._meta,
            "form": form,
            "candidates": found,
            "searched": posted,
            "target": target,
            "candidate_days": services.CANDIDATE_DAYS,
        }
        return TemplateResponse(request, "admin/cases/hotlinecall/intake.html", context)

    def intake_refused(self, request):
        """Staff without the hotline role are told who records calls, not shown a bare
        refusal: agents come here looking for the caller's case."""
        context = {
            **self.admin_site.each_context(request),
            "title": _("Severity 1 hotline: record a call"),
            "opts": self.model._meta,
            "may_view_calls": self.has_view_permission(request),
        }
        return TemplateResponse(
            request, "admin/cases/hotlinecall/intake_refused.html", context, status=403
        )
