"""Staff pages of the availability probes: the probes (configured here), their results
and the outages found in them, both read-only."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Component
from core.admin_records import RecordAdmin

from .models import Outage, Probe, ProbeResult
from .services import incident_admin_path

RECENT_RESULTS = 20
TIMEOUT_RANGE = (1, 50)  # every probe runs once a minute


class ProbeForm(forms.ModelForm):
    url = forms.URLField(
        label=Probe._meta.get_field("url").verbose_name,
        max_length=500,
        required=False,
        assume_scheme="https",
    )
    # Write-only: the stored password is never put back into the page.
    password = forms.CharField(
        label=_("probe credential: password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again. Leave it empty to keep the stored password."),
    )
    forget_password = forms.BooleanField(
        label=_("remove the stored password"), required=False, initial=False
    )

    class Meta:
        model = Probe
        fields = [
            "name",
            "component",
            "region",
            "enabled",
            "timeout_seconds",
            "method",
            "url",
            "expected_status",
            "host",
            "port",
            "starttls",
            "username",
            "password",
            "mail_from",
            "rcpt_to",
        ]

    def clean(self):
        data = super().clean()
        component = data.get("component", self.instance.component)
        if component == Component.API:
            self._clean_api(data)
        elif component == Component.SMTP:
            self._clean_smtp(data)
        timeout = data.get("timeout_seconds")
        low, high = TIMEOUT_RANGE
        if timeout is not None and not low <= timeout <= high:
            self.add_error(
                "timeout_seconds",
                _(
                    "The timeout must be from %(low)s to %(high)s seconds: every probe runs "
                    "once a minute."
                )
                % {"low": low, "high": high},
            )
        return data

    def _clean_api(self, data):
        url = data.get("url")
        if not url and "url" not in self.errors:
            self.add_error("url", _("A REST API probe needs the URL it requests."))
        elif url and urlsplit(url).scheme not in ("http", "https"):
            self.add_error("url", _("The URL must start with https:// or http://."))

    def _clean_smtp(self, data):
        if not data.get("host"):
            self.add_error("host", _("An SMTP injection probe needs the host it injects to."))
        if not data.get("rcpt_to") and "rcpt_to" not in self.errors:
            self.add_error(
                "rcpt_to",
                _("An SMTP injection probe needs the sink address its messages go to."),
            )
        if data.get("forget_password"):
            data["password"] = ""
        elif not data.get("password"):
            data["password"] = self.instance.password
        if data["password"] and not data.get("username"):
            self.add_error("username", _("A password needs the user name it belongs to."))


GENERAL = (None, {"fields": ["name", "component", "region", "enabled", "timeout_seconds"]})
API_FIELDS = ["method", "url", "expected_status"]
SMTP_FIELDS = [
    "host",
    "port",
    "starttls",
    "username",
    "password",
    "forget_password",
    "mail_from",
    "rcpt_to",
]


def _latest(field: str):
    latest = ProbeResult.objects.filter(probe=OuterRef("pk")).order_by("-at")
    return Subquery(latest.values(field)[:1])


@admin.register(Probe)
class ProbeAdmin(admin.ModelAdmin):
    form = ProbeForm
    list_display = ["name", "component", "region", "enabled", "status", "latest_result"]
    list_filter = ["component", "region", "enabled"]
    search_fields = ["name", "url", "host"]
    list_select_related = ["region"]

    def get_queryset(self, request):
        open_outage = Outage.objects.alias(place=Coalesce("region", Value(0))).filter(
            component=OuterRef("component"),
            place=Coalesce(OuterRef("region"), Value(0)),
            ended_at__isnull=True,
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_at=_latest("at"),
                latest_ok=_latest("ok"),
                latest_server_side=_latest("server_side"),
                latest_code=_latest("code"),
                latest_latency=_latest("latency_ms"),
                unavailable_since=Subquery(open_outage.values("started_at")[:1]),
            )
        )

    def get_fieldsets(self, request, obj=None):
        api = (_("REST API probe"), {"fields": API_FIELDS})
        smtp = (_("SMTP injection probe"), {"fields": SMTP_FIELDS})
        if obj is None:
            api[1]["description"] = _("For a REST API probe only.")
            smtp[1]["description"] = _("For an SMTP injection probe only.")
            return [GENERAL, api, smtp]
        recent = (_("Recent results"), {"fields": ["recent_results"]})
        return [GENERAL, api if obj.component == Component.API else smtp, recent]

    def get_readonly_fields(self, request, obj=None):
        # A probe's record belongs to its component: a different one is a new probe.
        return ["component", "recent_results"] if obj is not None else []

    @admin.display(description=_("status"))
    def status(self, obj):
        if obj.unavailable_since is not None:
            since = timezone.localtime(obj.unavailable_since).strftime("%Y-%m-%d %H:%M")
            return _("Unavailable since %(since)s") % {"since": since}
        if not obj.enabled:
            # Its last result is history: a disabled probe measures nothing now.
            return _("Disabled: not run")
        return result_label(obj.latest_ok, obj.latest_server_side)

    @admin.display(description=_("latest result"), ordering="latest_at")
    def latest_result(self, obj):
        if obj.latest_at is None:
            return "–"
        parts = [timezone.localtime(obj.latest_at).strftime("%Y-%m-%d %H:%M")]
        if obj.latest_code is not None:
            parts.append(str(obj.latest_code))
        if obj.latest_latency is not None:
            parts.append(f"{obj.latest_latency} ms")
        return " · ".join(parts)

    @admin.display(description=_("recent results"))
    def recent_results(self, obj):
        results = obj.results.order_by("-at")[:RECENT_RESULTS]
        return render_to_string(
            "admin/availability/probe/_recent_results.html",
            {"results": [(r, result_label(r.ok, r.server_side)) for r in results]},
        )


def result_label(ok: bool | None, server_side: bool | None) -> str:
    if ok is None:
        return _("No result yet")
    if ok:
        return _("Succeeded")
    if server_side:
        return _("Failed: server-side")
    return _("Failed: not server-side")


@admin.register(ProbeResult)
class ProbeResultAdmin(RecordAdmin):
    list_display = ["at", "probe", "outcome", "code", "latency_ms", "reply"]
    list_filter = ["probe__component", "probe__region", "ok", "server_side", "probe"]
    list_select_related = ["probe"]
    date_hierarchy = "at"
    fields = ["probe", "at", "ok", "server_side", "code", "latency_ms", "reply"]

    @admin.display(description=_("outcome"))
    def outcome(self, obj):
        return result_label(obj.ok, obj.server_side)


@admin.register(Outage)
class OutageAdmin(RecordAdmin):
    list_display = ["started_at", "ended_at", "component", "region", "duration", "incident_link"]
    list_filter = ["component", "region"]
    list_select_related = ["region", "incident"]
    date_hierarchy = "started_at"
    fields = ["component", "region", "started_at", "ended_at", "duration", "incident_link"]
    readonly_fields = ["duration", "incident_link"]

    @admin.display(description=_("duration"))
    def duration(self, obj):
        if obj.ended_at is None:
            return _("ongoing")
        minutes = round((obj.ended_at - obj.started_at).total_seconds() / 60)
        return _("%(minutes)s min") % {"minutes": minutes}

    @admin.display(description=_("platform incident"))
    def incident_link(self, obj):
        if obj.incident is None:
            return "–"
        return render_to_string(
            "admin/availability/_link.html",
            {"url": incident_admin_path(obj.incident_id), "text": str(obj.incident)},
        )
