"""Push generated messages through ingest_email's code path and print messages/second.

    manage.py bench_inbound              1,000 messages (the full run)
    manage.py bench_inbound --count 200  a quick run

No process start-up is measured: the messages go straight to `ingest()`, each in its
own transaction, as `ingest_email` and the IMAP poll do. The mix: replies in a case's
thread, new cases from contacts, strangers (quarantine, access replies rate-limited),
out-of-office replies and duplicates. Mail tasks are queued on an in-memory broker
(the worker's sending is not part of ingesting). Run it against PostgreSQL with
DATABASE_URL. The bench
account and its rows are kept (marked by its name) and reused by the next run.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from datetime import time as clock
from unittest import mock

from celery import current_app as celery_app
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings

from accounts.models import Account, Contact, OfficeHoursCalendar, OpeningRange, User
from cases import services as case_services
from cases.models import Category, OutboundMessage
from core import outbox
from inbound.models import InboundMessage
from inbound.services import ingest

ACCOUNT = "Bench Inbound Account"
DOMAIN = "bench-inbound.example"
# Replies are spread over this many cases (each reply locks its case row).
CASES = 20


def _message(kind: str, n: int, run: str, *, thread_id: str, reference: str) -> bytes:
    contact = f"contact{n % 5}@{DOMAIN}"
    headers = {
        "reply": (contact, f"Re: [{reference}] Bench case", f"In-Reply-To: <{thread_id}>\r\n"),
        "new": (contact, f"Bench question {n}", ""),
        "stranger": (f"stranger{n % 7}@elsewhere.example", f"Hello {n}", ""),
        "ooo": (
            contact,
            f"Automatic reply: [{reference}] Bench case",
            "Auto-Submitted: auto-replied\r\n",
        ),
    }[kind]
    sender, subject, extra = headers
    return (
        f"From: Bench <{sender}>\r\nTo: support@example.com\r\nSubject: {subject}\r\n"
        f"Message-ID: <{run}.{n}@{DOMAIN}>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n"
        f"{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Message {n} of the benchmark.\r\nThe API returns 503 for some calls.\r\n\r\n"
        f"On Wed someone wrote:\r\n> earlier text\r\n> more quoted text\r\n"
    ).encode()


class Command(BaseCommand):
    help = "Measure messages per second through the inbound mail code path."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Concurrent ingesters (threads, as an MTA runs several pipes); PostgreSQL only.",
        )

    def _world(self):
        calendar, _ = OfficeHoursCalendar.objects.get_or_create(name="Bench Inbound hours")
        if not calendar.opening_ranges.exists():
            OpeningRange.objects.bulk_create(
                OpeningRange(calendar=calendar, weekday=d, opens=clock(9), closes=clock(17))
                for d in range(5)
            )
        tam, _ = User.objects.get_or_create(
            email=f"tam@{DOMAIN}", defaults={"full_name": "Bench TAM", "is_staff": True}
        )
        account, _ = Account.objects.get_or_create(
            name=ACCOUNT,
            defaults={"time_zone": "Europe/Amsterdam", "office_hours": calendar, "tam": tam},
        )
        users = []
        for i in range(5):
            user, created = User.objects.get_or_create(
                email=f"contact{i}@{DOMAIN}", defaults={"full_name": f"Bench Contact {i}"}
            )
            if created:
                user.set_unusable_password()
                user.save()
                Contact.objects.create(user=user, account=account)
            users.append(user)
        threads = []
        for _ in range(CASES):
            case = case_services.case_open(
                account=account,
                requester=users[0],
                subject="Bench case",
                description="Benchmark",
                category=Category.SOFTWARE_BUG,
            )
            thread_id = f"bench-{secrets.token_hex(6)}@example.com"
            OutboundMessage.objects.create(
                case=case,
                message_id=f"<{thread_id}>",
                kind="replied",
                source_key=f"bench:{thread_id}",
                recipient=users[0].email,
                subject=f"[{case.reference}] Bench case",
                sent_at=case.opened_at,
            )
            threads.append((case.reference, thread_id))
        return threads

    def handle(self, *args, count=1000, workers=1, **options):
        self.run(count, workers)

    def run(self, count: int, workers: int = 1) -> float:
        """Ingest `count` messages; returns messages per second."""
        if connection.vendor != "postgresql":
            workers = 1
        conf = celery_app.conf
        saved = conf.task_always_eager, conf.broker_url
        conf.task_always_eager, conf.broker_url = False, "memory://"
        try:
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
                # Tasks go to the in-memory broker: the mail they send is not measured.
                mock.patch("core.outbox.publish", outbox.send_to_broker),
            ):
                return self._run(count, max(1, workers))
        finally:
            conf.task_always_eager, conf.broker_url = saved

    def _run(self, count: int, workers: int) -> float:
        threads = self._world()
        run = secrets.token_hex(4)
        plan = []
        for n in range(count):
            slot = n % 20
            if slot < 12:
                kind = "reply"
            elif slot < 15:
                kind = "new"
            elif slot < 18:
                kind = "stranger"
            elif slot < 19:
                kind = "ooo"
            else:
                kind = "duplicate"
            plan.append(kind)
        raws = []
        for n, kind in enumerate(plan):
            if kind == "duplicate":
                raws.append(raws[n - 1])
            else:
                reference, thread_id = threads[n % len(threads)]
                raws.append(_message(kind, n, run, thread_id=thread_id, reference=reference))
        before = InboundMessage.objects.count()
        outcomes: Counter[str] = Counter()
        spent: Counter[str] = Counter()
        lock = threading.Lock()
        work = list(zip(plan, raws, strict=True))

        def ingester(share):
            mine_outcomes: Counter[str] = Counter()
            mine_spent: Counter[str] = Counter()
            try:
                for kind, raw in share:
                    began = time.perf_counter()
                    row = ingest(raw)
                    mine_spent[kind] += time.perf_counter() - began
                    mine_outcomes["duplicate" if row.duplicate else row.outcome] += 1
            finally:
                if workers > 1:
                    connection.close()
            with lock:
                outcomes.update(mine_outcomes)
                spent.update(mine_spent)

        start = time.perf_counter()
        if workers == 1:
            ingester(work)
        else:
            threads = [
                threading.Thread(target=ingester, args=(work[i::workers],)) for i in range(workers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        elapsed = time.perf_counter() - start
        stored = InboundMessage.objects.count() - before
        self.stdout.write(
            f"bench_inbound on {connection.vendor}, {workers} worker(s): "
            f"{count} messages in {elapsed:.2f} s = "
            f"{count / elapsed:.0f} messages/second (no attachments; {stored} stored)"
        )
        self.stdout.write("  " + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
        kinds = Counter(plan)
        self.stdout.write(
            "  mean ms per message: "
            + ", ".join(f"{k} {1000 * spent[k] / kinds[k]:.1f}" for k in sorted(kinds))
        )
        return count / elapsed
