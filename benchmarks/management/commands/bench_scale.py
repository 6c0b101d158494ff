"""The portal at a million cases, side by side with the same portal at ten thousand.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale \\
        .venv/bin/python manage.py bench_scale            # 1,000,000 cases against 10,000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale_small \\
        .venv/bin/python manage.py bench_scale --small    # 20,000 against 10,000

PostgreSQL only; needs wrk and dnsmasq. Two databases: the configured one holds `--cases`
cases over `--cases / --per-account` accounts, `<name>_base` holds `--base-cases` with
the same number on each account (100), so every customer page shows the same rows and only the
tables' size differs. Each is created when missing, migrated, and seeded in bulk
(INSERT … SELECT over generate_series; 4 messages a case, one case with 50); the rows are
kept for the next run.

It serves each database with gunicorn (2 sync workers, DEBUG off) and measures the
customer case list, case page, home, the agents' queue and its full-text search for one
case with wrk (8 connections), each page on the small database right before the big
one. Then, in this process, on each database: the SLA sweep with nothing due (median
of 5) and with `--due` deadlines due, last month's SLA report, inbound mail per second
(bench_inbound's mix) and a blocklist run over `--assets` sending IPs against dnsmasq on
loopback. It prints the figures with
their targets, and the query plan (EXPLAIN ANALYZE) of the main statement of each page
and job on the big database, flagging every sequential scan on a big table.
"""

from __future__ import annotations

import io
import os
import platform
import random
import secrets
import shutil
import statistics
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from benchmarks import scale
from benchmarks.management.commands.bench_cases import _cpu_probe_ms, _free_port
from benchmarks.management.commands.bench_inbound import Command as InboundBench
from benchmarks.management.commands.bench_load import Command as LoadBench
from benchmarks.management.commands.bench_load import _create_database
from cases import selectors, services, sla_report
from cases.models import OPEN_STATUSES, Case, CaseEvent, SlaNotice
from deliverability.blocklists import dnsbl
from deliverability.blocklists import services as blocklists
from deliverability.models import Blocklist, CheckRun, SendingIP

PAGES = [
    "customer case list",
    "case page (50 messages)",
    "customer home",
    "agents' queue",
    "agents' search, one case",
]
# The staff's full-text search for a phrase one case's subject holds, in every case.
ONE_CASE_SEARCH = "?" + urlencode({"q": f'"{scale.SUBJECT}5000"', "open": "all"})
PAGE_RATIO = 0.8  # every page within 20 % of its req/s on the small database
SWEEP_MS = 50
REPORT_S = 1.0


class Command(LoadBench):
    help = "Seed a million cases and measure pages and jobs against ten thousand."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--base-cases", type=int, default=10_000)
        parser.add_argument("--small", action="store_true", help="20,000 cases against 10,000.")
        parser.add_argument("--per-account", type=int, default=100, help="Cases an account.")
        parser.add_argument("--messages", type=int, default=4, help="Messages a case.")
        parser.add_argument("--duration", type=int, default=20, help="Seconds of wrk a page.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers.")
        parser.add_argument("--due", type=int, default=1000, help="Deadlines due at once.")
        parser.add_argument("--inbound", type=int, default=1000, help="Messages ingested.")
        parser.add_argument("--assets", type=int, default=10_000, help="Sending IPs checked.")
        parser.add_argument(
            "--big-table", type=int, default=100_000, help="Rows that make a table big."
        )
        parser.add_argument("--seed-only", action="store_true", help="Seed, measure nothing.")

    def handle(self, *args, **opts):
        if opts["small"]:
            opts.update(cases=20_000, base_cases=10_000)
        if opts["cases"] < opts["per_account"] or opts["base_cases"] < opts["per_account"]:
            raise CommandError("--cases and --base-cases must be at least --per-account.")
        self.wrk = shutil.which("wrk")
        if self.wrk is None:
            raise CommandError("wrk is needed: apt-get install -y wrk (Debian).")
        if connection.vendor != "postgresql":
            raise CommandError(
                "Run it on PostgreSQL, e.g. "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale"
            )
        try:
            from tests.dns_server import DnsServer, dnsmasq_missing_reason
        except ImportError:
            raise CommandError("The benchmark runs from a checkout with its tests.") from None
        if reason := dnsmasq_missing_reason():
            raise CommandError(reason)
        self.dns_server_class = DnsServer
        self.secret_key = os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48)
        self.loads = [os.getloadavg()[0]]
        name = settings.DATABASES["default"]["NAME"]
        self.databases = [
            {"label": f"{opts['base_cases']:,} cases", "name": f"{name}_base", "cases": "base"},
            {"label": f"{opts['cases']:,} cases", "name": name, "cases": "cases"},
        ]
        template = None
        for db in self.databases:
            db["cases"] = opts["base_cases"] if db["cases"] == "base" else opts["cases"]
            # A database created now is a copy of the one migrated just before it.
            created = _create_database(settings.DATABASES["default"], db["name"], template)
            with self.database(db["name"]):
                call_command("migrate", verbosity=0)
            template = db["name"] if created else None
        for db in self.databases:
            self.prepare(db, opts)
        if opts["seed_only"]:
            return
        self.loads.append(os.getloadavg()[0])
        self.cpu_probe_ms = _cpu_probe_ms()
        self.serve_and_measure(opts)
        self.loads.append(os.getloadavg()[0])
        self.run_jobs(opts)
        self.loads.append(os.getloadavg()[0])
        self.report(opts)

    # --- databases -----------------------------------------------------------------------

    @contextmanager
    def database(self, name: str):
        """Point this process's connection at database `name` for the block."""
        default = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = name
        ContentType.objects.clear_cache()
        for cache in caches.all():
            if isinstance(cache, LocMemCache):
                cache.clear()
        try:
            yield
        finally:
            connection.close()
            connection.settings_dict["NAME"] = default
            ContentType.objects.clear_cache()

    def database_url(self, name: str) -> str:
        s = settings.DATABASES["default"]
        auth = quote(s.get("USER") or "postgres") + (
            f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
        )
        return f"postgres://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{name}"

    def prepare(self, db: dict, opts) -> None:
        with self.database(db["name"]):
            started = time.monotonic()
            if not scale.seeded(db["cases"]):
                self.stdout.write(f"Seeding {db['name']}…")
                scale.seed(db["cases"], opts["per_account"], opts["messages"], self.stdout.write)
                self._assets(opts["assets"])
                # What autovacuum does after a bulk insert on a live database: statistics
                # for the planner, and a visibility map for index-only scans.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
                db["seeded_in"] = time.monotonic() - started
            self._assets(opts["assets"])
            db["fixture"] = scale.fixture()
            db["counts"] = {
                "cases": Case.objects.count(),
                "open": Case.objects.filter(status__in=OPEN_STATUSES).count(),
            }
            with override_settings(SECRET_KEY=self.secret_key):
                for who in ("customer", "agent", "manager"):
                    db[who] = self.session_cookie(db["fixture"][who])
        seeded = f", seeded in {db['seeded_in']:.0f} s" if "seeded_in" in db else ""
        self.stdout.write(
            f"{db['name']}: {db['counts']['cases']:,} cases, {db['counts']['open']:,} open{seeded}"
        )

    def _assets(self, n: int) -> None:
        have = SendingIP.objects.filter(stream="scale").count()
        if have >= n:
            return
        accounts = list(
            scale.Account.objects.filter(name__startswith=scale.PREFIX)
            .order_by("name")
            .values_list("pk", flat=True)
        )
        SendingIP.objects.bulk_create(
            [
                SendingIP(
                    account_id=accounts[i % len(accounts)],
                    address=f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
                    stream="scale",
                )
                for i in range(have, n)
            ],
            batch_size=5000,
        )

    # --- pages ---------------------------------------------------------------------------

    def serve_and_measure(self, opts) -> None:
        servers = []
        try:
            for i, db in enumerate(self.databases):
                db["port"] = _free_port()
                environ = {**os.environ, "DATABASE_URL": self.database_url(db["name"])}
                server = self.start_gunicorn(
                    db["port"], opts["workers"], collect=i == 0, environ=environ
                )
                servers.append(server)
                db["pages"] = [
                    (PAGES[0], db["port"], reverse("cases:list"), db["customer"]),
                    (PAGES[1], db["port"], db["fixture"]["detail_url"], db["customer"]),
                    (PAGES[2], db["port"], reverse("home"), db["customer"]),
                    (PAGES[3], db["port"], reverse("admin:cases_case_changelist"), db["agent"]),
                    (
                        PAGES[4],
                        db["port"],
                        reverse("admin:cases_case_changelist") + ONE_CASE_SEARCH,
                        db["agent"],
                    ),
                ]
                self.stdout.write(f"{db['label']}:")
                self.check_pages(db["pages"])
            self.stdout.write("")
            self.page_results = []
            for i, page in enumerate(PAGES):
                results = []
                for db in self.databases:
                    name, port, url, cookie = db["pages"][i]
                    results.append(
                        self.measure((f"{page}, {db['label']}", port, url, cookie), opts)
                    )
                self.page_results.append((page, results))
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=20)

    # --- jobs ----------------------------------------------------------------------------

    def run_jobs(self, opts) -> None:
        zones = []
        records: dict[str, list[str]] = {}
        txt: dict[str, str] = {}
        with self.database(self.databases[0]["name"]):
            for bl in blocklists.active_blocklists():
                spec = bl.spec()
                zones.append(spec.zone)
                listed, _clean = dnsbl.health_point_names(spec, bl.test_domain)
                records[listed] = [next(iter(spec.codes), "127.0.0.2")]
            ip_zones = [bl.zone for bl in Blocklist.objects.filter(retired=False, kind="ip")]
        rng = random.Random(2026)  # noqa: S311 - repeatable sample data, not a secret
        for i in range(opts["assets"]):
            address = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            for zone in ip_zones:
                if rng.random() < 0.03:
                    records[dnsbl.query_name(address, zone, "ip")] = ["127.0.0.2"]
        server = self.dns_server_class(zones, records, txt).start()
        try:
            with override_settings(
                BLOCKLIST_NAMESERVERS=[server.nameserver],
                BLOCKLIST_TIMEOUT_SECONDS=2.0,
                BLOCKLIST_RETRIES=1,
            ):
                for db in self.databases:
                    with self.database(db["name"]):
                        self.stdout.write(f"\nJobs on {db['label']}:")
                        db["jobs"] = self.jobs(db, opts, explain=db is self.databases[-1])
        finally:
            server.stop()

    def jobs(self, db, opts, *, explain: bool) -> dict:
        out: dict = {"plans": {}}
        sizes = scale.table_sizes() if explain else {}

        def captured(label, queries):
            if explain:
                out["plans"][label] = scale.plans(queries, sizes, opts["big_table"])

        # The pages' statements, read through the test client in this process.
        if explain:
            for name, _port, url, cookie in db["pages"]:
                self.get(cookie, url)
                with _capture() as ctx:
                    self.get(cookie, url)
                captured(name, ctx.captured_queries)

        services.sla_sweep()  # warm up
        times = []
        for _ in range(5):
            with _capture() as ctx:
                started = time.perf_counter()
                done = services.sla_sweep()
                times.append((time.perf_counter() - started) * 1000)
        out["sweep_ms"] = statistics.median(times)
        out["sweep_did"] = sum(done.values())
        captured("SLA sweep, nothing due", ctx.captured_queries)
        self.stdout.write(f"  SLA sweep, nothing due: {out['sweep_ms']:.1f} ms")

        out.update(self.sweep_due(opts["due"]))
        self.stdout.write(
            f"  SLA sweep, {out['due']:,} due: {out['due_s']:.1f} s "
            f"({out['breaches']:,} breaches), the next sweep {out['after_ms']:.1f} ms"
        )

        now = timezone.now()
        end = datetime(now.year, now.month, 1, tzinfo=UTC)
        start = (end - timedelta(days=1)).replace(day=1)
        times = []
        for _ in range(3):
            with _capture() as ctx:
                started = time.perf_counter()
                events = selectors.sla_events(start=start, end=end)
                rows = sla_report.attainment(sla_report.outcomes_from_events(events))
                times.append(time.perf_counter() - started)
        out["report_s"] = statistics.median(times)
        out["report_month"] = f"{start:%Y-%m}"
        out["report_deadlines"] = sum(r.total for r in rows)
        out["report_accounts"] = len({r.account for r in rows})
        captured("SLA report", ctx.captured_queries)
        url = reverse("admin:cases_sla_report") + f"?month={start:%Y-%m}"
        times = []
        for _ in range(3):
            started = time.perf_counter()
            self.get(db["manager"], url)
            times.append(time.perf_counter() - started)
        out["report_page_s"] = statistics.median(times)
        self.stdout.write(
            f"  SLA report {out['report_month']}: {out['report_s']:.2f} s for "
            f"{out['report_deadlines']:,} deadlines on {out['report_accounts']:,} accounts; "
            f"the page {out['report_page_s']:.2f} s"
        )

        inbound = InboundBench(stdout=io.StringIO())
        out["inbound"] = inbound.run(opts["inbound"])
        with _capture() as ctx:
            InboundBench(stdout=io.StringIO()).run(20)
        captured("inbound mail", ctx.captured_queries)
        self.stdout.write(f"  inbound mail: {out['inbound']:.0f} messages/s")

        first = self.blocklist_run()
        with _capture() as ctx:
            second = self.blocklist_run()
        captured("blocklist run", ctx.captured_queries)
        out["blocklist"] = (first, second)
        self.stdout.write(
            f"  blocklist run over {second['assets']:,} IPs: {first['s']:.1f} s the first "
            f"(every answer new), {second['s']:.1f} s the next ({second['queries']:,} queries)"
        )
        return out

    def get(self, cookie: str, url: str):
        """GET `url` in this process with a session the served portal uses."""
        name, _sep, key = cookie.partition("=")
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[name] = key
        with override_settings(
            SECRET_KEY=self.secret_key, DEBUG=False, ALLOWED_HOSTS=["127.0.0.1"]
        ):
            response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code} in this process.")
        return response

    def sweep_due(self, n: int) -> dict:
        ids = list(
            Case.objects.filter(
                subject__startswith=scale.SUBJECT,
                status__in=["in_progress", "workaround_provided", "resolution_proposed"],
                next_update_due_at__isnull=False,
            ).values_list("pk", flat=True)[:n]
        )
        Case.objects.filter(pk__in=ids).update(
            next_update_due_at=timezone.now() - timedelta(minutes=1)
        )
        started = time.perf_counter()
        done = services.sla_sweep()
        due_s = time.perf_counter() - started
        started = time.perf_counter()
        services.sla_sweep()
        after_ms = (time.perf_counter() - started) * 1000
        # Quiet again for the next run.
        Case.objects.filter(pk__in=ids).update(
            next_update_due_at=timezone.now() + timedelta(days=365)
        )
        SlaNotice.objects.filter(case_id__in=ids).delete()
        CaseEvent.objects.filter(
            case_id__in=ids, kind__in=[CaseEvent.Kind.SLA_BREACH, CaseEvent.Kind.SLA_WARNING]
        ).delete()
        return {
            "due": len(ids),
            "due_s": due_s,
            "breaches": done["next_update_breach"],
            "after_ms": after_ms,
        }

    def blocklist_run(self) -> dict:
        assets = SendingIP.objects.count()
        started = time.perf_counter()
        run = blocklists.run_start(trigger=CheckRun.Trigger.COMMAND, enqueue=False, reuse=False)
        blocklists.run_execute(run_id=run.pk, enqueue_chunks=False)
        elapsed = time.perf_counter() - started
        run.refresh_from_db()
        if run.status != CheckRun.Status.FINISHED or run.resolver_failed:
            raise CommandError(f"The blocklist run did not finish: {run.status}.")
        return {"s": elapsed, "queries": run.queries, "assets": assets}

    # --- the report ----------------------------------------------------------------------

    def report(self, opts) -> None:
        base, big = self.databases
        loads = ", ".join(f"{x:.2f}" for x in self.loads)
        self.stdout.write(
            f"\nbench_scale: {big['label']} on {opts['cases'] // opts['per_account']:,}"
            f" accounts against {base['label']}, {opts['per_account']} cases an account, "
            f"{opts['messages']} messages a case · wrk -t{opts['threads']} "
            f"-c{opts['connections']} -d{opts['duration']}s · gunicorn {opts['workers']} sync "
            f"workers · {os.cpu_count()} CPUs · load average {loads} (start, pages, jobs, end) "
            f"· CPU probe {self.cpu_probe_ms:.1f} ms · Python {platform.python_version()}\n"
        )
        header = (
            f"{'page':26} {'req/s':>8} {'p95 ms':>8}   {'req/s':>8} {'p95 ms':>8} "
            f"{'ratio':>6}  target"
        )
        self.stdout.write(f"{'':26} {base['label']:>17}   {big['label']:>17}")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for page, (small, large) in self.page_results:
            ratio = large["rps"] / small["rps"] if small["rps"] else 0.0
            self.stdout.write(
                f"{page:26} {small['rps']:8.1f} {small['p95']:8.1f}   {large['rps']:8.1f} "
                f"{large['p95']:8.1f} {ratio:6.2f}  {self._mark(ratio >= PAGE_RATIO)} "
                f"(at least {PAGE_RATIO:.2f})"
            )
        a, b = base["jobs"], big["jobs"]
        rows = [
            (
                "SLA sweep, nothing due",
                f"{a['sweep_ms']:.1f} ms",
                f"{b['sweep_ms']:.1f} ms",
                f"{self._mark(b['sweep_ms'] < SWEEP_MS)} (under {SWEEP_MS} ms)",
            ),
            (
                f"SLA sweep, {b['due']:,} due",
                f"{a['due_s']:.1f} s",
                f"{b['due_s']:.1f} s",
                f"the next sweep {a['after_ms']:.0f} / {b['after_ms']:.0f} ms",
            ),
            (
                f"SLA report {b['report_month']}",
                f"{a['report_s']:.2f} s",
                f"{b['report_s']:.2f} s",
                f"{self._mark(b['report_s'] < REPORT_S)} (under {REPORT_S:.0f} s; "
                f"{a['report_deadlines']:,} / {b['report_deadlines']:,} deadlines)",
            ),
            (
                "SLA report page",
                f"{a['report_page_s']:.2f} s",
                f"{b['report_page_s']:.2f} s",
                "every account, as a Support Manager reads it",
            ),
            (
                "inbound mail",
                f"{a['inbound']:.0f}/s",
                f"{b['inbound']:.0f}/s",
                f"{opts['inbound']:,} messages, bench_inbound's mix",
            ),
            (
                f"blocklist run, {b['blocklist'][1]['assets']:,} IPs",
                f"{a['blocklist'][1]['s']:.1f} s",
                f"{b['blocklist'][1]['s']:.1f} s",
                f"{b['blocklist'][1]['queries']:,} queries; the first run "
                f"{a['blocklist'][0]['s']:.1f} / {b['blocklist'][0]['s']:.1f} s",
            ),
        ]
        self.stdout.write("")
        header = f"{'job':30} {base['label']:>17} {big['label']:>17}  target / note"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, small, large, note in rows:
            self.stdout.write(f"{name:30} {small:>17} {large:>17}  {note}")

        self.stdout.write(
            f"\nQuery plans on {big['label']}: the main statement of each page and job "
            f"(the one reading the largest table), EXPLAIN ANALYZE; big tables: "
            f"{opts['big_table']:,} rows or more"
        )
        scans = []
        for label, found in b["plans"].items():
            self.stdout.write(f"\n== {label} ({found['statements']} statements)")
            if found["main"]:
                self.stdout.write(found["main"][:600])
                self.stdout.write(found["plan"])
            scans += [(label, *scan) for scan in found["scans"]]
        if scans:
            self.stdout.write(self.style.WARNING("\nSequential scans on big tables:"))
            for label, table, rows_, sql in scans:
                self.stdout.write(f"  {label}: {table} ({rows_:,} rows) in {sql[:300]}")
        else:
            self.stdout.write("\nSequential scans on big tables: none")

    def _mark(self, ok: bool) -> str:
        return "ok" if ok else self.style.WARNING("MISSED")


def _capture() -> CaptureQueriesContext:
    """Capture the statements of a block. The log is emptied first: with DEBUG on it keeps
    the last 9,000 statements, and once full a capture would read none."""
    reset_queries()
    return CaptureQueriesContext(connection)
