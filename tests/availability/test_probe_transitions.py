"""Unavailability measured by the contract's definition (R1, R2), through the tasks as
Celery beat runs them every minute against real endpoints on loopback: the exact minute
an outage opens, its draft incident and the on-call alert, and the recovery."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from accounts.models import OnCallShift
from availability.models import Outage, Probe, ProbeResult
from cases.models import Incident, IncidentEvent

from .probe_fixtures import MINUTE, T0, make_incident, minute

HOUR = 60 * MINUTE
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

pytestmark = pytest.mark.django_db


def outage_alerts():
    return [m for m in mail.outbox if "unavailable in" in m.subject]


def recovery_alerts():
    return [m for m in mail.outbox if "propose resolution" in m.subject]


def run(beat, endpoint, modes: str, start: int = 0):
    """One beat tick a minute from `start`, the endpoint answering each mode in turn."""
    for n, mode in enumerate(modes.split(), start=start):
        endpoint.mode = mode
        beat(n)


def test_an_api_failing_for_less_than_the_window_is_still_available(
    beat, http_endpoint, api_probe, agent
):
    run(beat, http_endpoint, "200 503 500")
    assert ProbeResult.objects.filter(probe=api_probe).count() == 3
    assert not Outage.objects.exists()
    assert not Incident.objects.exists()
    assert outage_alerts() == []


def test_the_minute_the_window_completes_a_draft_incident_opens_and_on_call_is_alerted(
    beat, http_endpoint, api_probe, eu_west, agent, manager
):
    run(beat, http_endpoint, "200 503 500 503")
    outage = Outage.objects.get()
    assert (outage.component, outage.region, outage.started_at) == ("api", eu_west, minute(1))
    assert outage.ended_at is None
    incident = outage.incident
    assert incident.status == "draft" and incident.detected_by_probes
    assert (incident.scope, incident.region, incident.severity) == ("api", eu_west, "unavailable")
    assert incident.started_at == minute(1)
    assert incident.title == "REST API unavailable in EU-West"
    assert incident.title_nl == "REST API niet beschikbaar in EU-West"
    assert "fail with a server-side error" in incident.text
    assert "mislukken met een fout aan de serverkant" in incident.text_nl
    (event,) = IncidentEvent.objects.filter(incident=incident)
    assert (event.kind, event.at) == ("detected", minute(3))
    assert event.data["outage"] == outage.pk

    (alert,) = outage_alerts()
    assert set(alert.to) == {agent.email, manager.email}
    assert alert.subject == (
        f"REST API unavailable in EU-West since 2027-03-01 11:01 CET: draft incident "
        f"{incident.reference} opened"
    )
    # The incident's page in the staff admin.
    assert f"{reverse('admin:index')}cases/incident/{incident.pk}/change/" in alert.body


def test_one_success_is_the_recovery_at_that_results_time_and_proposes_resolution(
    beat, http_endpoint, api_probe, agent
):
    run(beat, http_endpoint, "200 503 503 503 503 200 200")
    outage = Outage.objects.get()
    assert (outage.started_at, outage.ended_at) == (minute(1), minute(5))
    incident = Incident.objects.get()
    assert incident.recovered_at == minute(5)
    assert incident.status == "draft"  # resolution is proposed, not imposed
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", "at"))
    assert kinds == [("detected", minute(3)), ("recovered", minute(5))]
    (alert,) = recovery_alerts()
    assert alert.to == [agent.email]
    assert (
        alert.subject
        == f"{incident.reference} recovered at 2027-03-01 11:05 CET: propose resolution"
    )
    assert len(outage_alerts()) == 1


def test_the_recovery_goes_to_on_call_and_to_who_declared_the_incident(
    beat, http_endpoint, api_probe, agent, manager
):
    run(beat, http_endpoint, "503 503 503")
    Incident.objects.update(status="active", declared_by=manager, declared_at=minute(3))
    # The declarer's shift has ended; the agent's covers the recovery.
    OnCallShift.objects.create(agent=manager, starts_at=T0 - 8 * HOUR, ends_at=minute(3))
    OnCallShift.objects.create(agent=agent, starts_at=minute(3), ends_at=minute(3) + 8 * HOUR)
    mail.outbox.clear()
    run(beat, http_endpoint, "200", start=3)
    (alert,) = recovery_alerts()
    assert sorted(alert.to) == sorted([agent.email, manager.email])


def test_a_client_side_failure_mixed_in_is_not_unavailability(
    beat, http_endpoint, api_probe, agent
):
    run(beat, http_endpoint, "200 503 404 503 503")
    assert not Outage.objects.exists()
    assert outage_alerts() == []
    # Three server-side minutes after it are.
    run(beat, http_endpoint, "503", start=5)
    assert Outage.objects.get().started_at == minute(3)


def test_an_endpoint_that_hangs_past_the_timeout_is_unavailable(
    beat, http_endpoint, api_probe, agent
):
    run(beat, http_endpoint, "hang hang hang")
    result = ProbeResult.objects.filter(probe=api_probe).first()
    assert (result.ok, result.server_side, result.code) == (False, True, None)
    assert result.latency_ms >= 1000
    assert Outage.objects.get().started_at == minute(0)


def test_smtp_421_451_and_a_dropped_connection_are_unavailability(
    beat, smtp_endpoint, smtp_probe, eu_west, agent
):
    run(beat, smtp_endpoint, "accept 421 451 drop")
    codes = list(ProbeResult.objects.order_by("at").values_list("ok", "server_side", "code"))
    assert codes == [
        (True, False, 250),
        (False, True, 421),
        (False, True, 451),
        (False, True, None),
    ]
    assert len(smtp_endpoint.messages) == 1  # the probe message reached the sink once
    incident = Outage.objects.get().incident
    assert (incident.scope, incident.started_at) == ("smtp", minute(1))
    assert incident.title == "SMTP injection unavailable in EU-West"
    assert incident.title_nl == "SMTP-injectie niet beschikbaar in EU-West"
    run(beat, smtp_endpoint, "accept", start=4)
    assert Outage.objects.get().ended_at == minute(4)


def test_every_probe_of_the_component_must_fail(beat, http_endpoint, api_probe, agent):
    from tests.probe_servers import HttpEndpoint

    with HttpEndpoint("200") as healthy:
        Probe.objects.create(
            name="API EU-West, second", component="api", region=api_probe.region, url=healthy.url
        )
        run(beat, http_endpoint, "503 503 503 503")
    assert not Outage.objects.exists()
    assert ProbeResult.objects.count() == 8


def test_other_regions_and_components_are_judged_on_their_own(
    beat, http_endpoint, smtp_endpoint, api_probe, smtp_probe, agent
):
    smtp_endpoint.mode = "421"
    run(beat, http_endpoint, "200 200 200")
    assert list(Outage.objects.values_list("component", flat=True)) == ["smtp"]


def test_a_beat_tick_run_twice_records_one_result_per_probe_and_alerts_once(
    beat, http_endpoint, api_probe, agent
):
    http_endpoint.mode = "503"
    for n in range(3):
        beat(n)
        beat(n, seconds=40)  # beat restarted within the minute, or the message redelivered
    assert ProbeResult.objects.count() == 3
    assert len(http_endpoint.requests) == 3
    assert Outage.objects.count() == Incident.objects.count() == 1
    assert len(outage_alerts()) == 1


def test_a_redelivered_run_or_evaluation_does_nothing_more(
    beat, http_endpoint, api_probe, agent, django_capture_on_commit_callbacks
):
    from availability.tasks import evaluate_task, run_probe_task

    run(beat, http_endpoint, "503 503 503 200")
    with time_machine.travel(minute(3) + timedelta(seconds=30), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_probe_task.apply(args=[api_probe.pk, minute(2).isoformat()]).get() is None
            # The evaluation of minute 2, delivered again after the recovery.
            assert (
                evaluate_task.apply(args=["api", api_probe.region_id, minute(2).isoformat()]).get()
                is None
            )
            assert (
                evaluate_task.apply(args=["api", api_probe.region_id, minute(3).isoformat()]).get()
                is None
            )
    assert Outage.objects.count() == 1 and Outage.objects.get().ended_at == minute(3)
    assert len(outage_alerts()) == len(recovery_alerts()) == 1
    assert IncidentEvent.objects.count() == 2


def test_a_run_delivered_minutes_late_is_skipped(
    api_probe, http_endpoint, django_capture_on_commit_callbacks
):
    from availability.tasks import run_probe_task

    with time_machine.travel(minute(5), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert run_probe_task.apply(args=[api_probe.pk, minute(0).isoformat()]).get() is None
    assert not ProbeResult.objects.exists()
    assert http_endpoint.requests == []


def test_a_disabled_probe_is_not_run_and_not_waited_for(beat, http_endpoint, api_probe, agent):
    api_probe.enabled = False
    api_probe.save()
    run(beat, http_endpoint, "503 503 503")
    assert not ProbeResult.objects.exists()
    assert not Outage.objects.exists()


def test_an_outage_joins_the_incident_that_already_covers_it(
    beat, http_endpoint, api_probe, manager, agent
):
    declared = make_incident(scope="both", status="active", declared_by=manager, declared_at=T0)
    run(beat, http_endpoint, "503 503 503")
    assert Incident.objects.get() == declared
    assert Outage.objects.get().incident == declared
    assert IncidentEvent.objects.get(incident=declared).kind == "detected"
    (alert,) = outage_alerts()
    assert f"added to incident {declared.reference}" in alert.subject


def test_down_again_after_a_draft_recovered_opens_a_new_draft_with_its_own_start(
    beat, http_endpoint, api_probe, agent
):
    run(beat, http_endpoint, "503 503 503 200 503 503 503")
    first, second = Outage.objects.order_by("started_at")
    assert (first.started_at, first.ended_at) == (minute(0), minute(3))
    assert (second.started_at, second.ended_at) == (minute(4), None)
    assert first.incident != second.incident
    assert first.incident.recovered_at == minute(3)  # the stale draft keeps its record
    assert (second.incident.status, second.incident.started_at) == ("draft", minute(4))
    assert second.incident.recovered_at is None
    assert [m.subject.endswith("opened") for m in outage_alerts()] == [True, True]


def test_down_again_before_an_active_incident_is_resolved_joins_it(
    beat, http_endpoint, api_probe, agent, manager
):
    run(beat, http_endpoint, "503 503 503 200")
    incident = Incident.objects.get()
    Incident.objects.update(status="active", declared_by=manager, declared_at=minute(3))
    run(beat, http_endpoint, "503 503 503", start=4)
    first, second = Outage.objects.order_by("started_at")
    assert first.incident == second.incident == incident
    incident.refresh_from_db()
    assert incident.recovered_at is None
    kinds = list(IncidentEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["detected", "recovered", "detected"]


@pytest.mark.parametrize("status", ["resolved", "dismissed"])
def test_an_outage_never_joins_a_resolved_or_dismissed_incident(
    beat, http_endpoint, api_probe, agent, manager, status
):
    closed = make_incident(
        scope="both", status=status, resolved_at=T0, resolved_by=manager, region=None
    )
    run(beat, http_endpoint, "503 503 503")
    outage = Outage.objects.get()
    assert outage.incident != closed
    assert (outage.incident.status, outage.incident.started_at) == ("draft", minute(0))


def test_an_outage_joins_a_draft_still_going_on_elsewhere_in_its_scope(
    beat, http_endpoint, api_probe, agent
):
    platform_wide = make_incident(scope="api", status="draft", detected_by_probes=True)
    run(beat, http_endpoint, "503 503 503")
    assert Outage.objects.get().incident == platform_wide


def test_the_window_follows_the_setting(beat, http_endpoint, api_probe, agent, settings):
    settings.AVAILABILITY_WINDOW_MINUTES = 5
    run(beat, http_endpoint, "503 503 503 503")
    assert not Outage.objects.exists()
    run(beat, http_endpoint, "503", start=4)
    assert Outage.objects.get().started_at == minute(0)


def test_the_beat_runs_the_probes_every_minute():
    from portal.schedule import beat_schedule

    (entry,) = [e for e in beat_schedule() if e.task == "availability.run_probes"]
    assert (entry.every, entry.period) == (1, "minutes")


def test_outages_of_a_minute_apart_are_exact_to_the_minute(beat, http_endpoint, api_probe, agent):
    run(beat, http_endpoint, "503 503 503 200")
    outage = Outage.objects.get()
    assert outage.ended_at - outage.started_at == 3 * MINUTE


def unmeasured_alerts():
    return [m for m in mail.outbox if "stopped during an outage" in m.subject]


@pytest.mark.parametrize("change", ["disable", "delete", "move"])
def test_an_outage_whose_probes_stop_ends_at_the_last_result_and_on_call_is_told_once(
    beat, http_endpoint, api_probe, agent, manager, change
):
    from accounts.models import Region

    run(beat, http_endpoint, "503 503 503 503 503")
    outage = Outage.objects.get()
    if change == "disable":
        Probe.objects.filter(pk=api_probe.pk).update(enabled=False)
        ended = minute(4)  # its last result
    elif change == "delete":
        Probe.objects.filter(pk=api_probe.pk).delete()
        ended = minute(0) + 3 * MINUTE  # no result left: the window that opened it
    else:
        elsewhere = Region.objects.create(code="us-east", name="US-East")
        Probe.objects.filter(pk=api_probe.pk).update(region=elsewhere, enabled=False)
        ended = minute(0) + 3 * MINUTE
    mail.outbox.clear()
    beat(6)
    beat(6, seconds=40)  # beat's tick run twice
    beat(7)
    outage.refresh_from_db()
    assert outage.ended_at == ended
    (alert,) = unmeasured_alerts()
    assert set(alert.to) == {agent.email, manager.email}
    assert alert.subject == (
        "Probes of REST API in EU-West stopped during an outage: its record ends at "
        f"{ended.astimezone(AMSTERDAM):%Y-%m-%d %H:%M} CET"
    )
    assert "check the incident by hand" in alert.body
    # No recovery is claimed: the incident stays as it was.
    incident = outage.incident
    incident.refresh_from_db()
    assert incident.recovered_at is None
    assert recovery_alerts() == []
    # The incident's timeline says the record stopped, once.
    kinds = list(IncidentEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["detected", "unmeasured"]


def test_an_outage_with_an_enabled_probe_left_is_not_ended_by_the_tick(
    beat, http_endpoint, api_probe, agent
):
    run(beat, http_endpoint, "503 503 503 503")
    beat(4)
    assert Outage.objects.get().ended_at is None
    assert unmeasured_alerts() == []
