"""`manage.py bench_scale` in its smallest mode: it seeds both databases, serves them,
measures every page and job and prints the figures with their query plans."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.dns_server import dnsmasq_missing_reason

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("DATABASE_URL"),
    reason="the benchmark serves a PostgreSQL database to gunicorn",
)

ROOT = Path(__file__).resolve().parents[2]
FIGURE = r"\d[\d,]*(\.\d+)?"


def _drop(url: str, names: list[str]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_smallest_run_prints_every_figure_and_plan():
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (Debian package wrk)")
    if reason := dnsmasq_missing_reason():
        pytest.skip(reason)
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = f"{parts.path.lstrip('/') or 'test'}_bench_scale"
    url = urlunsplit(parts._replace(path=f"/{name}"))
    server = urlunsplit(parts._replace(path="/postgres"))
    _drop(server, [name, f"{name}_base"])
    try:
        done = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "bench_scale",
                *("--cases", "60", "--base-cases", "30", "--per-account", "10"),
                *("--duration", "1", "--due", "5", "--inbound", "20", "--assets", "20"),
                *("--big-table", "50"),
            ],
            cwd=ROOT,
            # Its own database, and nothing shared with the other tests' processes: the
            # alerts it sends stay in its process, its pages cache in their own.
            env={
                **{k: v for k, v in os.environ.items() if k != "CACHE_URL"},
                "DATABASE_URL": url,
                "CELERY_BROKER_URL": "memory://",
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        _drop(server, [name, f"{name}_base"])
    out = done.stdout
    assert done.returncode == 0, done.stderr[-3000:]
    for page in (
        "customer case list",
        "case page (50 messages)",
        "customer home",
        "agents' queue",
        "agents' search, one case",
    ):
        assert re.search(
            rf"^{re.escape(page)} +{FIGURE} +{FIGURE} +{FIGURE} +{FIGURE} +{FIGURE} ", out, re.M
        ), page
    for job in (
        r"SLA sweep, nothing due +\S+ ms +\S+ ms",
        r"SLA sweep, 5 due +\S+ s +\S+ s",
        r"SLA report \d{4}-\d\d +\S+ s +\S+ s",
        r"inbound mail +\d+/s +\d+/s",
        r"blocklist run, 20 IPs +\S+ s +\S+ s",
    ):
        assert re.search(job, out), job
    assert "accounts against 30 cases" in out and "load average" in out
    for plan in (
        "customer case list",
        "agents' queue",
        "agents' search, one case",
        "SLA sweep, nothing due",
        "SLA report",
    ):
        assert f"== {plan} (" in out
    assert "Index Scan" in out or "Index Only Scan" in out
    assert "Sequential scans on big tables" in out
