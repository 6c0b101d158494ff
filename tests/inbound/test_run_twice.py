"""Inbound mail's automatic replies go out once although their task runs twice (a worker
lost before it acknowledged the task, an outbox row handed on twice)."""

import pytest

from inbound.services import ingest

from .test_dmarc_policy import STAFF, message, to
from .test_ingest import _from_stranger

pytestmark = pytest.mark.django_db


def test_the_access_reply_task_run_again_sends_nothing_more(world):
    from inbound.tasks import send_access_reply  # imported where it runs, as every task test

    row = ingest(_from_stranger())
    assert len(to("tanaka@elsewhere.example")) == 1
    send_access_reply.apply(args=[row.pk], throw=True)
    assert len(to("tanaka@elsewhere.example")) == 1


def test_the_held_notice_task_run_again_sends_nothing_more(world):
    from inbound.tasks import send_held_notice

    row = ingest(message(STAFF))
    assert len(to("sam.agent@example.com")) == 1
    assert send_held_notice.apply(args=[row.pk], throw=True).get() is False
    assert len(to("sam.agent@example.com")) == 1
