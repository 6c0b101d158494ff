"""Deliver one message from an MTA: `manage.py ingest_email < message.eml`.

Exit 0 once the message is stored (on a case, as a new case, or in quarantine); exit 75
(EX_TEMPFAIL) when it cannot be stored right now, so the MTA keeps it and retries. A
sentence on stderr, never a traceback.

A message over INBOUND_MAX_MESSAGE_BYTES is not read past the limit: it is recorded
as too large (its headers and size) and the command exits 65 (EX_DATAERR) with a line
that starts with the enhanced status code 5.3.4, so that the MTA returns it to the
sender with that line as the reason.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError

EX_OK = 0
# Permanent: the message is too large, and will be on every retry. MTAs that map
# sysexits codes (Postfix's pipe(8), Exim's pipe transport, sendmail) treat every code
# but EX_TEMPFAIL (and, for Postfix, EX_OSERR) as a permanent failure and bounce the
# message with the command's output. EX_DATAERR says what happened: the input is not
# acceptable. EX_NOPERM (5.7.0, permission denied) and EX_UNAVAILABLE (5.3.0, service
# unavailable) would tell the sender something untrue. Postfix takes a leading
# "5.3.4" in the output as the DSN status (RFC 3463: message too big for system).
EX_DATAERR = 65
EX_TEMPFAIL = 75
TOO_LARGE_STATUS = "5.3.4"

log = logging.getLogger(__name__)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit // (1024 * 1024)} MB"
    return f"{limit} bytes"


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
        from inbound.services import ingest

        limit = settings.INBOUND_MAX_MESSAGE_BYTES
        # At most one byte past the limit is read: enough to know it is too large.
        raw = sys.stdin.buffer.read(limit + 1)
        if len(raw) > limit:
            self._refuse_too_large(raw, limit, via)
        row = ingest(raw, received_via=via)
        state = "duplicate of" if row.duplicate else row.outcome
        self.stdout.write(f"{state} #{row.pk}: {row.reason.splitlines()[0] if row.reason else ''}")

    def _refuse_too_large(self, start: bytes, limit: int, via: str):
        from inbound.services import record_too_large

        try:
            record_too_large(
                start,
                size=None,
                received_via=via,
                note="returned to the sender by the mail server",
            )
        except Exception as exc:  # noqa: BLE001 - the sender is told all the same
            log.error("ingest_email: a too large message could not be recorded: %r", exc)
        # One line: the MTA quotes it in the bounce.
        sys.stderr.write(
            f"{TOO_LARGE_STATUS} The message is larger than {_size(limit)}, the limit of "
            f"{settings.SUPPORT_EMAIL_ADDRESS}; send large files as a link, or in parts.\n"
        )
        sys.stderr.flush()
        sys.exit(EX_DATAERR)
