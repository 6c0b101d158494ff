"""Measure the SLA sweep: its time with 1,000, 10,000 and 100,000 open cases of which
nothing is due, and with 1,000 deadlines due at once.

    DATABASE_URL=postgres://... manage.py bench_sla_sweep [--sizes 1000,10000,100000]

Seeds open cases in bulk on one account (named below; kept and reused by the next run)
and times `services.sla_sweep` (median of five runs when nothing is due). The due run
sends its alerts through the configured broker, as in production.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from accounts.models import Account, Contact, OfficeHoursCalendar, User
from cases import deadlines, services
from cases.models import Case, SlaNotice

ACCOUNT = "SLA sweep benchmark BV"


def _account():
    calendar = OfficeHoursCalendar.objects.order_by("id").first()
    account, _ = Account.objects.get_or_create(
        name=ACCOUNT,
        defaults={
            "time_zone": "Europe/Amsterdam",
            "office_hours": calendar,
            "tam": User.objects.filter(is_staff=True).order_by("id").first(),
        },
    )
    user, _ = User.objects.get_or_create(email="sweep-bench@example.invalid")
    Contact.objects.get_or_create(user=user, defaults={"account": account})
    return account, user


def _grow(account, user, target: int) -> None:
    have = Case.objects.filter(account=account).count()
    now = timezone.now()
    later = now + timedelta(days=365)
    batch = []
    for i in range(have, target):
        batch.append(
            Case(
                reference=f"SWB-{i:07d}",
                account=account,
                requester=user,
                subject=f"Benchmark case {i}",
                description="x",
                category="information",
                severity="critical" if i % 10 == 0 else "non_critical",
                status="in_progress",
                opened_at=now,
                updated_at=now,
                first_response_at=now if i % 2 else None,
                first_response_due_at=later,
                next_update_due_at=later if i % 10 == 0 else None,
            )
        )
        deadlines.set_next_deadline(batch[-1])
        if len(batch) == 5000:
            Case.objects.bulk_create(batch)
            batch = []
    Case.objects.bulk_create(batch)


class Command(BaseCommand):
    help = "Time the SLA sweep with many open cases, nothing due and 1,000 due."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000,100000")

    def handle(self, *args, **options):
        account, user = _account()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_case")
        self.stdout.write(f"database: {connection.vendor}")
        sizes = [int(s) for s in options["sizes"].split(",")]
        for size in sizes:
            _grow(account, user, size)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE cases_case")
            open_cases = Case.objects.filter(status="in_progress").count()
            services.sla_sweep()  # warm up
            times = []
            for _ in range(5):
                start = time.perf_counter()
                done = services.sla_sweep()
                times.append((time.perf_counter() - start) * 1000)
            self.stdout.write(
                f"{open_cases:>7} open cases, nothing due: sweep {statistics.median(times):.1f} ms"
                f" (median of 5; did {sum(done.values())} things)"
            )
        # 1,000 due at once: move 1,000 next-update deadlines into the past.
        past = timezone.now() - timedelta(minutes=1)
        ids = list(
            Case.objects.filter(account=account, next_update_due_at__isnull=False).values_list(
                "pk", flat=True
            )[:1000]
        )
        Case.objects.filter(pk__in=ids).update(next_update_due_at=past)
        start = time.perf_counter()
        done = services.sla_sweep()
        elapsed = (time.perf_counter() - start) * 1000
        self.stdout.write(
            f"{len(ids)} due at once: sweep {elapsed:.0f} ms, breaches {done['next_update_breach']}"
        )
        start = time.perf_counter()
        again = services.sla_sweep()
        self.stdout.write(
            f"the next sweep: {(time.perf_counter() - start) * 1000:.1f} ms, "
            f"breaches {again['next_update_breach']} (each deadline escalated once)"
        )
        # Leave the seeded cases quiet for the next run.
        later = timezone.now() + timedelta(days=365)
        Case.objects.filter(pk__in=ids).update(next_update_due_at=later)
        SlaNotice.objects.filter(case_id__in=ids).delete()
