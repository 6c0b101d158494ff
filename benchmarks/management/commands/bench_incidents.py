"""Measure a platform incident at scale: one update posted to many linked cases (the
service, then the mail task, once per contact), and the customers' pages while it is
active (the status page and a page with the banner).

    manage.py seed_demo && manage.py bench_incidents [--cases 1000] [--contacts 200]

Seeds an account with contacts and open critical cases (named below; removed and seeded
afresh by each run), declares an incident, links the cases and posts one update. Mail goes
to Django's in-memory backend, so the figure is the portal's own work, not an SMTP
server's. Prints times and query counts.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Account, Contact, OfficeHoursCalendar, User
from cases import services
from cases.incident_mailing import send_incident_mail
from cases.models import Case, Incident, IncidentUpdate

ACCOUNT = "Incident benchmark BV"
TITLE = "Incident benchmark: REST API unavailable"


def _clear() -> None:
    incidents = Incident.objects.filter(title=TITLE)
    Case.objects.filter(account__name=ACCOUNT).update(incident=None)
    for incident in incidents:
        incident.hotline_calls.update(incident=None)
    incidents.delete()
    Case.objects.filter(account__name=ACCOUNT).delete()
    User.objects.filter(email__endswith="@incident-bench.invalid").delete()
    Account.objects.filter(name=ACCOUNT).delete()


def _seed(cases: int, contacts: int):
    staff = User.objects.filter(is_staff=True, is_superuser=False).order_by("id").first()
    if staff is None or not OfficeHoursCalendar.objects.exists():
        raise CommandError(
            "Seed the demo first (manage.py seed_demo): it needs staff and a calendar."
        )
    account = Account.objects.create(
        name=ACCOUNT,
        time_zone="Europe/Amsterdam",
        office_hours=OfficeHoursCalendar.objects.order_by("id").first(),
        tam=staff,
    )
    people = []
    for n in range(contacts):
        user = User.objects.create(
            email=f"contact{n}@incident-bench.invalid",
            full_name=f"Contact {n}",
            language="nl" if n % 3 == 0 else "en",
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        Contact.objects.create(user=user, account=account)
        people.append(user)
    start = timezone.now() - timedelta(minutes=30)
    for n in range(cases):
        services.case_open(
            account=account,
            requester=people[n % contacts],
            subject=f"All API calls fail ({n})",
            description="Every call answers 503.",
            category="software_bug",
            api_all_failing=True,
            api_failure_cause="server",
            now=start,
            mail_requester=False,
        )
    return staff, people[0], start


def _timed(get, runs: int) -> tuple[float, float, int]:
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = get()
            times.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"the page answered {response.status_code}")
        queries = len(captured)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


class Command(BaseCommand):
    help = "Measure one incident update over many linked cases, and the pages during it."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=1000)
        parser.add_argument("--contacts", type=int, default=200)
        parser.add_argument("--runs", type=int, default=50)

    @override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def handle(self, *args, cases, contacts, runs, **options):
        from portal.celery import app

        app.conf.task_always_eager = False  # the mail task is timed on its own below
        _clear()
        began = time.perf_counter()
        staff, customer, start = _seed(cases, contacts)
        self.stdout.write(
            f"seeded {cases} critical cases of {contacts} contacts "
            f"in {time.perf_counter() - began:.1f} s"
        )

        incident = services.incident_declare(
            actor=staff,
            scope="api",
            started_at=start,
            title=TITLE,
            title_nl="Incidentbenchmark: REST API niet beschikbaar",
            text="Every API call fails.",
            text_nl="Elke API-aanroep mislukt.",
        )
        began = time.perf_counter()
        services.incident_link_cases(
            incident=incident,
            cases=list(Case.objects.filter(account__name=ACCOUNT).values_list("pk", flat=True)),
            actor=staff,
        )
        self.stdout.write(f"link {cases} cases in one action: {time.perf_counter() - began:.2f} s")

        counted = []
        began = time.perf_counter()
        with connection.execute_wrapper(lambda execute, *a: counted.append(1) or execute(*a)):
            services.incident_post_update(
                incident=incident,
                actor=staff,
                text="We drain the failing pool.",
                text_nl="We legen de falende pool.",
                after_update=0,
            )
        self.stdout.write(
            f"post one update to {cases} linked cases: {time.perf_counter() - began:.2f} s, "
            f"{len(counted)} queries ({len(counted) / cases:.1f} per case)"
        )
        update = IncidentUpdate.objects.filter(incident=incident).latest("pk")
        mail.outbox = []
        began = time.perf_counter()
        sent = send_incident_mail("update", update.pk)
        elapsed = time.perf_counter() - began
        self.stdout.write(
            f"mail it once per contact: {sent} mails in {elapsed:.2f} s "
            f"({sent / elapsed:.0f} mails/s)"
        )

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(customer)
        for path in ("/status/", "/"):
            client.get(path)  # warm caches
            median, p95, queries = _timed(lambda p=path: client.get(p), runs)
            self.stdout.write(
                f"GET {path} during the incident: median {median:.1f} ms, p95 {p95:.1f} ms, "
                f"{queries} queries"
            )
        _clear()
