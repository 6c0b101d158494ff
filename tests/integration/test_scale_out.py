"""Scale-out: the Procfile's processes, twice over, through a day of traffic.

Two web processes (the Procfile's `web:`, gunicorn, each on its own port), two Celery
workers (`worker:`) and one beat (`beat:`) run as real processes on PostgreSQL and Redis.
Customers file cases with attachments against both web processes, a representative
records hotline calls, a platform incident links the critical cases (at filing) and the
calls, one incident update is sent from both web processes at once (a double submit),
a customer proposes an update interval that the agent accepts,
customers reply by mail through `manage.py ingest_email` (one mail delivered twice by
the MTA), and the SLA sweep runs over forty minutes of simulated time (the sweep task
takes the moment it sweeps as of), each moment twice, on both workers at once. One
worker is killed with SIGKILL while both are busy; its task comes back after the
broker's visibility timeout. Afterwards every action is on record once, every mail and
every due SLA notice went out once (the incident's update warning among them), each
contact got the incident update once however many of their cases it covers, every
attachment reads the same from either web
process, and the outbox is empty.

Object storage: the processes take it from the environment the `scale_out_storage`
fixture returns (STORAGE_URL: a bucket on the S3 server on loopback), each then with a
media folder of its own, as on separate hosts, the ingesting one included.
"""

from __future__ import annotations

import email
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from functools import partial
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts import roles
from cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseMessage,
    HotlineCall,
    IncidentUpdate,
    IntervalProposal,
    OutboundMessage,
    SlaNotice,
)
from core import outbox
from core.models import OutboxTask
from portal.celery import app as celery_app
from tests.factories import AccountFactory, ContactFactory, StaffFactory

from .test_sla_sweep_worker import _database_url

BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not BROKER.startswith("redis"),
        reason="several processes share the database and the broker: PostgreSQL and Redis "
        "(DATABASE_URL, CELERY_BROKER_URL)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 8  # seconds: the killed worker's task comes back within the test
SIMULATED_MINUTES = range(0, 41, 2)
SLA_SUBJECTS = (
    "SLA warning:",
    "SLA breached:",
    "Callback attempt missed:",
    "Incident update due:",
    "Incident update missed:",
)


@pytest.fixture
def scale_out_storage(s3_storage) -> dict:
    """The environment that gives the processes object storage: a bucket of their own on
    the S3 server on loopback (tests/object_store.py). Returning {} instead runs them on
    one shared media folder."""
    return {"STORAGE_URL": s3_storage.url}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


class Processes:
    def __init__(self, tmp_path: Path, env: dict):
        self.tmp_path, self.env, self.running = tmp_path, env, {}

    def start(self, name: str, command: str, **env) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "wb")
        process = subprocess.Popen(
            ["sh", "-c", command],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: a kill takes its children too
        )
        self.running[name] = process
        return process

    def kill(self, name: str) -> int:
        process = self.running.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in self.running.values():
            _signal(process, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal(process, signal.SIGKILL)
                process.wait(timeout=10)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n" + log.read_text(errors="replace")[-3000:]
            for log in sorted(self.tmp_path.glob("*.log"))
        )


def _signal(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _wait_until(condition, seconds: float, what: str, processes: Processes):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"{what} within {seconds} seconds\n{processes.logs()}")


def _web_up(port: int) -> bool:
    import requests

    try:
        return requests.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2).ok
    except requests.RequestException:
        return False


class Browser:
    """A signed-in person's requests against one web process (a session cookie from the
    database, which every web process reads)."""

    def __init__(self, user, port: int):
        import requests

        client = Client()
        client.force_login(user)
        self.port, self.session = port, requests.Session()
        self.session.cookies.set(
            settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str):
        return self.session.get(self.url(path), timeout=30, allow_redirects=False)

    def post(self, path: str, data: dict, files=None, page: str | None = None):
        self.get(page or path)  # the form's page sets the CSRF cookie
        token = self.session.cookies.get(settings.CSRF_COOKIE_NAME, "")
        return self.session.post(
            self.url(path),
            data=data,
            files=files,
            headers={"X-CSRFToken": token, "Referer": self.url(page or path)},
            timeout=30,
            allow_redirects=False,
        )


def _mails(folder: Path) -> list[email.message.Message]:
    """Every message the file backend wrote (a file may hold several, one per line of
    dashes)."""
    found = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.lstrip(b"\n")))
    return found


def _subject(message) -> str:
    return str(email.header.make_header(email.header.decode_header(message["Subject"] or "")))


def _text(message) -> bytes:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return part.get_payload(decode=True)
    return b""


def _mail_reply(customer, case: Case, token: str, n: int) -> bytes:
    return (
        f"From: {customer.full_name} <{customer.email}>\r\nTo: support@example.com\r\n"
        f"Subject: Re: [{case.reference}] {case.subject}\r\n"
        f"Message-ID: <reply-{n}-{token}@customer.example>\r\n\r\n"
        f"Reply {token}: still failing here.\r\n"
    ).encode()


@pytest.fixture
def real_broker():
    """This process queues through the outbox to the real broker, as the web does."""
    conf = celery_app.conf
    outbox.publish = outbox.send_to_broker
    conf.task_always_eager = False
    yield
    conf.task_always_eager = True


def test_two_webs_two_workers_and_beat_through_a_day_of_traffic(
    tmp_path, scale_out_storage, real_broker
):
    import redis
    from django_celery_beat.models import PeriodicTask

    from cases import services

    broker = redis.Redis.from_url(BROKER)
    broker.delete("celery", "unacked", "unacked_index", "unacked_mutex")
    # Blocklist checks ask public DNS servers: not from a test.
    PeriodicTask.objects.filter(task__startswith="deliverability.").update(enabled=False)

    accounts = [AccountFactory(name="Alpha Mail BV"), AccountFactory(name="Bravo Sending Ltd")]
    customers = [ContactFactory(account=accounts[n % 2]).user for n in range(4)]
    agent = StaffFactory(email="agent@example.com", role=roles.SUPPORT_AGENTS)
    StaffFactory(email="manager@example.com", role=roles.SUPPORT_MANAGERS)
    representative = StaffFactory(email="hotline@example.com", role=roles.CUSTOMER_SERVICE)

    var = tmp_path / "var"
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
        **scale_out_storage,
    }
    env.pop("EMAIL_URL", None)

    def host(name: str) -> dict:
        # With object storage each process has a disk of its own, as on its own host.
        return {"MEDIA_ROOT": str(tmp_path / name / "media")} if scale_out_storage else {}

    procfile = _procfile()
    processes = Processes(tmp_path, env)
    ports = [_free_port(), _free_port()]
    try:
        for n, port in enumerate(ports):
            processes.start(f"web{n}", procfile["web"], PORT=str(port), **host(f"web{n}"))
            _wait_until(partial(_web_up, port), 60, f"web{n} did not answer", processes)
        for n in range(2):
            processes.start(
                f"worker{n}",
                procfile["worker"] + f" -n worker{n}@%h --without-gossip --without-mingle",
                **host(f"worker{n}"),
            )
        processes.start(
            "beat",
            procfile["beat"] + " --pidfile " + shlex.quote(str(tmp_path / "beat.pid")),
            **host("beat"),
        )
        started = timezone.now()
        # A platform incident of the REST API, everywhere, declared before the filings.
        incident = services.incident_declare(
            actor=agent,
            scope="api",
            started_at=started - timedelta(minutes=5),
            title="REST API unavailable",
            title_nl="REST API niet beschikbaar",
            text="Every API call fails with 503.",
            text_nl="Elke API-aanroep mislukt met 503.",
        )

        # Morning: eight filings with an attachment each, alternately on either web
        # process; the even ones critical (all API calls fail with server errors).
        filings = []
        for n in range(8):
            customer = customers[n % 4]
            content = f"log {n} of {customer.email}\n".encode() * 50
            response = Browser(customer, ports[n % 2]).post(
                "/cases/new/",
                {
                    "subject": f"Filing {n}",
                    "need": "software_bug",
                    "api_all_failing": "yes" if n % 2 == 0 else "no",
                    "api_failure_cause": "server" if n % 2 == 0 else "",
                    "smtp_all_failing": "no",
                    "description": f"Everything returns 503 (filing {n})",
                },
                files={"attachments": (f"log-{n}.txt", content, "text/plain")},
            )
            assert response.status_code == 302, response.text[:2000]
            filings.append((customer, content))
        cases = {c.subject: c for c in Case.objects.all()}
        assert sorted(cases) == [f"Filing {n}" for n in range(8)]

        # Hotline calls about two of the critical cases, one on each web process.
        for n, port in zip((0, 2), ports, strict=True):
            case = cases[f"Filing {n}"]
            response = Browser(representative, port).post(
                "/admin/cases/hotlinecall/intake/",
                {
                    "company_name": case.account.name,
                    "contact_person": case.requester.full_name,
                    "phone": "+31 20 555 0100",
                    "email": case.requester.email,
                    "description": f"Call {n}: everything fails with 503.",
                    "record": "1",
                    "target": f"case:{case.pk}",
                    "incident": str(incident.pk),
                },
            )
            assert response.status_code == 302, response.text[:2000]

        # An agreed interval: the customer proposes one on the page, the agent accepts it
        # and answers; another critical case is answered too.
        interval_case = cases["Filing 4"]
        response = Browser(interval_case.requester, ports[1]).post(
            f"/cases/{interval_case.reference}/interval/",
            {"minutes": "15"},
            page=f"/cases/{interval_case.reference}/",
        )
        assert response.status_code == 302
        services.case_accept_update_interval(case=interval_case, actor=agent)
        for n in (4, 6):
            services.case_reply(case=cases[f"Filing {n}"], author=agent, body=f"On it ({n}).")

        # One incident update, sent from both web processes at once: posted once.
        page = f"/admin/cases/incident/{incident.pk}/change/"
        update = {
            "action": "update",
            "text": f"Draining the failing pool ({started:%H%M%S}).",
            "text_nl": f"We legen de falende pool ({started:%H%M%S}).",
            "expected_resolution_at": "",
            "after_update": "0",
        }
        answers = sorted(Browser(agent, port).post(page, update).status_code for port in ports)
        assert answers == [200, 302], answers  # the second is refused, with a sentence

        # Replies by mail through the MTA's pipe, one delivered twice.
        replies = []
        for n in (1, 3, 4):
            case = Case.objects.get(subject=f"Filing {n}")
            token = f"t{n}x{started:%H%M%S}"
            replies.append(token)
            raw = _mail_reply(case.requester, case, token, n)
            for _attempt in range(2 if n == 3 else 1):
                ingest = subprocess.run(
                    [sys.executable, "manage.py", "ingest_email"],
                    input=raw,
                    cwd=ROOT,
                    env={**env, **host("mx")},
                    capture_output=True,
                    timeout=60,
                )
                assert ingest.returncode == 0, ingest.stderr.decode()

        # Forty minutes of SLA sweeps, each moment on both workers at once; one worker
        # is killed while both are busy with them.
        for minutes in SIMULATED_MINUTES:
            moment = (started + timedelta(minutes=minutes)).isoformat()
            for _twice in range(2):
                celery_app.send_task("cases.sla_sweep", kwargs={"now": moment})
        queued = broker.llen("celery")
        _wait_until(
            lambda: broker.llen("celery") <= queued - 2, 30, "the workers took nothing", processes
        )
        # Both are busy (each holds one unacknowledged task at a time) and more wait.
        assert broker.hlen("unacked") >= 1 and broker.llen("celery") > 0
        assert processes.kill("worker0") == -signal.SIGKILL

        def settled():
            return (
                broker.llen("celery") == 0
                and broker.hlen("unacked") == 0
                and not OutboxTask.objects.exists()
            )

        _wait_until(settled, 90, "the queue and the outbox did not empty", processes)
        final = started + timedelta(minutes=SIMULATED_MINUTES[-1])
        # Every due notice was claimed: a sweep of the last moment has nothing left.
        assert services.sla_sweep(now=final) == Counter()

        # Every attachment reads the same from either web process, as its filer.
        for case in Case.objects.all():
            (attachment,) = Attachment.objects.filter(case=case)
            customer, content = filings[int(case.subject.split()[-1])]
            for port in ports:
                path = f"/cases/{case.reference}/attachments/{attachment.pk}/"
                response = Browser(customer, port).get(path)
                if response.status_code == 302:  # a short-lived signed URL
                    response = Browser(customer, port).session.get(
                        response.headers["Location"], timeout=30
                    )
                assert (response.status_code, response.content) == (200, content)
        time.sleep(1)  # the last task's mail file
    finally:
        processes.stop_all()

    if scale_out_storage:  # every file went to the bucket, none to a host's own disk
        assert [p for p in tmp_path.glob("*/media/**/*") if p.is_file()] == []

    # Every action on record once.
    assert Case.objects.count() == 8
    assert sorted(HotlineCall.objects.values_list("description", flat=True)) == [
        "Call 0: everything fails with 503.",
        "Call 2: everything fails with 503.",
    ]
    assert IntervalProposal.objects.filter(case=interval_case, outcome="accepted").count() == 1
    # The critical filings were linked at filing, the calls at the intake; the update was
    # posted once, to each linked case once, and mailed once to each of their contacts.
    critical = Case.objects.filter(severity="critical")
    assert critical.count() == 4
    assert set(critical.values_list("incident", flat=True)) == {incident.pk}
    assert set(HotlineCall.objects.values_list("incident", flat=True)) == {incident.pk}
    (posted,) = IncidentUpdate.objects.filter(incident=incident)
    for case in critical:
        assert CaseMessage.objects.filter(case=case, body__contains=posted.text).count() == 1
    for token in replies:
        assert CaseMessage.objects.filter(body__contains=token).count() == 1
    assert not OutboxTask.objects.exists()

    # Every mail went out once: each recorded mail's Message-ID is in one file, and no
    # two mails say the same thing to the same people.
    mails = _mails(var / "mail")
    ids = Counter(m["Message-ID"] for m in mails)
    assert [i for i, count in ids.items() if count > 1] == []
    for recorded in OutboundMessage.objects.values_list("message_id", flat=True):
        assert ids[recorded] == 1, recorded
    said = Counter((_subject(m), m["To"], _text(m)) for m in mails)
    assert [s for s, count in said.items() if count > 1] == []
    incident_mails = Counter(
        m["To"] for m in mails if _subject(m).startswith(f"[{incident.reference}]")
    )
    assert incident_mails == Counter({customers[0].email: 1, customers[2].email: 1})

    # Every due SLA notice went out once: one mail each (the readers of each share a
    # language and a time zone), its event on the case.
    notices = SlaNotice.objects.all()
    stages = Counter(notices.values_list("stage", flat=True))
    assert stages["warning"] and stages["breach"], stages
    sla_mails = [m for m in mails if _subject(m).startswith(SLA_SUBJECTS)]
    # A missed incident update is recorded on each linked case and alerted once, for
    # the incident (its own notice).
    folded = notices.filter(kind="next_update", stage="breach", case__incident=incident)
    assert len(sla_mails) == notices.count() - folded.count()
    assert CaseEvent.objects.filter(kind__in=["sla_warning", "sla_breach"]).count() == (
        notices.exclude(case=None).count()
    )
