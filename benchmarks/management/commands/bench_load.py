"""The customer pages and the admin case queue under load, side by side with django-helpdesk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load \\
        .venv/bin/python manage.py bench_load

On PostgreSQL, it creates the database if it is missing, migrates it and seeds 10,000 cases
on one customer account (one of them with 50 messages) and the staff. It serves the portal
with gunicorn (2 sync workers, DEBUG off) on loopback, signs a customer and a support agent
in (the agent's session is one that typed its second factor) and runs
`wrk -t1 -c8 -d20s` against the customer case list, the case page with 50 messages, the
customer home and the admin case queue.

Then the same for django-helpdesk 2.6.1, in its own virtual environment (var/helpdesk/.venv,
created on the first run with the portal's interpreter and the portal's Django, gunicorn
and psycopg) with its own minimal site (benchmarks/helpdesk_site), its own database
(<name>_helpdesk), 10,000 tickets and a ticket with 50 follow-ups: the ticket list's rows
(the JSON the list page loads), the ticket page and the dashboard.

A shared machine drifts by tens of percent from one minute to the next, so each portal
page is measured right before its helpdesk counterpart, and both servers run throughout.
It prints req/s, p50 and p95 of each page and the ratio. The seeded rows are kept and
reused by the next run. Needs wrk (Debian: `apt-get install -y wrk`).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse

from benchmarks.management.commands.bench_cases import Command as CasesBench
from benchmarks.management.commands.bench_cases import _cpu_probe_ms, _free_port
from cases.models import Case, CaseMessage

HELPDESK = "django-helpdesk==2.6.1"
HELPDESK_SITE = Path(__file__).resolve().parents[2] / "helpdesk_site"

# wrk prints its own summary with fixed percentiles (50/75/90/99); this prints the p95.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("bench_load %d %d %d %d %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


class Command(CasesBench):
    help = (
        "The customer pages and the admin case queue under wrk on PostgreSQL, side by side "
        "with django-helpdesk 2.6.1."
    )
    # The database may not exist yet: it is created before anything reads it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10_000, help="Cases (and tickets).")
        parser.add_argument(
            "--messages", type=int, default=4, help="Messages per case, follow-ups per ticket."
        )
        parser.add_argument("--duration", type=int, default=20, help="Seconds per page.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument(
            "--rows", type=int, default=50, help="Rows of the helpdesk ticket list's page."
        )
        parser.add_argument(
            "--helpdesk-venv",
            default="var/helpdesk/.venv",
            help="The helpdesk's virtual environment, created when missing.",
        )
        parser.add_argument("--no-helpdesk", action="store_true", help="Measure the portal alone.")

    def handle(self, *args, **opts):
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk is needed: apt-get install -y wrk (Debian).")
        db = settings.DATABASES["default"]
        if connection.vendor != "postgresql":
            raise CommandError(
                "Run it on PostgreSQL, e.g. "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load"
            )
        self.wrk = wrk
        self.secret_key = os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48)
        _create_database(db, db["NAME"])
        call_command("migrate", verbosity=0)
        portal = self.prepare_portal(opts)
        helpdesk = None if opts["no_helpdesk"] else self.prepare_helpdesk(opts, db)

        load_at_start = os.getloadavg()[0]
        self.cpu_probe_ms = _cpu_probe_ms()
        servers = []
        try:
            port = _free_port()
            servers.append(self.start_gunicorn(port, opts["workers"]))
            portal_pages = [(name, port, url, cookie) for name, url, cookie in portal]
            self.check_pages(portal_pages)
            helpdesk_pages = {}
            if helpdesk is not None:
                hd_port = _free_port()
                servers.append(self.start_helpdesk(opts, helpdesk, hd_port))
                helpdesk_pages = {
                    name: (name, hd_port, url, helpdesk["cookie"])
                    for name, url in helpdesk["pages"]
                }
                self.check_pages(list(helpdesk_pages.values()))
            rows = []
            counterparts = [
                "ticket-list rows",
                "ticket page (50 follow-ups)",
                "dashboard",
                "ticket-list rows",
            ]
            for page, counterpart in zip(portal_pages, counterparts, strict=True):
                ours = self.measure(page, opts)
                theirs = helpdesk_pages.get(counterpart)
                rows.append((page[0], ours, counterpart, theirs and self.measure(theirs, opts)))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=20)
        self.report(rows, opts, helpdesk, load_at_start)

    # --- the portal ----------------------------------------------------------------------

    def prepare_portal(self, opts) -> list[tuple[str, str, str]]:
        fixture = self.seed(opts["cases"], 1, opts["messages"])
        self.stdout.write(
            f"Portal: {Case.objects.count():,} cases, {CaseMessage.objects.count():,} "
            "messages, one customer account"
        )
        # The served portal runs with its own key; sessions are signed with it.
        with override_settings(SECRET_KEY=self.secret_key):
            customer = self.session_cookie(fixture["customer"])
            agent = self.session_cookie(fixture["agent"])
        return [
            ("customer case list", reverse("cases:list"), customer),
            ("case page (50 messages)", fixture["detail_url"], customer),
            ("customer home", reverse("home"), customer),
            ("admin case queue", reverse("admin:cases_case_changelist"), agent),
        ]

    # --- django-helpdesk -----------------------------------------------------------------

    def prepare_helpdesk(self, opts, db) -> dict:
        venv = Path(settings.BASE_DIR) / opts["helpdesk_venv"]
        python = venv / "bin" / "python"
        if (
            not python.exists()
            or subprocess.run(  # noqa: S603 - our own venv
                [python, "-c", "import helpdesk, gunicorn, psycopg"], capture_output=True
            ).returncode
        ):
            self.stdout.write(f"Installing {HELPDESK} into {opts['helpdesk_venv']}…")
            # The portal's interpreter, Django, gunicorn and psycopg: only the app differs.
            base = Path(sys.base_prefix) / "bin" / "python3"
            subprocess.run([base, "-m", "venv", venv], check=True)  # noqa: S603
            subprocess.run(  # noqa: S603 - pinned packages from the package index
                [
                    python,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    HELPDESK,
                    f"Django=={version('Django')}",
                    f"gunicorn=={version('gunicorn')}",
                    f"psycopg[binary]=={version('psycopg')}",
                ],
                check=True,
            )
        name = f"{db['NAME']}_helpdesk"
        _create_database(db, name)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "hd_settings",
            "PYTHONPATH": str(HELPDESK_SITE),
            "SECRET_KEY": self.secret_key,
            "HD_DB_NAME": name,
            "HD_DB_USER": db.get("USER") or "",
            "HD_DB_PASSWORD": db.get("PASSWORD") or "",
            "HD_DB_HOST": db.get("HOST") or "",
            "HD_DB_PORT": str(db.get("PORT") or ""),
        }
        subprocess.run(  # noqa: S603
            [python, "-m", "django", "migrate", "--noinput", "-v0"],
            cwd=HELPDESK_SITE,
            env=env,
            check=True,
        )
        seeded = subprocess.run(  # noqa: S603
            [
                python,
                HELPDESK_SITE / "hd_seed.py",
                "--tickets",
                str(opts["cases"]),
                "--followups",
                str(opts["messages"]),
            ],
            cwd=HELPDESK_SITE,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        data = json.loads(seeded.stdout.strip().splitlines()[-1])
        self.stdout.write(
            f"django-helpdesk: {data['tickets']:,} tickets, {data['followups']:,} follow-ups"
        )
        # The query the ticket list page hands to its rows (open and reopened, by date).
        query = {
            "filtering": {"status__in": [1, 2]},
            "sorting": "created",
            "search_string": "",
            "sortreverse": False,
        }
        b64 = base64.b64encode(json.dumps(query).encode()).decode()
        rows = f"/helpdesk/datatables_ticket_list/{b64}?draw=1&start=0&length={opts['rows']}"
        return {
            "python": python,
            "env": env,
            "cookie": data["cookie"],
            "pages": [
                ("ticket-list rows", rows),
                ("ticket page (50 follow-ups)", f"/helpdesk/tickets/{data['ticket']}/"),
                ("dashboard", "/helpdesk/dashboard/"),
            ],
        }

    def start_helpdesk(self, opts, helpdesk, port) -> subprocess.Popen:
        gunicorn = helpdesk["python"].with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603 - the helpdesk's gunicorn, arguments built here
            [
                gunicorn,
                "hd_wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(opts["workers"]),
                "--log-level",
                "warning",
            ],
            cwd=HELPDESK_SITE,
            # Its dashboard filters by naive dates: one warning a request, not ours to fix.
            env={**helpdesk["env"], "PYTHONWARNINGS": "ignore::RuntimeWarning"},
        )
        _wait_for(server, port)
        return server

    # --- measuring -----------------------------------------------------------------------

    def check_pages(self, pages) -> None:
        """Every page answers 200 to its session: a redirect to sign-in would be fast."""
        for name, port, url, cookie in pages:
            status, body = _get(port, url, cookie)
            if status != 200:
                raise CommandError(f"{name} ({url}) answered {status}.")
            self.stdout.write(f"  {name}: 200, {len(body):,} bytes")

    def measure(self, page, opts) -> dict:
        name, port, url, cookie = page
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        try:
            base = [
                self.wrk,
                f"-t{opts['threads']}",
                f"-c{opts['connections']}",
                "--timeout",
                "60s",
                "-s",
                script.name,
                "-H",
                f"Cookie: {cookie}",
                f"http://127.0.0.1:{port}{url}",
            ]
            # Warm every worker (templates, caches, connections) before measuring.
            _warm(port, url, cookie, opts["connections"])
            out = subprocess.run(  # noqa: S603
                [*base, f"-d{opts['duration']}s"], check=True, capture_output=True, text=True
            ).stdout
            # wrk leaves requests in flight; a sync worker still serves them. One request
            # more returns once they are done, so the next page starts on idle servers.
            _get(port, url, cookie)
        finally:
            os.unlink(script.name)
        line = next(x for x in out.splitlines() if x.startswith("bench_load "))
        requests, duration_us, p50_us, p95_us, bad_status, failed = map(int, line.split()[1:])
        result = {
            "rps": requests / (duration_us / 1e6),
            "p50": p50_us / 1000,
            "p95": p95_us / 1000,
            "errors": bad_status + failed,
        }
        errors = f"  ({result['errors']} errors)" if result["errors"] else ""
        self.stdout.write(
            f"  {name:28} {result['rps']:7.1f} req/s  p50 {result['p50']:7.1f} ms  "
            f"p95 {result['p95']:7.1f} ms{errors}"
        )
        return result

    def report(self, rows, opts, helpdesk, load_at_start) -> None:
        self.stdout.write(
            f"\nwrk -t{opts['threads']} -c{opts['connections']} -d{opts['duration']}s · "
            f"gunicorn {opts['workers']} sync workers each · {os.cpu_count()} CPUs · "
            f"load average {load_at_start:.2f} at the start · CPU probe "
            f"{self.cpu_probe_ms:.1f} ms · Python {platform.python_version()} · "
            f"PostgreSQL · {opts['cases']:,} cases and tickets\n"
        )
        header = (
            f"{'portal page':26} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}   "
            f"{'django-helpdesk':28} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, ours, counterpart, theirs in rows:
            line = f"{name:26} {ours['rps']:7.1f} {ours['p50']:8.1f} {ours['p95']:8.1f}   "
            if theirs and theirs["rps"]:
                line += (
                    f"{counterpart:28} {theirs['rps']:7.1f} {theirs['p50']:8.1f} "
                    f"{theirs['p95']:8.1f} {ours['rps'] / theirs['rps']:5.1f}x"
                )
            self.stdout.write(line)
        if helpdesk:
            self.stdout.write(
                f"(ticket-list rows: the JSON of {opts['rows']} rows the ticket list page "
                "loads; ratio: portal req/s over helpdesk req/s)"
            )
        if any(r[1]["errors"] or (r[3] and r[3]["errors"]) for r in rows):
            self.stdout.write(self.style.WARNING("Some requests failed: see the lines above."))


def _get(port: int, url: str, cookie: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", url, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _warm(port: int, url: str, cookie: str, clients: int) -> None:
    """Two requests from each of `clients` at once, each waited for."""
    threads = [
        threading.Thread(target=lambda: [_get(port, url, cookie) for _ in range(2)])
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _create_database(db, name: str, template: str | None = None) -> bool:
    """Create the PostgreSQL database `name` with the portal's credentials if it is missing
    (a copy of database `template` if given); True if it was created."""
    import psycopg
    from psycopg import sql

    params = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        conn.execute(statement)
    return True


def _wait_for(server: subprocess.Popen, port: int) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if server.poll() is not None:
                raise CommandError("gunicorn did not start.") from None
            time.sleep(0.2)
    server.terminate()
    raise CommandError("gunicorn did not start within 30 seconds.")
