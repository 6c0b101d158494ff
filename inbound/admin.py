"""Staff view of inbound mail: the quarantine with each message's reason, the raw
message and the full original text, and the actions open a case, attach to a case,
discard (each recorded with who and when)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.admin import CaseAdmin
from cases.models import Case

from . import quarantine, selectors
from .models import AccessReply, InboundMessage, MailboxStatus, Outcome

RAW_PREVIEW_LIMIT = 200_000
TEXT_BLOCK = "admin/inbound/_text_block.html"


class SettleForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Support case"), required=False, help_text=_("For “attach to a case”: EE-000123.")
    )
    contact_email = forms.EmailField(
        label=_("Contact"),
        required=False,
        help_text=_("The customer contact to file or post it for; empty: the sender."),
    )

    def clean_case_reference(self):
        reference = self.cleaned_data["case_reference"].strip().upper()
        if not reference:
            return None
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(_("No support case has this reference."))
        return case

    def clean_contact_email(self):
        email = self.cleaned_data["contact_email"].strip()
        if not email:
            return None
        user = (
            get_user_model()
            .objects.select_related("contact__account")
            .filter(email__iexact=email)
            .first()
        )
        if user is None or getattr(user, "contact", None) is None:
            raise forms.ValidationError(_("No customer contact has this address."))
        return user


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = (
        "received_at",
        "from_address",
        "sender_verified",
        "short_subject",
        "outcome",
        "short_reason",
        "case_link",
        "times_received",
    )
    list_filter = (
        "outcome",
        "verdict",
        "received_via",
        "dmarc",
        ("reused_message_id_of", admin.EmptyFieldListFilter),
    )
    search_fields = ("from_address", "subject", "message_id", "case__reference")
    list_select_related = ("case",)
    date_hierarchy = "received_at"
    actions = ["discard_selected"]
    change_form_template = "admin/inbound/inboundmessage/change_form.html"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "outcome",
                    "reason",
                    "case",
                    "case_message",
                    ("failed_recipient", "delivery_status"),
                    "diagnostic_code",
                    "settled_by",
                    "settled_at",
                )
            },
        ),
        (
            _("Message"),
            {
                "fields": (
                    "from_name",
                    "from_address",
                    "subject",
                    "sent_at",
                    "message_id",
                    "received_at",
                    "received_via",
                    "times_received",
                    "last_received_at",
                    "size",
                    "verdict",
                    "sender_check",
                    ("spf", "dkim", "dmarc"),
                    "reused_message_id",
                    "attachment_notes",
                )
            },
        ),
        (_("Text"), {"fields": ("reply_text_block", "full_text_block")}),
        (_("Raw message"), {"fields": ("raw_message", "raw_purged_at")}),
    )

    def get_readonly_fields(self, request, obj=None):
        hidden = ("id", "raw", "reused_message_id_of")
        return [f.name for f in self.model._meta.fields if f.name not in hidden] + [
            "reply_text_block",
            "full_text_block",
            "raw_message",
            "sender_check",
            "reused_message_id",
        ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        return super().get_queryset(request).defer("full_text", "reply_text")

    @admin.display(description=_("subject"), ordering="subject")
    def short_subject(self, obj):
        return truncatechars(obj.subject, 60)

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return truncatechars(obj.reason, 90)

    @admin.display(description=_("support case"), ordering="case__reference")
    def case_link(self, obj):
        if obj.case_id is None:
            return "—"
        return render_to_string(
            "admin/inbound/_link.html",
            {
                "url": reverse("admin:cases_case_change", args=[obj.case_id]),
                "text": obj.case.reference,
            },
        )

    @admin.display(description=_("sender verified"), boolean=True)
    def sender_verified(self, obj):
        return obj.sender_verified

    @admin.display(description=_("sender"))
    def sender_check(self, obj):
        if obj.sender_verified:
            return gettext("Verified: DMARC passed for the From address.")
        text = gettext("Sender not verified (DMARC: %(result)s).") % {
            "result": obj.dmarc or gettext("no result")
        }
        return render_to_string("admin/inbound/_sender_not_verified.html", {"text": text})

    @admin.display(description=_("Message-ID used before"))
    def reused_message_id(self, obj):
        if obj.reused_message_id_of_id is None:
            return "—"
        earlier = obj.reused_message_id_of_id
        return render_to_string(
            "admin/inbound/_reused_message_id.html",
            {
                "text": gettext("Another message used this Message-ID before:"),
                "url": reverse("admin:inbound_inboundmessage_change", args=[earlier]),
                "pk": earlier,
            },
        )

    @admin.display(description=_("reply as posted"))
    def reply_text_block(self, obj):
        return render_to_string(TEXT_BLOCK, {"text": obj.reply_text})

    @admin.display(description=_("full original text"))
    def full_text_block(self, obj):
        return render_to_string(TEXT_BLOCK, {"text": obj.full_text})

    @admin.display(description=_("raw message"))
    def raw_message(self, obj):
        if not obj.raw:
            return gettext("Deleted after the retention period.")
        raw = obj.raw_bytes(limit=RAW_PREVIEW_LIMIT)
        if raw is None:
            return gettext("Missing from the file storage.")
        note = None
        if obj.outcome == Outcome.TOO_LARGE:
            note = gettext("Too large to read: only its header section is kept.")
        text = raw.decode("utf-8", "replace")
        return render_to_string(TEXT_BLOCK, {"text": text, "note": note, "scroll": True})

    @admin.action(
        description=_("Discard the selected quarantined messages"), permissions=["change"]
    )
    def discard_selected(self, request, queryset):
        done = 0
        for pk in queryset.filter(outcome=Outcome.QUARANTINED).values_list("pk", flat=True):
            try:
                quarantine.quarantine_discard(inbound=pk, actor=request.user)
                done += 1
            except quarantine.InboundError:
                continue
        self.message_user(request, gettext("%(count)d messages discarded.") % {"count": done})

    # --- settling one quarantined message ---------------------------------------

    def get_urls(self):
        mine = [
            path(
                "<int:pk>/settle/<str:action>/",
                self.admin_site.admin_view(require_POST(self.settle_view)),
                name="inbound_inboundmessage_settle",
            )
        ]
        return mine + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        extra_context.update(
            {
                "show_save": False,
                "show_save_and_continue": False,
                "show_save_and_add_another": False,
            }
        )
        if obj is not None and obj.is_quarantined and self.has_change_permission(request, obj):
            extra_context["settle_form"] = SettleForm()
            extra_context["settle_urls"] = {
                name: reverse("admin:inbound_inboundmessage_settle", args=[obj.pk, name])
                for name in ("open", "attach", "discard")
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def settle_view(self, request, pk, action):
        row = get_object_or_404(InboundMessage, pk=pk)
        if not self.has_change_permission(request, row):
            raise PermissionDenied
        back = reverse("admin:inbound_inboundmessage_change", args=[pk])
        form = SettleForm(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else field
                self.message_user(request, f"{label}: {' '.join(errors)}", messages.ERROR)
            return HttpResponseRedirect(back)
        contact = form.cleaned_data["contact_email"]
        case = form.cleaned_data["case_reference"]
        try:
            if action == "open":
                case = quarantine.quarantine_open_case(
                    inbound=row, actor=request.user, requester=contact
                )
                done = gettext("Case %(reference)s opened.") % {"reference": case.reference}
            elif action == "attach":
                if case is None:
                    raise quarantine.InboundError(gettext("Support case: enter its reference."))
                quarantine.quarantine_attach(
                    inbound=row, actor=request.user, case=case, author=contact
                )
                done = gettext("Posted on case %(reference)s.") % {"reference": case.reference}
            elif action == "discard":
                quarantine.quarantine_discard(inbound=row, actor=request.user)
                done = gettext("Message discarded.")
            else:
                raise quarantine.InboundError(gettext("Unknown action."))
        except quarantine.InboundError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(back)


class DeliveryFailureInline(admin.TabularInline):
    """On a case's admin page: the bounces of our notifications about the case (who did
    not get the mail, the status and the receiving server's diagnostic, when)."""

    model = InboundMessage
    fk_name = "case"
    verbose_name = _("delivery failure")
    verbose_name_plural = _("Delivery failures")
    fields = ("received_at", "recipient", "status", "diagnostic", "report")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(outcome=Outcome.DELIVERY_FAILURE)
            .only(
                "pk",
                "case",
                "received_at",
                "failed_recipient",
                "delivery_status",
                "diagnostic_code",
                "reason",
            )
            .order_by("-received_at", "-id")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("failed recipient"))
    def recipient(self, obj):
        return obj.failed_recipient or "—"

    @admin.display(description=_("delivery status"))
    def status(self, obj):
        return obj.delivery_status or "—"

    @admin.display(description=_("diagnostic"))
    def diagnostic(self, obj):
        # Rows stored before the report's details had their own columns: the reason.
        return truncatechars(obj.diagnostic_code or obj.reason, 300)

    @admin.display(description=_("report"))
    def report(self, obj):
        return render_to_string(
            "admin/inbound/_link.html",
            {
                "url": reverse("admin:inbound_inboundmessage_change", args=[obj.pk]),
                "text": gettext("the delivery report"),
            },
        )


class CaseWithMailAdmin(CaseAdmin):
    """The case page with what inbound mail adds to it: the bounces of our notifications
    about the case, and beside the description and each message that came by mail, a
    mark when its sender is not verified or its Message-ID was used before."""

    change_form_template = "admin/inbound/case_change_form.html"
    inlines = [*CaseAdmin.inlines, DeliveryFailureInline]

    def case_page_context(self, request, case, draft) -> dict:
        context = super().case_page_context(request, case, draft)
        case_messages = [e.item for e in context["timeline"] if e.kind == "message"]
        opening, by_message = selectors.case_page_mail(case, [m.pk for m in case_messages])
        for message in case_messages:
            message.mail = by_message.get(message.pk)
        context["opening_mail"] = opening
        return context


admin.site.unregister(Case)
admin.site.register(Case, CaseWithMailAdmin)


@admin.register(AccessReply)
class AccessReplyAdmin(admin.ModelAdmin):
    list_display = ("address", "kind", "sent_at", "inbound")
    list_select_related = ("inbound",)
    search_fields = ("address",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MailboxStatus)
class MailboxStatusAdmin(admin.ModelAdmin):
    list_display = ("name", "failures", "failing_since", "last_error", "last_success_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
