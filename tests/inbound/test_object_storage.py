"""Two hosts, one bucket: a mail with an attachment ingested on one host (its own
MEDIA_ROOT) is downloaded by the customer, and its raw message read by staff, from the
web tier on another (a different MEDIA_ROOT), through moto's S3 server on loopback. The
local folder alone cannot do it."""

import os
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from cases.models import Attachment
from inbound.models import InboundMessage, Outcome
from inbound.services import ingest
from portal import object_storage

ROOT = Path(__file__).resolve().parents[2]
REPORT = b"Delivery report, relay1, 26 November: 1,204 deferred with 421 4.7.0.\n"


def reply_with_a_report() -> bytes:
    message = EmailMessage()
    message["From"] = "Anna de Vries <anna@acme.example>"
    message["To"] = "support@example.com"
    message["Subject"] = "Re: [EE-000123] Case 123"
    message["Message-ID"] = "<two-hosts-1@acme.example>"
    message["Date"] = "Thu, 26 Nov 2026 15:40:00 +0100"
    message.set_content("The deferrals of this afternoon are in the attached report.")
    message.add_attachment(REPORT, maintype="text", subtype="plain", filename="relay1-report.txt")
    return message.as_bytes()


def be_host(settings, media_root: Path, storage_url: str | None) -> None:
    """This process becomes a host with its own local folder and, given a URL, the
    shared bucket (a fresh storage object: nothing carried over from the other host)."""
    settings.MEDIA_ROOT = media_root
    environ = {"STORAGE_URL": storage_url} if storage_url else {}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage.default_storage(environ, signed_url_seconds=60),
    }


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def download(client, user, attachment):
    client.force_login(user)
    url = reverse("cases:attachment", args=[attachment.case.reference, attachment.pk])
    return client.get(url)


@pytest.mark.django_db
def test_a_mail_ingested_on_one_host_is_downloaded_on_another(
    world, settings, tmp_path, s3_storage, client
):
    ingest_host, web_host = tmp_path / "ingest-host", tmp_path / "web-host"
    be_host(settings, ingest_host, s3_storage.url)
    row = ingest(reply_with_a_report())
    assert row.outcome == Outcome.POSTED
    attachment = Attachment.objects.get(case=world.cases[123])
    assert s3_storage.keys() == sorted([attachment.file.name, row.raw.name])

    be_host(settings, web_host, s3_storage.url)
    response = download(client, world.anna, attachment)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == REPORT
    assert "relay1-report.txt" in response["Content-Disposition"]
    # Another account's customer gets nothing from the web host either.
    assert download(client, world.nick, attachment).status_code == 404
    # Staff read the raw message there too.
    client.force_login(world.agent)
    page = client.get(reverse("admin:inbound_inboundmessage_change", args=[row.pk]))
    assert "The deferrals of this afternoon are in the attached report." in page.text
    assert "Message-ID: &lt;two-hosts-1@acme.example&gt;" in page.text
    assert files_under(ingest_host) == files_under(web_host) == []


@pytest.mark.django_db
def test_without_a_bucket_the_other_host_has_not_got_the_file(world, settings, tmp_path, client):
    """What the bucket is for: each host's local folder holds only its own files."""
    be_host(settings, tmp_path / "ingest-host", None)
    ingest(reply_with_a_report())
    attachment = Attachment.objects.get(case=world.cases[123])
    assert (tmp_path / "ingest-host" / attachment.file.name).read_bytes() == REPORT
    be_host(settings, tmp_path / "web-host", None)
    assert download(client, world.anna, attachment).status_code == 404


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the ingest process needs a database it can share (PostgreSQL); "
    "the SQLite test database lives in this process's memory",
)
def test_the_mta_pipe_of_another_process_stores_what_this_web_process_serves(
    world, settings, tmp_path, s3_storage, client
):
    """`manage.py ingest_email` in a process of its own, configured only by its
    environment (STORAGE_URL, its own MEDIA_ROOT), as on a mail host."""
    ingest_host = tmp_path / "ingest-host"
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "STORAGE_"))}
    environ.update(
        DATABASE_URL=_database_url(),
        MEDIA_ROOT=str(ingest_host),
        STORAGE_URL=s3_storage.url,
        SUPPORT_EMAIL_ADDRESS="support@example.com",
        INBOUND_AUTHSERV_IDS="mx.example.com",
        CELERY_BROKER_URL="memory://",
    )
    mail = reply_with_a_report()
    pipe = subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        input=mail,
        cwd=ROOT,
        env=environ,
        capture_output=True,
        timeout=120,
    )
    assert pipe.returncode == 0, pipe.stderr.decode()
    row = InboundMessage.objects.get()
    assert row.outcome == Outcome.POSTED
    attachment = Attachment.objects.get(case=world.cases[123])
    assert s3_storage.keys() == sorted([attachment.file.name, row.raw.name])

    be_host(settings, tmp_path / "web-host", s3_storage.url)
    response = download(client, world.anna, attachment)
    assert b"".join(response.streaming_content) == REPORT
    assert row.raw_bytes() == mail
    assert files_under(ingest_host) == files_under(tmp_path / "web-host") == []
