"""Platform incidents in the admin: the list with linked case counts, the declare page,
and an incident's page with its timeline and actions (publish a draft, link candidates
in bulk, unlink, post an update, resolve), each of which calls one service.

Agents and Support Managers act; TAMs read, and see only their accounts' cases among
the linked ones (cases/staff_access.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import services, staff_access
from ..incident_forms import (
    IncidentDeclareForm,
    IncidentDismissForm,
    IncidentResolveForm,
    IncidentTextsForm,
    IncidentUpdateForm,
    LinkCasesForm,
)
from ..models import OPEN_STATUSES, Case, Incident, IncidentStatus
from ..services import CaseError


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = [
        "reference_cell",
        "title",
        "status",
        "scope",
        "region",
        "severity",
        "started_at",
        "linked_cases",
        "open_cases",
        "next_update_due_at",
    ]
    list_display_links = ["reference_cell", "title"]
    list_filter = ["status", "scope", "severity"]
    list_select_related = ["region"]
    search_fields = ["title", "title_nl"]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        # The counts are columns of the list's one query, whatever the number of rows.
        return (
            super()
            .get_queryset(request)
            .annotate(
                linked_count=Count("cases"),
                open_count=Count("cases", filter=Q(cases__status__in=OPEN_STATUSES)),
            )
        )

    @admin.display(description=gettext_lazy("reference"), ordering="pk")
    def reference_cell(self, obj):
        return obj.reference

    @admin.display(description=gettext_lazy("linked cases"), ordering="linked_count")
    def linked_cases(self, obj):
        return obj.linked_count

    @admin.display(description=gettext_lazy("open linked cases"), ordering="open_count")
    def open_cases(self, obj):
        return obj.open_count

    def has_view_permission(self, request, obj=None):
        return staff_access.may_read_incidents(request.user)

    def has_add_permission(self, request):
        return staff_access.may_work_incidents(request.user)

    def has_change_permission(self, request, obj=None):
        return staff_access.may_work_incidents(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # an incident is a record: it is resolved, never deleted

    # --- the declare page ---------------------------------------------------------

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IncidentDeclareForm(request.POST or None, initial={"started_at": _minute()})
        if request.method == "POST" and form.is_valid():
            try:
                incident = services.incident_declare(actor=request.user, **form.cleaned_data)
            except CaseError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(reference)s declared: customers of the affected accounts see it.")
                    % {"reference": incident.reference},
                )
                return HttpResponseRedirect(_page(incident))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Declare a platform incident"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/cases/incident/declare.html", context)

    # --- an incident's page ---------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        incident = get_object_or_404(Incident.objects.select_related("region"), pk=object_id)
        may_work = staff_access.may_work_incidents(request.user)
        posted = request.POST if request.method == "POST" else None
        if posted is not None and not may_work:
            raise PermissionDenied
        action = posted.get("action", "") if posted else ""
        forms = _forms(incident, posted, action)
        if (action in forms and forms[action].is_valid()) or action == "unlink":
            try:
                done = _run(action, incident, request.user, forms.get(action), posted)
            except CaseError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, done)
                return HttpResponseRedirect(_page(incident))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{incident.reference} {incident.title}",
            "opts": self.model._meta,
            "incident": incident,
            "may_work": may_work,
            "forms": forms,
            "linked": _linked(incident),
            "timeline": _timeline(incident),
            "candidates": forms["link"].fields["cases"].queryset if "link" in forms else [],
            "failed_action": action,
        }
        return TemplateResponse(request, "admin/cases/incident/page.html", context)


def _minute():
    return timezone.localtime().replace(second=0, microsecond=0)


def _page(incident: Incident) -> str:
    return reverse("admin:cases_incident_change", args=[incident.pk])


def _forms(incident: Incident, posted, action: str) -> dict:
    """The forms the incident's state offers, the one posted bound to its data."""

    def bound(name):
        return posted if action == name else None

    forms = {}
    if incident.status == IncidentStatus.DRAFT:
        forms["publish"] = IncidentTextsForm(
            bound("publish"),
            initial={f: getattr(incident, f) for f in ("title", "title_nl", "text", "text_nl")},
        )
        forms["dismiss"] = IncidentDismissForm(bound("dismiss"))
    if incident.status == IncidentStatus.ACTIVE:
        latest = incident.updates.order_by("-pk").values_list("pk", flat=True).first()
        forms["update"] = IncidentUpdateForm(
            bound("update"),
            initial={
                "after_update": latest or 0,
                "expected_resolution_at": incident.expected_resolution_at,
            },
        )
        forms["resolve"] = IncidentResolveForm(bound("resolve"))
        link = LinkCasesForm(bound("link"))
        if action == "link":
            # Validated against every open case: the service says why one is refused.
            link.fields["cases"].queryset = Case.objects.filter(status__in=OPEN_STATUSES)
        else:
            link.fields["cases"].queryset = services.link_candidates(incident)
        forms["link"] = link
    return forms


def _run(action: str, incident: Incident, user, form, posted) -> str:
    data = form.cleaned_data if form is not None else {}
    if action == "publish":
        services.incident_publish(incident=incident, actor=user, **data)
        return _("%(reference)s published: customers of the affected accounts see it.") % {
            "reference": incident.reference
        }
    if action == "dismiss":
        services.incident_dismiss(incident=incident, actor=user, **data)
        return _("%(reference)s dismissed: customers never saw it.") % {
            "reference": incident.reference
        }
    if action == "link":
        linked = services.incident_link_cases(incident=incident, cases=data["cases"], actor=user)
        return _("Linked: %(cases)s.") % {
            "cases": ", ".join(c.reference for c in linked) or _("nothing new")
        }
    if action == "unlink":
        case = Case.objects.filter(pk=_int(posted.get("case")), incident=incident).first()
        if case is None:
            raise CaseError(
                _("That case is not linked to %(reference)s.") % {"reference": incident.reference}
            )
        services.incident_unlink_case(incident=incident, case=case, actor=user)
        return _("Case %(reference)s unlinked.") % {"reference": case.reference}
    if action == "update":
        services.incident_post_update(incident=incident, actor=user, **data)
        count = incident.cases.filter(status__in=OPEN_STATUSES).count()
        return _("Update posted to %(count)s linked open cases and mailed once per contact.") % {
            "count": count
        }
    services.incident_resolve(incident=incident, actor=user, **data)
    return _(
        "%(reference)s resolved: resolution is proposed on every linked open case; each "
        "customer answers on their own case."
    ) % {"reference": incident.reference}


def _int(value) -> int:
    value = value or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else 0


def _linked(incident: Incident) -> list[Case]:
    cases = Case.objects.filter(incident=incident).select_related("account", "requester")
    return list(cases.order_by("-opened_at", "-pk"))


def _timeline(incident: Incident) -> list:
    """The incident's events, each update posted with its text."""
    updates = {u.pk: u for u in incident.updates.select_related("posted_by")}
    events = list(incident.events.select_related("actor"))
    for event in events:
        event.update = updates.get(event.data.get("update"))
    return events
