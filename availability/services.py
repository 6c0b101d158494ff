"""Every change of state of the availability record: probe runs and their results, the
contract's rule applied to them (`rule.py`), outages, and the draft platform incident
and on-call alert an outage opens, the recovery that ends it.

Exactly once: a result is unique per probe and scheduled minute, an open outage per
component and region (database constraints); a task that runs twice, on two workers at
once or redelivered, records one result, opens one outage and alerts once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.alerts import Alert
from accounts.models import Region
from accounts.selectors import on_call_staff
from accounts.services import alert_staff
from cases import services as incidents
from cases.models import (
    Component,
    Incident,
    IncidentEvent,
    IncidentStatus,
)
from core import outbox

from . import probing, rule
from .models import Outage, Probe, ProbeResult

# A run delivered later than this after its minute would measure another moment than
# the one it is recorded for; it is skipped (the next minute's run measures).
STALE_AFTER = timedelta(minutes=2)
MINUTE = timedelta(minutes=1)
# How far back the rule looks for the start of a streak of failures.
LOOKBACK = timedelta(days=7)


def window() -> timedelta:
    return timedelta(minutes=settings.AVAILABILITY_WINDOW_MINUTES)


# --- runs and results --------------------------------------------------------------


def schedule_runs(*, now: datetime | None = None) -> int:
    """Celery beat, every minute: one run task per enabled probe for this minute, so a
    hanging endpoint delays only its own probe; and an evaluation of every place with an
    open outage, so one whose probes were disabled, deleted or moved away (no result
    queues its evaluation any more) is ended too. Returns how many runs were queued."""
    now = now or timezone.now()
    minute = rule.minute_of(now)
    with transaction.atomic():
        ids = list(Probe.objects.filter(enabled=True).order_by("pk").values_list("pk", flat=True))
        for probe_id in ids:
            outbox.enqueue("availability.run_probe", probe_id, minute.isoformat())
        places = Outage.objects.filter(ended_at__isnull=True).values_list("component", "region_id")
        for component, region_id in places.order_by("pk"):
            outbox.enqueue("availability.evaluate", component, region_id, now.isoformat())
    return len(ids)


def probe_run(*, probe_id: int, at: datetime, now: datetime | None = None) -> ProbeResult | None:
    """Run the probe for the minute `at` and record its result; None when there is
    nothing to do (disabled, recorded already, or the minute long past)."""
    now = now or timezone.now()
    probe = Probe.objects.filter(pk=probe_id, enabled=True).first()
    if probe is None or now - at > STALE_AFTER:
        return None
    if ProbeResult.objects.filter(probe=probe, at=at).exists():
        return None
    return result_record(probe=probe, at=at, outcome=run(probe))


def run(probe: Probe) -> rule.Outcome:
    """The probe's request or injection, now. Never raises."""
    if probe.component == Component.API:
        return probing.probe_http(
            method=probe.method,
            url=probe.url,
            expected_status=probe.expected_status,
            timeout=probe.timeout_seconds,
        )
    return probing.probe_smtp(
        host=probe.host,
        port=probe.port,
        starttls=probe.starttls,
        username=probe.username,
        password=probe.password,
        mail_from=probe.mail_from,
        rcpt_to=probe.rcpt_to,
        timeout=probe.timeout_seconds,
        helo_name=urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost",
    )


def result_record(*, probe: Probe, at: datetime, outcome: rule.Outcome) -> ProbeResult | None:
    """Store the result and queue the evaluation of the probe's component and region.
    None when the minute's result was recorded already (another run of the same task)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                result = ProbeResult.objects.create(
                    probe=probe,
                    at=at,
                    ok=outcome.ok,
                    server_side=outcome.server_side,
                    code=outcome.code,
                    latency_ms=outcome.latency_ms,
                    reply=outcome.reply,
                )
        except IntegrityError:
            return None
        outbox.enqueue("availability.evaluate", probe.component, probe.region_id, at.isoformat())
    return result


# --- the rule ----------------------------------------------------------------------


def _results(rows) -> list[rule.Result]:
    return [
        rule.Result(probe_id=p, at=at, ok=ok, server_side=s)
        for p, at, ok, s in rows.values_list("probe_id", "at", "ok", "server_side")
    ]


def _same_place(component: str, region_id: int | None) -> Q:
    return Q(component=component) & (
        Q(region__isnull=True) if region_id is None else Q(region_id=region_id)
    )


def evaluate(*, component: str, region_id: int | None, now: datetime) -> str | None:
    """Apply the contract's rule to a component in a region as of `now`: open an outage
    (and its draft incident, and alert on-call) when it became unavailable, end it when
    it recovered, or when no enabled probe is left to measure it. Returns "unavailable",
    "recovered", "unmeasured" or None when nothing changed."""
    place = _same_place(component, region_id)
    probes = Probe.objects.filter(place)
    enabled = {pk for pk, on in probes.values_list("pk", "enabled") if on}
    outage = Outage.objects.filter(place, ended_at__isnull=True).first()
    if outage is not None and not enabled:
        last = ProbeResult.objects.filter(probe__in=probes, at__gte=outage.started_at)
        last_at = last.order_by("-at").values_list("at", flat=True).first()
        if outage_unmeasured(outage_id=outage.pk, last_result_at=last_at, now=now):
            return "unmeasured"
        return None
    if outage is not None:
        first_success = ProbeResult.objects.filter(
            probe__in=probes, ok=True, at__gt=outage.started_at, at__lte=now
        ).order_by("at")[:1]
        successes = _results(first_success)
        verdict = rule.assess(
            successes, probes=enabled, now=now, window=window(), open_since=outage.started_at
        )
        if verdict.recovered_at and outage_recover(
            outage_id=outage.pk, recovered_at=verdict.recovered_at, now=now
        ):
            return "recovered"
        return None
    # From the last result that was not a server-side failure: where a streak begins.
    not_counting = ~Q(ok=False, server_side=True)
    last_good = (
        ProbeResult.objects.filter(not_counting, probe__in=probes, at__lte=now)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    since = max(last_good or now - LOOKBACK, now - LOOKBACK)
    results = _results(
        ProbeResult.objects.filter(probe__in=probes, at__gte=since, at__lte=now).order_by("at")
    )
    verdict = rule.assess(results, probes=enabled, now=now, window=window())
    if verdict.started_at and outage_open(
        component=component, region_id=region_id, started_at=verdict.started_at, now=now
    ):
        return "unavailable"
    return None


# --- outages and their incidents ---------------------------------------------------


def outage_open(
    *, component: str, region_id: int | None, started_at: datetime, now: datetime
) -> Outage | None:
    """Open the outage that started at `started_at`, with its draft incident (or on the
    incident that already covers it), and alert on-call. None when it is open already, or
    when the failures it would cover belong to an outage that has ended (a late run)."""
    place = _same_place(component, region_id)
    with transaction.atomic():
        covered = Q(ended_at__isnull=True) | Q(ended_at__gte=started_at)
        if Outage.objects.filter(place, covered).exists():
            return None
        try:
            with transaction.atomic():
                outage = Outage.objects.create(
                    component=component, region_id=region_id, started_at=started_at
                )
        except IntegrityError:  # another evaluation opened it first
            return None
        incident, opened = _incident_for(outage)
        outage.incident = incident
        outage.save(update_fields=["incident"])
        incidents.incident_note_probes(
            incident,
            IncidentEvent.Kind.DETECTED,
            at=now,
            detail=_detected_detail(outage),
            outage=outage.pk,
            component=component,
            region=outage.region.code if outage.region else None,
            started_at=started_at.isoformat(),
        )
        _alert_unavailable(outage, incident, opened=opened, now=now)
    return outage


def _incident_for(outage: Outage) -> tuple[Incident, bool]:
    """The incident that covers the outage, or a new draft with words of its own; and
    whether it is new."""
    words = {lang: incident_words(outage.component, outage.region, lang) for lang in ("en", "nl")}
    return incidents.incident_for_outage(
        component=outage.component,
        region=outage.region,
        started_at=outage.started_at,
        texts={
            "title": words["en"][0],
            "title_nl": words["nl"][0],
            "text": words["en"][1],
            "text_nl": words["nl"][1],
        },
    )


def _region_name(region: Region | None) -> str:
    """In the language in force."""
    if region is None:
        return _("all regions")
    return region.name_for(translation.get_language() or settings.LANGUAGE_CODE)


def _title(component: str, region: Region | None) -> str:
    names = {"region": _region_name(region)}
    if component == Component.API:
        return _("REST API unavailable in %(region)s") % names
    return _("SMTP injection unavailable in %(region)s") % names


def incident_words(component: str, region: Region | None, language: str) -> tuple[str, str]:
    """The draft incident's title and customer-facing text in `language`."""
    with translation.override(language):
        names = {"region": _region_name(region)}
        if component == Component.API:
            text = _(
                "Calls to the REST API in %(region)s fail with a server-side error, as our "
                "availability probes measure it. We are investigating and will post updates "
                "here."
            )
        else:
            text = _(
                "SMTP injections in %(region)s fail with a server-side error, as our "
                "availability probes measure it. We are investigating and will post updates "
                "here."
            )
        return _title(component, region), text % names


def _hhmm(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def _detected_detail(outage: Outage) -> str:
    return _(
        "Every probe result of %(minutes)s minutes was a server-side failure; the outage "
        "started at %(start)s."
    ) % {"minutes": settings.AVAILABILITY_WINDOW_MINUTES, "start": _hhmm(outage.started_at)}


def incident_admin_path(incident_id: int) -> str:
    """The incident's page in the staff admin."""
    try:
        return reverse("admin:cases_incident_change", args=[incident_id])
    except NoReverseMatch:  # no incident admin on this site: the admin's own URL scheme
        return f"{reverse('admin:index')}cases/incident/{incident_id}/change/"


def incident_admin_url(incident_id: int) -> str:
    return settings.PORTAL_BASE_URL + incident_admin_path(incident_id)


def _alert_data(outage: Outage, incident: Incident) -> dict:
    return {
        "incident": incident.pk,
        "reference": incident.reference,
        "outage": outage.pk,
        "component": outage.component,
        "region": outage.region.code if outage.region else None,
        "started_at": outage.started_at.isoformat(),
        "ended_at": outage.ended_at.isoformat() if outage.ended_at else None,
    }


def _alert_unavailable(outage: Outage, incident: Incident, *, opened: bool, now: datetime):
    def build() -> Alert:
        names = {
            "title": _title(outage.component, outage.region),
            "reference": incident.reference,
            "start": _hhmm(outage.started_at),
        }
        if opened:
            subject = _("%(title)s since %(start)s: draft incident %(reference)s opened")
            action = _("Confirm the draft incident and declare it, or dismiss it.")
        else:
            subject = _("%(title)s since %(start)s: added to incident %(reference)s")
            action = _("The outage is added to the incident that already covers it.")
        return Alert(
            kind="probe_outage",
            subject=subject % names,
            body="\n".join(
                [
                    _title(outage.component, outage.region),
                    _detected_detail(outage),
                    f"{_('platform incident')}: {incident.reference} · {incident.title}",
                    action,
                ]
            ),
            url=incident_admin_url(incident.pk),
            data=_alert_data(outage, incident),
        )

    alert_staff(build, on_call_staff(at=now))


def outage_recover(*, outage_id: int, recovered_at: datetime, now: datetime) -> bool:
    """End the outage at the first successful result after its start; once its incident
    has no other open outage, record the recovery on it and tell on-call and the declarer
    to propose resolution. False when the outage had ended already."""
    with transaction.atomic():
        # The conditional update is the claim: of two evaluations, one ends it.
        if not Outage.objects.filter(pk=outage_id, ended_at__isnull=True).update(
            ended_at=recovered_at
        ):
            return False
        outage = Outage.objects.select_related("region").get(pk=outage_id)
        if outage.incident_id is None:
            return True
        incident = Incident.objects.select_for_update().get(pk=outage.incident_id)
        if incident.outages.filter(ended_at__isnull=True).exists():
            return True
        incidents.incident_note_probes(
            incident,
            IncidentEvent.Kind.RECOVERED,
            at=recovered_at,
            detail=_recovered_detail(outage),
            outage=outage.pk,
            ended_at=recovered_at.isoformat(),
        )
        if incident.status in (IncidentStatus.DRAFT, IncidentStatus.ACTIVE):
            _alert_recovered(outage, incident, now=now)
    return True


def _recovered_detail(outage: Outage) -> str:
    return _("A probe succeeded at %(end)s, after an outage that started at %(start)s.") % {
        "end": _hhmm(outage.ended_at),
        "start": _hhmm(outage.started_at),
    }


def _alert_recovered(outage: Outage, incident: Incident, *, now: datetime):
    # On-call, and the declarer too: their shift may have ended (each is mailed once).
    readers = on_call_staff(at=now)
    if incident.declared_by is not None:
        readers.append(incident.declared_by)

    def build() -> Alert:
        names = {
            "reference": incident.reference,
            "title": _title(outage.component, outage.region),
            "end": _hhmm(outage.ended_at),
        }
        return Alert(
            kind="probe_recovered",
            subject=_("%(reference)s recovered at %(end)s: propose resolution") % names,
            body="\n".join(
                [
                    f"{_('platform incident')}: {incident.reference} · {incident.title}",
                    _recovered_detail(outage),
                    _("Propose the incident's resolution; each customer agrees on their own case."),
                ]
            ),
            url=incident_admin_url(incident.pk),
            data=_alert_data(outage, incident),
        )

    alert_staff(build, readers)


def outage_unmeasured(*, outage_id: int, last_result_at: datetime | None, now: datetime) -> bool:
    """End an open outage that no enabled probe measures any more (its probes were
    disabled, deleted or moved away): at its place's last result, or, with none left, at
    the end of the window that opened it (what the probes saw at least). No recovery is
    claimed: on-call is told the record stopped and to check the incident by hand. False
    when the outage had ended already."""
    with transaction.atomic():
        outage = Outage.objects.select_related("region", "incident").get(pk=outage_id)
        # A result stands for its minute: an outage seen by one result lasts that minute.
        end = max(last_result_at or outage.started_at + window(), outage.started_at + MINUTE)
        # The conditional update is the claim: of two evaluations, one ends it.
        if not Outage.objects.filter(pk=outage_id, ended_at__isnull=True).update(ended_at=end):
            return False
        outage.ended_at = end
        if outage.incident is not None:
            incidents.incident_note_probes(
                outage.incident,
                IncidentEvent.Kind.UNMEASURED,
                at=now,
                detail=_unmeasured_detail(outage),
                outage=outage.pk,
                ended_at=end.isoformat(),
            )
        _alert_unmeasured(outage, outage.incident, now=now)
    return True


def _unmeasured_detail(outage: Outage) -> str:
    return _(
        "The probes of %(component)s in %(region)s were disabled, deleted or moved while the "
        "outage that started at %(start)s was going on: the outage record ends at %(end)s. "
        "Whether it recovered is not measured; check the incident by hand."
    ) % {
        "component": Component(outage.component).label,
        "region": _region_name(outage.region),
        "start": _hhmm(outage.started_at),
        "end": _hhmm(outage.ended_at),
    }


def _alert_unmeasured(outage: Outage, incident: Incident | None, *, now: datetime):
    def build() -> Alert:
        names = {
            "component": Component(outage.component).label,
            "region": _region_name(outage.region),
            "end": _hhmm(outage.ended_at),
        }
        lines = [_unmeasured_detail(outage)]
        if incident is not None:
            lines.append(f"{_('platform incident')}: {incident.reference} · {incident.title}")
        return Alert(
            kind="probe_unmeasured",
            subject=_(
                "Probes of %(component)s in %(region)s stopped during an outage: its record "
                "ends at %(end)s"
            )
            % names,
            body="\n".join(lines),
            url=incident_admin_url(incident.pk) if incident is not None else "",
            data=_alert_data(outage, incident) if incident is not None else {"outage": outage.pk},
        )

    alert_staff(build, on_call_staff(at=now))


def purge_results(*, now: datetime | None = None, batch: int = 5000) -> int:
    """Delete probe results older than `AVAILABILITY_RESULT_RETENTION_DAYS`, in batches so
    no single statement holds a large lock. Outages stay: the monthly figures and the
    incidents' record come from them. Each probe's first result stays too: the figures
    count from it (`selectors.measuring_since`)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AVAILABILITY_RESULT_RETENTION_DAYS)
    first = ProbeResult.objects.filter(probe=OuterRef("probe")).order_by("at").values("pk")[:1]
    old = ProbeResult.objects.filter(at__lt=cutoff).exclude(pk=Subquery(first))
    deleted = 0
    while True:
        ids = list(old.values_list("pk", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += ProbeResult.objects.filter(pk__in=ids).delete()[0]
