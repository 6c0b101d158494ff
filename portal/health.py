"""/health/: what an operator's monitor and a load balancer ask (django-health-check).

`/health/` checks everything the portal needs to keep its promises: the database, the
cache, the Celery broker, the file storage, and the heartbeats of the periodic jobs (the
SLA sweep, the blocklist check, the mailbox poll, and beat itself). `/health/web/` checks
only what a web process needs to serve pages, for a load balancer: a stopped beat must
page an operator, not take every web process out of the pool.

Each answer is 200 or 500 with one line per check. No check writes a secret or anything
of a customer into it: the broker's address (it may hold a password) is never named, and
the heartbeats say only when a job last completed. With HEALTH_CHECK_TOKEN set, only a
request with `Authorization: Bearer <token>` is told which check failed and why.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import os
from datetime import timedelta
from pathlib import Path

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from core.heartbeats import BEAT
from core.models import Heartbeat

from .celery import app as celery_app
from .schedule import beat_schedule

SLA_SWEEP = "cases.sla_sweep"
BLOCKLIST_CHECK = "deliverability.scheduled_blocklist_check"
MAILBOX_POLL = "inbound.poll_mailbox"


@dataclasses.dataclass
class Broker(HealthCheck):
    """Celery's broker takes connections: Redis answers, or the filesystem transport's
    folders are there and writable."""

    timeout = timedelta(seconds=3)

    def run(self):
        with celery_app.connection_for_write() as connection:
            if connection.transport_cls == "filesystem":
                self._check_folders(connection.transport_options)
                return
            try:
                connection.ensure_connection(
                    max_retries=1, interval_start=0, timeout=self.timeout.total_seconds()
                )
            except Exception as error:  # kombu raises its transport's own errors
                raise ServiceUnavailable("the broker cannot be reached") from error

    @staticmethod
    def _check_folders(options: dict) -> None:
        folders = [options.get("data_folder_in"), options.get("data_folder_out")]
        if options.get("store_processed"):
            folders.append(options.get("processed_folder"))
        for folder in filter(None, folders):
            if not Path(folder).is_dir() or not os.access(folder, os.R_OK | os.W_OK):
                raise ServiceUnavailable("a queue folder of the broker is missing or read-only")


def scheduled_interval(job: str) -> timedelta | None:
    """How often beat runs the task `job`: from its enabled entries in beat's table
    (Periodic tasks in the admin), else as portal/schedule.py gives it for an entry on
    another kind of schedule. None: beat does not run it."""
    entries = list(PeriodicTask.objects.filter(task=job, enabled=True).select_related("interval"))
    if not entries:
        return None
    defaults = [timedelta(**{e.period: e.every}) for e in beat_schedule() if e.task == job]
    intervals = [
        timedelta(**{entry.interval.period: entry.interval.every})
        for entry in entries
        if entry.interval is not None
    ]
    return min(intervals or defaults or [timedelta(minutes=1)])


@dataclasses.dataclass
class JobHeartbeat(HealthCheck):
    """The periodic job `job` (its Celery task name) completed within twice its interval.

    A job beat does not run is failing when `required` (the SLA sweep, beat's own
    heartbeat) and not watched otherwise (staff may switch the blocklist check off). A
    job whose `setting` is empty (the mailbox poll without INBOUND_IMAP_HOST) is not
    watched either."""

    job: str
    required: bool = dataclasses.field(default=False, repr=False)
    setting: str = dataclasses.field(default="", repr=False)

    async def run(self):
        # The database through this request's own connection, as the view's other reads.
        await sync_to_async(self.check)()

    def check(self) -> None:
        if self.setting and not getattr(settings, self.setting):
            return
        interval = scheduled_interval(self.job)
        if interval is None:
            if self.required:
                raise ServiceUnavailable("not scheduled: enable it under Periodic tasks")
            return
        last = (
            Heartbeat.objects.filter(name=self.job)
            .values_list("last_success_at", flat=True)
            .first()
        )
        if last is None:
            raise ServiceUnavailable("has not completed yet")
        late_after = 2 * interval
        if timezone.now() - last > late_after:
            raise ServiceUnavailable(
                f"last completed at {last:%Y-%m-%d %H:%M:%S} UTC; it runs every {interval} "
                f"and is late after {late_after}"
            )


WEB_CHECKS = (
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "health_check.checks.Storage",
)
CHECKS = (
    *WEB_CHECKS,
    Broker,
    (JobHeartbeat, {"job": SLA_SWEEP, "required": True}),
    (JobHeartbeat, {"job": BLOCKLIST_CHECK}),
    (JobHeartbeat, {"job": MAILBOX_POLL, "setting": "INBOUND_IMAP_HOST"}),
    (JobHeartbeat, {"job": BEAT, "required": True}),
)


TEXT = "text/plain; charset=utf-8"


def may_see_detail(request) -> bool:
    token = settings.HEALTH_CHECK_TOKEN
    if not token:
        return True
    given = request.headers.get("Authorization", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


class HealthView(HealthCheckView):
    """Plain text, or JSON when asked for (`Accept: application/json` or `?format=json`)."""

    checks = CHECKS

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        status = 500 if any(result.error for result in self.results) else 200
        wants_json = request.GET.get("format") == "json" or (
            "application/json" in request.headers.get("Accept", "")
        )
        if not may_see_detail(request):
            word = "ok" if status == 200 else "unhealthy"
            if wants_json:
                return JsonResponse({"status": word}, status=status)
            return HttpResponse(f"{word}\n", content_type=TEXT, status=status)
        if wants_json:
            return self.render_to_response_json(status)
        return self.render_to_response_text(status)
