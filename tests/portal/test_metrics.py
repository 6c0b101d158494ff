"""/metrics for Prometheus: open to a bearer token or an allowed network only; serves
django-prometheus's request and database metrics and the support desk's own gauges, read
with a fixed number of queries whatever the number of rows."""

import itertools
from datetime import UTC, datetime, timedelta
from ipaddress import ip_network

import pytest
import time_machine
from django.db import OperationalError, connection, connections
from django.test import Client
from django_celery_beat.models import PeriodicTask
from prometheus_client.parser import text_string_to_metric_families

from cases.models import Case, CaseEvent
from core.models import OutboxTask
from deliverability.blocklists.models import CheckRun
from inbound.models import InboundMessage
from portal import metrics
from tests.portal.test_settings import run_manage

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TOKEN = "s3cret-metrics-token-for-tests"
OUTSIDE = "203.0.113.9"
FORBIDDEN = (
    "Metrics need a bearer token (METRICS_TOKEN) or an address in METRICS_ALLOWED_NETWORKS.\n"
)


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = [ip_network("127.0.0.0/8"), ip_network("::1/128")]


def scrape(**extra):
    return Client().get("/metrics", **extra)


def samples(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.content.decode())
        for s in family.samples
    }


def test_it_refuses_an_outside_address_without_a_token():
    response = scrape(REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert response.content.decode() == FORBIDDEN
    assert b"portal_open_cases" not in response.content


def test_it_refuses_a_wrong_token():
    response = scrape(REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer not-the-token-at-all")
    assert response.status_code == 403


def test_a_token_in_other_characters_is_refused_not_a_failure():
    response = scrape(REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer s3cret-métrics")
    assert response.status_code == 403


def test_it_refuses_any_bearer_when_no_token_is_set(settings):
    settings.METRICS_TOKEN = ""
    assert scrape(REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ").status_code == 403


def test_it_serves_the_token_from_anywhere():
    response = scrape(REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert ("portal_inbound_quarantine_size", ()) in samples(response)
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_it_serves_loopback_without_a_token(address):
    assert ("portal_outbox_depth", ()) in samples(scrape(REMOTE_ADDR=address))


def test_it_serves_an_allowed_network(settings):
    settings.METRICS_ALLOWED_NETWORKS = [ip_network("203.0.113.0/24")]
    assert ("portal_outbox_depth", ()) in samples(scrape(REMOTE_ADDR=OUTSIDE))
    assert scrape(REMOTE_ADDR="127.0.0.1").status_code == 403


def test_a_request_a_local_proxy_forwarded_is_not_taken_for_a_local_one():
    response = scrape(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE)
    assert response.status_code == 403


def test_behind_a_trusted_proxy_the_client_address_decides(settings):
    settings.BEHIND_TLS_PROXY = True
    assert scrape(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=OUTSIDE).status_code == 403
    assert scrape(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


def test_it_counts_requests_and_database_queries():
    assert type(connections["default"]).__module__.startswith("django_prometheus.db.backends.")
    scrape()
    values = samples(scrape())
    vendor = (("alias", "default"), ("vendor", connection.vendor))
    assert values[("django_db_execute_total", vendor)] > 0
    assert values[("django_http_requests_total_by_method_total", (("method", "GET"),))] >= 1
    assert any(
        name == "django_http_requests_latency_seconds_by_view_method_count" for name, _ in values
    )


# --- the support desk's gauges, for a known set of rows ---------------------------------


_numbers = itertools.count(1)


def make_case(account, requester, *, severity, next_due_at, status="in_progress"):
    fields = {"closed_at": NOW} if status == "closed" else {}
    return Case.objects.create(
        reference=f"EE-9{next(_numbers):05d}",
        account=account,
        requester=requester,
        subject="Webhooks arrive twice",
        description="Each bounce reaches us twice.",
        category="software_bug",
        severity=severity,
        status=status,
        opened_at=NOW - timedelta(days=2),
        updated_at=NOW - timedelta(days=1),
        next_due_at=next_due_at,
        **fields,
    )


def sla_event(case, kind, deadline_kind, subject_id, *, met=None, at=NOW - timedelta(days=1)):
    data = {"deadline_kind": deadline_kind, "subject_id": subject_id, "due": f"due-{subject_id}"}
    if kind == CaseEvent.Kind.SLA_FULFILLED:
        data.update(met=met, minutes=12.0)
    CaseEvent.objects.create(case=case, at=at, kind=kind, data=data)


@pytest.fixture
def desk(account_a, customer_a):
    """Open cases in each deadline state, one closed; this month's callbacks (two met,
    one missed, one breached and then fulfilled late) and updates; three queued tasks,
    a sweep started 90 seconds ago, blocklist runs, two messages in quarantine."""
    crit, noncrit = "critical", "non_critical"
    minutes = lambda m: NOW + timedelta(minutes=m)  # noqa: E731
    c1 = make_case(account_a, customer_a, severity=crit, next_due_at=minutes(-5))
    make_case(account_a, customer_a, severity=crit, next_due_at=minutes(30))
    make_case(account_a, customer_a, severity=crit, next_due_at=minutes(60))
    make_case(account_a, customer_a, severity=noncrit, next_due_at=minutes(-120))
    make_case(account_a, customer_a, severity=noncrit, next_due_at=None)
    make_case(account_a, customer_a, severity=noncrit, next_due_at=minutes(-1), status="closed")

    fulfilled, breach = CaseEvent.Kind.SLA_FULFILLED, CaseEvent.Kind.SLA_BREACH
    sla_event(c1, fulfilled, "callback", 1, met=True)
    sla_event(c1, fulfilled, "callback", 2, met=True)
    sla_event(c1, breach, "callback", 3)
    sla_event(c1, breach, "callback", 4)
    sla_event(c1, fulfilled, "callback", 4, met=False)
    sla_event(c1, fulfilled, "next_update", 1, met=True)
    sla_event(c1, breach, "next_update", 2)
    # Last month's: not this month's attainment.
    sla_event(c1, breach, "callback", 5, at=datetime(2026, 10, 31, 23, 0, tzinfo=UTC))

    for seconds in (300, 120, 10):
        OutboxTask.objects.create(
            task_name="cases.sla_sweep", created_at=NOW - timedelta(seconds=seconds)
        )
    PeriodicTask.objects.filter(task="cases.sla_sweep").update(
        last_run_at=NOW - timedelta(seconds=90)
    )

    finished = CheckRun.Status.FINISHED
    for account, at, status in [
        (None, NOW - timedelta(minutes=20), finished),
        (None, NOW - timedelta(minutes=80), finished),
        (account_a, NOW - timedelta(minutes=5), finished),  # one account's check now
        (None, None, CheckRun.Status.RUNNING),
    ]:
        CheckRun.objects.create(account=account, trigger="schedule", status=status, finished_at=at)

    for i, outcome in enumerate(["quarantined", "quarantined", "posted"]):
        InboundMessage.objects.create(
            dedup_key=f"key-{i}", received_at=NOW, last_received_at=NOW, outcome=outcome
        )


def desk_samples(**extra):
    with time_machine.travel(NOW, tick=False):
        return samples(scrape(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra))


def gauge(values, name, **labels):
    return values[(name, tuple(sorted(labels.items())))]


def test_open_cases_by_severity_and_deadline_state(desk):
    values = desk_samples()
    expected = {
        ("critical", "overdue"): 1,
        ("critical", "due_within_hour"): 1,
        ("critical", "later"): 1,
        ("critical", "none"): 0,
        ("non_critical", "overdue"): 1,
        ("non_critical", "due_within_hour"): 0,
        ("non_critical", "later"): 0,
        ("non_critical", "none"): 1,
    }
    got = {
        key: gauge(values, "portal_open_cases", severity=key[0], deadline=key[1])
        for key in expected
    }
    assert got == expected


def test_callback_and_update_attainment_this_month(desk):
    values = desk_samples()
    deadlines = "portal_sla_deadlines_this_month"
    assert gauge(values, deadlines, kind="callback", outcome="met") == 2
    assert gauge(values, deadlines, kind="callback", outcome="missed") == 2
    assert gauge(values, deadlines, kind="next_update", outcome="met") == 1
    assert gauge(values, deadlines, kind="next_update", outcome="missed") == 1
    assert gauge(values, "portal_sla_attainment_this_month_ratio", kind="callback") == 0.5
    assert gauge(values, "portal_sla_attainment_this_month_ratio", kind="next_update") == 0.5
    # No first response was due this month: a count of nought, and no share at all.
    assert gauge(values, deadlines, kind="first_response", outcome="met") == 0
    assert ("portal_sla_attainment_this_month_ratio", (("kind", "first_response"),)) not in values


def test_outbox_sweep_blocklist_and_quarantine(desk):
    values = desk_samples()
    assert gauge(values, "portal_gauges_up") == 1
    assert gauge(values, "portal_outbox_depth") == 3
    assert gauge(values, "portal_outbox_oldest_age_seconds") == 300
    assert gauge(values, "portal_sla_sweep_lag_seconds") == 90
    assert gauge(values, "portal_sla_sweep_last_timestamp_seconds") == NOW.timestamp() - 90
    assert gauge(values, "portal_blocklist_run_lag_seconds") == 20 * 60
    assert gauge(values, "portal_blocklist_run_resolver_failed") == 0
    assert gauge(values, "portal_inbound_quarantine_size") == 2


def test_what_never_happened_has_no_timestamp():
    values = desk_samples()
    assert gauge(values, "portal_outbox_depth") == 0
    assert gauge(values, "portal_outbox_oldest_age_seconds") == 0
    assert ("portal_blocklist_run_lag_seconds", ()) not in values
    assert ("portal_blocklist_run_last_timestamp_seconds", ()) not in values
    assert all(count == 0 for (name, _), count in values.items() if name == "portal_open_cases")


def test_without_the_database_the_request_metrics_are_still_served(monkeypatch, caplog):
    def unavailable(now):
        raise OperationalError("the database is restarting")

    monkeypatch.setattr(metrics, "open_cases", unavailable)
    values = desk_samples()
    assert gauge(values, "portal_gauges_up") == 0
    assert ("django_http_requests_total_by_method_total", (("method", "GET"),)) in values
    assert not any(name.startswith("portal_open_cases") for name, _ in values)
    assert "The support desk's gauges could not be read." in caplog.text


def test_the_scrape_reads_the_database_six_times_whatever_it_holds(desk, django_assert_num_queries):
    with django_assert_num_queries(6):
        desk_samples()


# --- settings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN must be at least 16 characters long."),
        ({"METRICS_ALLOWED_NETWORKS": "10.0.0.0/8,office"}, "METRICS_ALLOWED_NETWORKS must list"),
        ({"LOG_FORMAT": "xml"}, 'LOG_FORMAT is "xml"; use "text" or "json".'),
    ],
)
def test_a_bad_setting_is_refused_with_a_sentence(env, sentence):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert sentence in result.stderr
    assert "Traceback" not in result.stderr
