"""Deliver one message from an MTA: `manage.py ingest_email < message.eml`.

Exit 0 once the message is stored (on a case, as a new case, or in quarantine); exit 75
(EX_TEMPFAIL) when it cannot be stored right now, so the MTA keeps it and retries. A
sentence on stderr, never a traceback.
"""

from __future__ import annotations

import logging
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError

EX_OK = 0
EX_TEMPFAIL = 75

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Store one RFC 5322 message read from standard input (for an MTA pipe)."
    requires_system_checks: list = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--via",
            default="mta",
            choices=["mta", "imap", "staff"],
            help="How the message arrived (recorded on it).",
        )

    def execute(self, *args, **options):
        # Errors of any kind end in a sentence and EX_TEMPFAIL: the MTA keeps the mail.
        try:
            return super().execute(*args, **options)
        except SystemExit:
            raise
        except DatabaseError as exc:
            detail = " ".join(str(exc).split())
            sys.stderr.write(f"ingest_email: the database is unavailable, try later ({detail})\n")
            sys.exit(EX_TEMPFAIL)
        except Exception as exc:  # noqa: BLE001 - the MTA must retry, never lose mail
            log.error("ingest_email failed: %r", exc)
            sys.stderr.write(f"ingest_email: the message could not be stored now ({exc})\n")
            sys.exit(EX_TEMPFAIL)

    def handle(self, *args, via="mta", **options):
        from cases.inbound.services import ingest

        raw = sys.stdin.buffer.read()
        row = ingest(raw, received_via=via)
        state = "duplicate of" if row.duplicate else row.outcome
        self.stdout.write(f"{state} #{row.pk}: {row.reason.splitlines()[0] if row.reason else ''}")
