"""The outbox moved from the cases app to core: no queued task is lost on migrate."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0010_text_length_limits")]
AFTER = [("cases", "0011_outbox_moves_to_core")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_queued_tasks_move_to_core_and_back():
    old = migrate(BEFORE).get_model("cases", "OutboxTask")
    for n in range(3):
        old.objects.create(
            task_name="accounts.tasks.deliver_alert",
            args=[{"title": f"alert {n}"}, "email"],
            kwargs={},
            created_at="2026-11-25T10:00:00Z",
            error="broker down" if n else "",
        )
    try:
        new = migrate(AFTER).get_model("core", "OutboxTask")
        assert list(new.objects.order_by("pk").values_list("args", "error", "attempts")) == [
            ([{"title": "alert 0"}, "email"], "", 0),
            ([{"title": "alert 1"}, "email"], "broker down", 0),
            ([{"title": "alert 2"}, "email"], "broker down", 0),
        ]
        old = migrate(BEFORE).get_model("cases", "OutboxTask")
        assert [row.args[0]["title"] for row in old.objects.order_by("pk")] == [
            "alert 0",
            "alert 1",
            "alert 2",
        ]
    finally:
        # Back to the latest migrations, which later tests expect.
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
