"""Staff admin of the TAM's programme: TAMs edit the plans, sessions and notes of their own
accounts; managers of every account; agents record remediation steps."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Account

from .. import staff_access
from ..models import (
    DailyActual,
    MigrationPhase,
    NextStep,
    PlanningSession,
    RemediationRequest,
    RemediationStep,
    SendingIP,
    TrendNote,
    WarmupPlan,
)
from . import services, warmup
from .forms import ActualsUploadForm
from .selectors import plan_progress
from .texts import PLAN_ERRORS, csv_sentence


class _OwnAccountsAdmin(admin.ModelAdmin):
    """A TAM sees and changes only their own accounts' rows (deliverability/staff_access.py);
    other roles per their permissions."""

    account_path = "account"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return staff_access.programme_visible(request.user, qs, self.account_path)

    def _account_of(self, obj):
        if obj is None:
            return None
        for part in self.account_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def has_add_permission(self, request):
        return staff_access.programme_permission(request.user, "add", self.model)

    def has_change_permission(self, request, obj=None):
        account = self._account_of(obj)
        return staff_access.programme_permission(request.user, "change", self.model, account)

    def has_delete_permission(self, request, obj=None):
        account = self._account_of(obj)
        return staff_access.programme_permission(request.user, "delete", self.model, account)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Account:
            kwargs["queryset"] = staff_access.programme_accounts(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Account:
            kwargs["queryset"] = staff_access.programme_accounts(request.user)
        elif db_field.related_model is SendingIP:
            kwargs["queryset"] = staff_access.programme_ips(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class WarmupPlanForm(forms.ModelForm):
    class Meta:
        model = WarmupPlan
        fields = [
            "account",
            "name",
            "ips",
            "target_daily_volume",
            "start_date",
            "share_gmail",
            "share_microsoft",
            "share_yahoo",
            "share_apple",
            "share_others",
            "start_per_ip",
            "growth",
        ]

    def clean(self):
        data = super().clean()
        account, ips = data.get("account"), data.get("ips")
        if account and ips is not None:
            foreign = [ip.address for ip in ips if ip.account_id != account.pk]
            if foreign:
                self.add_error(
                    "ips",
                    _("%(ips)s belong to another account.") % {"ips": ", ".join(foreign)},
                )
        if self.errors:
            return data
        plan = WarmupPlan(**{k: v for k, v in data.items() if k not in ("ips",)})
        try:
            warmup.warmup_schedule(plan.warmup_input(max(len(ips or ()), 1)))
        except warmup.PlanError as exc:
            field = exc.field if exc.field in self.fields else None
            if exc.field == "provider_shares":
                field = "share_gmail"
            raise ValidationError({field: PLAN_ERRORS.get(exc.code, str(exc))}) from None
        return data


class MigrationPhaseInline(admin.TabularInline):
    model = MigrationPhase
    extra = 0


class DailyActualInline(admin.TabularInline):
    model = DailyActual
    extra = 1


@admin.register(WarmupPlan)
class WarmupPlanAdmin(_OwnAccountsAdmin):
    form = WarmupPlanForm
    list_display = ["name", "account", "start_date", "target_daily_volume", "upload_link"]
    list_filter = ["account"]
    list_select_related = ["account"]
    search_fields = ["name", "account__name"]
    filter_horizontal = ["ips"]
    inlines = [MigrationPhaseInline, DailyActualInline]
    readonly_fields = ["created_by", "upload_link"]

    @admin.display(description=gettext_lazy("daily actuals"))
    def upload_link(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        url = reverse("admin:deliverability_warmupplan_upload", args=[obj.pk])
        return render_to_string(
            "admin/deliverability/_link.html", {"url": url, "text": _("upload CSV")}
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Phases are checked against the schedule once the IPs and phases are saved.
        progress = plan_progress(form.instance)
        error = progress.error or progress.migration_error
        if error is None and progress.migration is not None:
            error = progress.migration.capacity_error()
        if error is not None:
            sentence = PLAN_ERRORS.get(error.code, str(error))
            if error.phase:
                sentence = _("Phase %(number)s: %(sentence)s") % {
                    "number": error.phase,
                    "sentence": sentence,
                }
            messages.warning(request, f"{sentence} ({error})")

    def get_urls(self):
        return [
            path(
                "<int:pk>/upload/",
                self.admin_site.admin_view(self.upload_view),
                name="deliverability_warmupplan_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request, pk):
        plan = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, plan):
            raise PermissionDenied
        form = ActualsUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                count = services.actuals_import(plan=plan, text=form.cleaned_data["csv"])
            except services.ActualsRejected as exc:
                errors = [
                    {
                        "line": e.line,
                        "field": e.field,
                        "sentence": csv_sentence(e),
                    }
                    for e in exc.errors
                ]
            else:
                messages.success(request, _("%(count)s daily actuals imported.") % {"count": count})
                return redirect("admin:deliverability_warmupplan_change", plan.pk)
        return render(
            request,
            "admin/deliverability/actuals_upload.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Upload daily actuals for %(plan)s") % {"plan": plan},
                "plan": plan,
                "form": form,
                "errors": errors,
                "opts": self.model._meta,
            },
        )


class RemediationStepInline(admin.TabularInline):
    model = RemediationStep
    extra = 1
    fields = ["kind", "on", "channel", "provider_reference", "outcome", "text", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def has_change_permission(self, request, obj=None):
        return False  # steps are a record: add, never rewrite

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RemediationRequest)
class RemediationRequestAdmin(_OwnAccountsAdmin):
    list_display = ["__str__", "account", "provider", "status", "first_seen", "created_at"]
    list_filter = ["status", "provider"]
    list_select_related = ["account", "case"]
    search_fields = ["case__reference", "account__name", "affected_ips", "from_domain"]
    readonly_fields = [
        "case",
        "account",
        "listing",
        "bounce_rule",
        "status",
        "tier2_reason",
        # the customer's own confirmation of the best-practice checklist
        "authentication_in_place",
        "one_click_unsubscribe",
        "complaint_rate_ok",
        "warmup_followed",
    ]
    inlines = [RemediationStepInline]

    def get_queryset(self, request):
        # Every remediation request is read (oversight), as the cases they belong to.
        return admin.ModelAdmin.get_queryset(self, request)

    def has_change_permission(self, request, obj=None):
        # Recording steps: agents and managers on every account, a TAM on their own.
        account = self._account_of(obj)
        return staff_access.remediation_permission(request.user, "change", self.model, account)

    def has_add_permission(self, request):
        return False  # customers file requests through the portal

    def has_delete_permission(self, request, obj=None):
        return False  # a request and its steps are a record of what was done

    def save_formset(self, request, form, formset, change):
        if formset.model is not RemediationStep:
            return super().save_formset(request, form, formset, change)
        for step_form in formset.forms:
            if not step_form.has_changed() or step_form.instance.pk:
                continue
            data = step_form.cleaned_data
            try:
                services.remediation_step_record(
                    request=form.instance,
                    kind=data["kind"],
                    on=data["on"],
                    recorded_by=request.user,
                    channel=data.get("channel", ""),
                    provider_reference=data.get("provider_reference", ""),
                    outcome=data.get("outcome", ""),
                    text=data.get("text", ""),
                )
            except services.RemediationRefused as exc:
                messages.error(request, str(exc))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class NextStepInline(admin.TabularInline):
    model = NextStep
    extra = 1
    readonly_fields = ["reminded_at"]


@admin.register(PlanningSession)
class PlanningSessionAdmin(_OwnAccountsAdmin):
    list_display = ["topic", "account", "held_on"]
    list_filter = ["topic", "account"]
    list_select_related = ["account"]
    inlines = [NextStepInline]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(TrendNote)
class TrendNoteAdmin(admin.ModelAdmin):
    list_display = ["title", "author", "published_on"]
    filter_horizontal = ["accounts"]
    readonly_fields = ["author"]

    def get_queryset(self, request):
        return staff_access.trend_notes_visible(request.user, super().get_queryset(request))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model is Account:
            kwargs["queryset"] = staff_access.programme_accounts(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
