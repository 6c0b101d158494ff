"""End to end: a real Celery beat schedules the SLA sweep, a real worker runs it, and the
agent's warning mail goes out. Redis when CELERY_BROKER_URL points at it, kombu's
filesystem transport otherwise. Needs a database shared across processes (PostgreSQL)."""

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Max
from django.utils import timezone

from accounts import roles
from cases import services
from tests.factories import ContactFactory, StaffFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker and beat processes need a database they can share (PostgreSQL); "
        "the SQLite test database lives in this process's memory",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def test_beat_and_a_worker_send_a_deadline_warning(tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    agent = StaffFactory(email="oncall@example.com", role=roles.SUPPORT_AGENTS)
    customer = ContactFactory().user
    case = services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject="All API calls fail",
        description="503",
        category="software_bug",
        api_all_failing=True,
        api_failure_cause="server",
        now=timezone.now() - timedelta(minutes=12),  # due in 3 minutes: warn now
    )
    # The beat entry is editable: every second for the test. (Rows restored by other
    # tests keep their ids, so new rows get explicit ones.)
    sweep = PeriodicTask.objects.filter(task="cases.sla_sweep").first()
    if sweep is None or sweep.interval_id is None:
        schedule = IntervalSchedule.objects.create(
            pk=(IntervalSchedule.objects.aggregate(m=Max("pk"))["m"] or 0) + 1000,
            every=1,
            period="seconds",
        )
        PeriodicTask.objects.filter(task="cases.sla_sweep").delete()
        PeriodicTask.objects.create(
            pk=(PeriodicTask.objects.aggregate(m=Max("pk"))["m"] or 0) + 1000,
            name="SLA sweep (test)",
            task="cases.sla_sweep",
            interval=schedule,
        )
    else:
        IntervalSchedule.objects.filter(pk=sweep.interval_id).update(every=1, period="seconds")
    PeriodicTask.objects.exclude(task="cases.sla_sweep").update(enabled=False)

    broker = os.environ.get("CELERY_BROKER_URL", "")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": broker if broker.startswith("redis") else "filesystem://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
    }
    env.pop("EMAIL_URL", None)
    common = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        **common,
    )
    beat = subprocess.Popen(
        [
            CELERY,
            "-A",
            "portal",
            "beat",
            "--max-interval=1",
            "--loglevel=WARNING",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile",
            str(tmp_path / "beat.pid"),
        ],
        **common,
    )
    mail_dir = tmp_path / "mail"
    found = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not found:
            if worker.poll() is not None or beat.poll() is not None:
                pytest.skip("the Celery worker or beat could not start")
            if mail_dir.exists():
                found = [
                    f for f in mail_dir.iterdir() if "SLA warning" in f.read_text(errors="ignore")
                ]
            time.sleep(0.3)
    finally:
        for process in (beat, worker):
            process.terminate()
        for process in (beat, worker):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    assert found, "no warning mail within 30 seconds"
    text = found[0].read_text(errors="ignore")
    assert case.reference in text
    assert agent.email in text
