"""The Severity 1 hotline in the admin: a quick intake page for customer service
representatives, and the list of calls with their callback verdicts."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account

from . import critical
from .forms import HotlineIntakeForm
from .models import CallbackAttempt, Case, HotlineCall
from .services import CaseError


class CallbackAttemptInline(admin.TabularInline):
    model = CallbackAttempt
    extra = 0
    fields = ["at", "outcome", "agent", "notes"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def candidates(data: dict) -> list[dict]:
    """Accounts matching the caller's company, email or phone, each with its open
    critical cases (the one to link is proposed first)."""
    found: dict[int, Account] = {}
    for key in ("company_name", "email", "phone"):
        for account in critical.accounts_matching(data.get(key) or ""):
            found.setdefault(account.pk, account)
    return [
        {"account": account, "cases": list(critical.open_critical_cases(account)[:5])}
        for account in sorted(found.values(), key=lambda a: a.name)
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
        "called_back_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("support case"), ordering="case__reference")
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        url = reverse("admin:cases_case_change", args=[obj.case_id])
        return format_html('<a href="{}">{}</a>', url, obj.case.reference)

    @admin.display(description=gettext_lazy("callback"), ordering="callback_due_at")
    def callback(self, obj):
        due = timezone.localtime(obj.callback_due_at).strftime("%H:%M")
        if obj.called_back_at:
            met = obj.called_back_at <= obj.callback_due_at
            return format_html(
                '<span class="{}">{} {}</span>',
                "callback-met" if met else "callback-late",
                _("called back at"),
                timezone.localtime(obj.called_back_at).strftime("%H:%M"),
            )
        if obj.callback_due_at < timezone.now():
            return format_html(
                '<strong class="due-badge overdue">{} {}</strong>',
                _("OVERDUE"),
                due,
            )
        return format_html("{} {}", _("due by"), due)

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
        return HttpResponseRedirect(reverse("admin:cases_hotlinecall_intake"))

    def intake_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = HotlineIntakeForm(request.POST or None)
        found = candidates(request.POST) if request.method == "POST" else []
        target = request.POST.get("target", "")
        if request.method == "POST" and "record" in request.POST and form.is_valid():
            account = case = None
            kind, _sep, pk = target.partition(":")
            valid = target in ("", "none") or (kind in ("case", "account") and pk.isdigit())
            if valid and kind == "case":
                case = Case.objects.filter(pk=pk).first()
            elif valid and kind == "account":
                account = Account.objects.filter(pk=pk).first()
            if not valid or (found and case is None and account is None and target != "none"):
                messages.error(request, _("Choose the caller's case or account below."))
            else:
                try:
                    call = critical.hotline_record_call(
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
            "searched": request.method == "POST",
            "target": target,
        }
        return TemplateResponse(request, "admin/cases/hotlinecall/intake.html", context)
