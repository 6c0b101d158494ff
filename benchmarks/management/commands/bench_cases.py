"""Seed many support cases and measure the busiest pages under load.

    manage.py bench_cases            10,000 cases over 200 accounts (the full run)
    manage.py bench_cases --small    500 cases over 20 accounts (a quick run)

For each page (customer case list, case detail with 50 messages, customer home, admin
changelist, and the staff's full-text search of the queue for one case and for a word
every case holds) it prints the SQL query count of one request, then the median and p95
time and the requests per second with the portal served by gunicorn and 8 concurrent
clients on loopback; `--pages search` measures only the pages whose name holds "search".
On PostgreSQL it also prints the plan of each search's main statement. Run it against
PostgreSQL with DATABASE_URL. The seeded rows are kept (marked by their account names)
and reused by the next run.
"""

from __future__ import annotations

import http.client
import os
import platform
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat, LPad
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Account, Contact, OfficeHoursCalendar, OpeningRange, User
from cases import deadlines
from cases.models import Case, CaseEvent, CaseMessage, Status

PREFIX = "Bench Account "
STATUSES = [
    Status.NEW,
    Status.IN_PROGRESS,
    Status.WAITING_ON_CUSTOMER,
    Status.WORKAROUND_PROVIDED,
    Status.RESOLUTION_PROPOSED,
    Status.RESOLVED,
    Status.CLOSED,
]


class Command(BaseCommand):
    help = "Seed cases and report query counts and timings of the case pages under load."

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="500 cases over 20 accounts.")
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--accounts", type=int, default=200)
        parser.add_argument("--messages", type=int, default=4, help="Messages per case.")
        parser.add_argument("--requests", type=int, default=400, help="Requests per page.")
        parser.add_argument("--concurrency", type=int, default=8)
        parser.add_argument(
            "--workers", type=int, default=0, help="gunicorn workers (default: CPUs + 1)."
        )
        parser.add_argument("--port", type=int, default=0)
        parser.add_argument(
            "--pages", default="", help="Only the pages whose name holds this text."
        )

    def handle(self, *args, **opts):
        self.verbosity = opts["verbosity"]
        if opts["small"]:
            opts.update(cases=500, accounts=20, requests=min(opts["requests"], 120))
        if opts["cases"] < opts["accounts"]:
            raise CommandError("--cases must be at least --accounts.")
        vendor = connection.vendor
        self.stdout.write(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
        if vendor != "postgresql":
            self.stdout.write(self.style.WARNING("Figures are meant for PostgreSQL."))
        started = time.monotonic()
        fixture = self.seed(opts["cases"], opts["accounts"], opts["messages"])
        self.stdout.write(
            f"Data: {Case.objects.count():,} cases, {CaseMessage.objects.count():,} messages, "
            f"{Account.objects.count():,} accounts (seeded in {time.monotonic() - started:.1f} s)"
        )
        queue = reverse("admin:cases_case_changelist")
        one_case = urlencode({"q": f'"Bench case {opts["cases"] // 2}"', "open": "all"})
        pages = [
            ("customer case list", reverse("cases:list"), "customer"),
            ("case detail (50 messages)", fixture["detail_url"], "customer"),
            ("customer home", reverse("home"), "customer"),
            ("admin changelist", queue, "agent"),
            # A phrase one case's subject holds; a word in every case's messages, ranked.
            ("staff search, one case", f"{queue}?{one_case}", "agent"),
            ("staff search, every case", f"{queue}?q=logs&open=all", "agent"),
        ]
        pages = [page for page in pages if opts["pages"] in page[0]]
        users = {"customer": fixture["customer"], "agent": fixture["agent"]}
        counts = {name: self.count_queries(url, users[who]) for name, url, who in pages}
        for name, url, who in pages:
            if "search" in name and vendor == "postgresql":
                self.explain(name, url, users[who])
        # The served portal runs with DEBUG off and its own key; sessions are signed with it.
        self.secret_key = os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48)
        with override_settings(SECRET_KEY=self.secret_key):
            cookies = {who: self.session_cookie(user) for who, user in users.items()}
        # Other work on the machine shares its CPUs with the server: say how much, and
        # how fast a CPU is just now (a shared host's vary by half from minute to minute).
        load_at_start = os.getloadavg()[0]
        self.cpu_probe_ms = _cpu_probe_ms()
        port = opts["port"] or _free_port()
        # The pages are CPU-bound: one worker per CPU and one to use the time others wait
        # on the database. More workers only queue on the same CPUs (5 instead of 3 on
        # 2 CPUs raised every page's p95 by 20-40 %).
        workers = opts["workers"] or ((os.cpu_count() or 1) + 1)
        server = self.start_gunicorn(port, workers)
        try:
            rows = []
            for name, url, who in pages:
                rows.append((name, counts[name], *self.measure(port, url, opts, cookies[who])))
        finally:
            server.terminate()
            server.wait(timeout=20)
        self.report(rows, opts, workers, load_at_start)

    def measure(self, port: int, url: str, opts, cookie: str, headers=None) -> tuple:
        """(1-client times, times, elapsed, errors, client CPU per request) of one page."""
        # One client alone first: the time of a request when nothing competes.
        alone, _elapsed, _errors = _load(port, url, cookie, 30, 1, headers)
        cpu = time.process_time()
        times, elapsed, errors = _load(
            port, url, cookie, opts["requests"], opts["concurrency"], headers
        )
        client_cpu = (time.process_time() - cpu) / max(len(times), 1)
        return alone, times, elapsed, errors, client_cpu

    # --- seeding -------------------------------------------------------------------

    def seed(self, n_cases: int, n_accounts: int, n_messages: int) -> dict:
        existing = Account.objects.filter(name__startswith=PREFIX).count()
        if (
            existing < n_accounts
            or Case.objects.filter(account__name__startswith=PREFIX).count() < n_cases
        ):
            self.stdout.write("Seeding…")
            with transaction.atomic():
                self._seed(n_cases, n_accounts, n_messages)
            if connection.vendor == "postgresql":
                # What autovacuum does after a bulk insert on a live database: statistics
                # for the planner, and a visibility map for index-only counts.
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM ANALYZE")
        account = Account.objects.filter(name__startswith=PREFIX).order_by("name").first()
        customer = User.objects.get(contact__account=account)
        agent = User.objects.get(email="bench.agent@example.com")
        detail = Case.objects.filter(account=account, subject="Bench case with 50 messages").get()
        return {
            "customer": customer,
            "agent": agent,
            "detail_url": reverse("cases:detail", args=[detail.reference]),
        }

    def _seed(self, n_cases: int, n_accounts: int, n_messages: int) -> None:
        rng = random.Random(2026)  # noqa: S311 - repeatable sample data, not a secret
        now = timezone.now()
        calendar = _calendar("Bench calendar")
        agent = _staff("bench.agent@example.com", "Bench Agent", roles.SUPPORT_AGENTS)
        tams = [
            _staff(f"bench.tam{i}@example.com", f"Bench TAM {i}", roles.TECHNICAL_ACCOUNT_MANAGERS)
            for i in range(10)
        ]
        accounts = []
        for i in range(n_accounts):
            account, _ = Account.objects.get_or_create(
                name=f"{PREFIX}{i:04d}",
                defaults={"tam": tams[i % len(tams)], "office_hours": calendar},
            )
            email = f"bench.customer{i:04d}@customer.example"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, None, full_name=f"Bench Customer {i:04d}"
            )
            Contact.objects.get_or_create(user=user, defaults={"account": account})
            accounts.append((account, user))

        already = Case.objects.filter(account__name__startswith=PREFIX).count()
        cases = []
        for k in range(already, n_cases):
            account, user = accounts[k % len(accounts)]
            opened = now - timedelta(minutes=rng.randint(1, 60 * 24 * 90))
            status = rng.choice(STATUSES)
            critical = rng.random() < 0.1
            answered = status != Status.NEW
            cases.append(
                Case(
                    account=account,
                    requester=user,
                    subject=f"Bench case {k}",
                    description="Bounces arrive twice for **some** recipients.",
                    category="software_bug",
                    severity="critical" if critical else "non_critical",
                    status=status,
                    assigned_agent=agent if answered else None,
                    opened_at=opened,
                    updated_at=opened + timedelta(hours=1),
                    first_response_at=opened + timedelta(minutes=30) if answered else None,
                    first_response_due_at=opened + timedelta(minutes=15 if critical else 240),
                    resolved_at=opened + timedelta(days=1)
                    if status in (Status.RESOLVED, Status.CLOSED)
                    else None,
                    closed_at=opened + timedelta(days=2) if status == Status.CLOSED else None,
                )
            )
        account, user = accounts[0]
        if not Case.objects.filter(subject="Bench case with 50 messages").exists():
            cases.append(_long_case(account, user, agent, "Bench case with 50 messages", now))
        for case in cases:
            deadlines.set_next_deadline(case)
        created = Case.objects.bulk_create(cases, batch_size=2000)
        Case.objects.filter(reference__isnull=True).update(
            reference=Concat(
                Value("EE-"), LPad(Cast("id", CharField()), 6, Value("0")), output_field=CharField()
            )
        )
        messages, events = [], []
        for case in created:
            count = 50 if case.subject == "Bench case with 50 messages" else n_messages
            events.append(
                CaseEvent(case=case, kind="opened", at=case.opened_at, actor=case.requester)
            )
            for m in range(count):
                staff = m % 2 == 1
                messages.append(
                    CaseMessage(
                        case=case,
                        author=agent if staff else case.requester,
                        body=f"Message {m}: we looked at the **logs** and found request ids.",
                        visibility="internal" if staff and m % 6 == 5 else "public",
                        created_at=case.opened_at + timedelta(minutes=10 * (m + 1)),
                    )
                )
                if staff and m == 1:
                    events.append(
                        CaseEvent(
                            case=case,
                            kind="status_changed",
                            at=case.opened_at + timedelta(minutes=20),
                            actor=agent,
                            from_status="new",
                            to_status="in_progress",
                        )
                    )
        CaseMessage.objects.bulk_create(messages, batch_size=5000)
        CaseEvent.objects.bulk_create(events, batch_size=5000)

    # --- measuring -------------------------------------------------------------------

    def count_queries(self, url: str, user) -> int:
        client = _signed_in(user)
        client.get(url)  # warm caches that a long-running worker has warm too
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}.")
        return len(ctx.captured_queries)

    def explain(self, name: str, url: str, user) -> None:
        """The plan of the page's main statement (the last), with its time in the
        database and whether the search's GIN indexes were used."""
        client = _signed_in(user)
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        sql = ctx.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        used = [index for index in ("case_search", "case_message_search") if index in plan]
        total = plan.rsplit("Execution Time:", 1)[-1].strip()
        self.stdout.write(
            f"{name}: the statement runs {total}; GIN indexes used: {', '.join(used) or 'none'}"
        )
        if self.verbosity > 1:
            self.stdout.write(plan)

    def session_cookie(self, user) -> str:
        from importlib import import_module

        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        # The backend that signs people in (axes' stands before it and only counts).
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if user.is_staff:
            # Staff pages open after the second factor (STAFF_MFA_REQUIRED is on without
            # DEBUG): the session is one that typed its code.
            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="bench", defaults={"confirmed": True}
            )
            store[DEVICE_ID_SESSION_KEY] = device.persistent_id
        store.save()
        return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"

    def start_gunicorn(
        self, port: int, workers: int, *, collect: bool = True, environ=None
    ) -> subprocess.Popen:
        gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
        env = {
            **(environ or os.environ),
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "WARNING",
        }
        # With DEBUG off, pages name their static files from the collected manifest.
        if collect:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=settings.BASE_DIR,
                env=env,
                check=True,
            )
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, arguments built here
            [
                gunicorn,
                "portal.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return server
            except OSError:
                if server.poll() is not None:
                    raise CommandError("gunicorn did not start.") from None
                time.sleep(0.2)
        server.terminate()
        raise CommandError("gunicorn did not start within 30 seconds.")

    def report(self, rows, opts, workers, load_at_start) -> None:
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"\ngunicorn {workers} workers on {os.cpu_count()} CPUs · "
            f"{opts['concurrency']} concurrent clients · {opts['requests']} requests per page "
            f"· cache {cache} · load average {load_at_start:.2f} at the start "
            f"· CPU probe {self.cpu_probe_ms:.1f} ms (a fixed Python loop; lower is faster)\n"
            f"Python {platform.python_version()} at {sys.base_prefix} (interpreters built "
            "with profile-guided optimisation, as distributions ship them, run these pages "
            "a tenth to a quarter faster than those built without)\n"
            "(median, p95 and req/s under that load; '1 client' alone; 'client CPU' is what "
            "the load generator itself used per request, on the same CPUs)\n"
        )
        header = (
            f"{'page':28} {'queries':>7} {'1 client ms':>11} "
            f"{'median ms':>10} {'p95 ms':>8} {'req/s':>8} {'client CPU ms':>13}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for name, queries, alone, times, elapsed, errors, client_cpu in rows:
            ms = sorted(t * 1000 for t in times)
            p95 = ms[max(0, int(round(0.95 * len(ms))) - 1)]
            line = (
                f"{name:28} {queries:>7} {statistics.median(alone) * 1000:>11.1f} "
                f"{statistics.median(ms):>10.1f} {p95:>8.1f} {len(times) / elapsed:>8.1f} "
                f"{client_cpu * 1000:>13.2f}"
            )
            if errors:
                line += f"  ({errors} errors)"
            self.stdout.write(line)


def _long_case(account, user, agent, subject: str, now) -> Case:
    """The case of 50 messages (unsaved), three days old and in progress."""
    return Case(
        account=account,
        requester=user,
        subject=subject,
        description="A long conversation.",
        category="software_bug",
        severity="non_critical",
        status=Status.IN_PROGRESS,
        assigned_agent=agent,
        opened_at=now - timedelta(days=3),
        updated_at=now,
        first_response_at=now - timedelta(days=3),
        first_response_due_at=now - timedelta(days=2),
    )


def _calendar(name: str) -> OfficeHoursCalendar:
    """Office hours 9 to 17 on weekdays, Amsterdam time."""
    calendar, created = OfficeHoursCalendar.objects.get_or_create(
        name=name, defaults={"time_zone": "Europe/Amsterdam"}
    )
    if created:
        from datetime import time as t

        OpeningRange.objects.bulk_create(
            OpeningRange(calendar=calendar, weekday=d, opens=t(9), closes=t(17)) for d in range(5)
        )
    return calendar


def _staff(email: str, name: str, role: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, "bench-password-2026", full_name=name, is_staff=True)
        user.groups.add(Group.objects.get(name=role))
    return user


def _signed_in(user) -> Client:
    """A client signed in as `user`; a staff login with an authenticator (a run before
    made one) as a session that typed its code, as the served portal asks."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _cpu_probe_ms() -> float:
    """The best of five runs of a fixed pure-Python loop, in ms."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(100_000))
        best = min(best, time.perf_counter() - started)
    return best * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(port: int, url: str, cookie: str, total: int, concurrency: int, headers=None):
    """`total` GETs of `url` from `concurrency` threads with kept-alive connections,
    sending the session `cookie` (if any) and `headers`."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_thread = [
        total // concurrency + (1 if i < total % concurrency else 0) for i in range(concurrency)
    ]

    def run(n):
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {}), **(headers or {})}
        mine = []
        bad = 0
        for _ in range(n):
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers=sent)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - t0)
        conn.close()
        with lock:
            times.extend(mine)
            errors += bad

    # Warm every worker first.
    run(concurrency * 2)
    times.clear()
    errors = 0
    threads = [threading.Thread(target=run, args=(n,)) for n in per_thread]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, time.perf_counter() - started, errors
