"""Calls recorded before attempts were told apart keep who was reached, and when."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0019_duplicate_cases")]
AFTER = [("cases", "0020_callback_attempts")]
T0 = datetime(2026, 11, 29, 2, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_call_reached_before_the_migration_is_marked_reached_at_its_first_reach():
    old = migrate(BEFORE)
    agent = old.get_model("accounts", "User").objects.create(email="agent@example.com")
    calls = old.get_model("cases", "HotlineCall").objects
    attempts = old.get_model("cases", "CallbackAttempt").objects
    fields = {
        "company_name": "Alpha",
        "contact_person": "Anna",
        "phone": "1",
        "email": "anna@alpha.example",
        "description": "down",
        "recorded_by": agent,
        "received_at": T0,
        "callback_due_at": T0 + timedelta(minutes=15),
    }
    reached, unanswered = calls.create(**fields), calls.create(**fields)
    for call, outcome, minutes in [
        (reached, "no_answer", 5),
        (reached, "reached", 12),
        (reached, "reached", 30),
        (unanswered, "voicemail", 6),
    ]:
        attempts.create(call=call, outcome=outcome, agent=agent, at=T0 + timedelta(minutes=minutes))
    try:
        new = migrate(AFTER).get_model("cases", "HotlineCall").objects
        assert new.get(pk=reached.pk).reached_at == T0 + timedelta(minutes=12)
        assert new.get(pk=unanswered.pk).reached_at is None
        assert new.get(pk=unanswered.pk).next_attempt_due_at is None  # no warnings after deploy
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
