"""The case list through the API next to the case list page, on the cases of bench_cases.

    manage.py bench_api            10,000 cases over 200 accounts (the full run)
    manage.py bench_api --small    500 cases over 20 accounts (a quick run)

For the customer case list page (50 open and 25 closed cases at most) and the cases list
endpoint (its default page of 25, and a page of 75 as many rows as the page) it prints
the SQL queries of one request, then the median and p95 time and the requests per second
with the portal served by gunicorn on loopback, as bench_cases does. The endpoint is
called as an integration calls it: with a bearer token (its rate limits lifted for the
run). Run it against PostgreSQL with DATABASE_URL; the seeded rows are reused.
"""

from __future__ import annotations

import os
import secrets

from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from api import services
from api.models import Scope

from .bench_cases import Command as CasesBench
from .bench_cases import _cpu_probe_ms, _free_port

# Lifted for the run: the figures are of the work, not of the 429s.
UNLIMITED = "1000000/minute"


class Command(CasesBench):
    help = "Time the cases list endpoint next to the case list page (queries, median, p95)."

    def handle(self, *args, **opts):
        if opts["small"]:
            opts.update(cases=500, accounts=20, requests=min(opts["requests"], 120))
        self.stdout.write(f"Database: {connection.vendor}")
        fixture = self.seed(opts["cases"], opts["accounts"], opts["messages"])
        customer = fixture["customer"]
        token, bearer = services.api_token_create(
            owner=customer, name="Benchmark", scopes=[Scope.READ], actor=customer
        )
        try:
            self.run_pages(opts, customer, {"Authorization": f"Bearer {bearer}"})
        finally:
            services.api_token_revoke(token=token, actor=customer)

    def run_pages(self, opts, customer, auth: dict) -> None:
        endpoint = "/api/v1/cases/"
        pages = [
            ("customer case list page", reverse("cases:list"), None),
            ("cases endpoint (25 a page)", endpoint, auth),
            ("cases endpoint (75 a page)", f"{endpoint}?page_size=75", auth),
        ]
        counts = {}
        for name, url, headers in pages:
            if headers is None:
                counts[name] = self.count_queries(url, customer)
            else:
                counts[name] = _api_queries(url, headers)
        self.secret_key = os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48)
        with override_settings(SECRET_KEY=self.secret_key):
            cookie = self.session_cookie(customer)
        load_at_start = os.getloadavg()[0]
        self.cpu_probe_ms = _cpu_probe_ms()
        port = opts["port"] or _free_port()
        workers = opts["workers"] or ((os.cpu_count() or 1) + 1)
        environ = {
            **os.environ,
            "API_RATE_PER_TOKEN": UNLIMITED,
            "API_RATE_PER_ACCOUNT": UNLIMITED,
        }
        server = self.start_gunicorn(port, workers, environ=environ)
        try:
            rows = []
            for name, url, headers in pages:
                measured = self.measure(port, url, opts, "" if headers else cookie, headers)
                rows.append((name, counts[name], *measured))
        finally:
            server.terminate()
            server.wait(timeout=20)
        self.report(rows, opts, workers, load_at_start)


def _api_queries(url: str, headers: dict) -> int:
    client = Client(HTTP_HOST="127.0.0.1", headers=headers)
    client.get(url)  # the token's last use is written once a minute
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}.")
    return len(ctx.captured_queries)
