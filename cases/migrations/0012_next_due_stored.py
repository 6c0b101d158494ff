"""The next deadline becomes two plain indexed columns written by `cases.deadlines`: the
database-generated `next_due_at` (a CASE over the deadline columns, which cannot be
altered) is dropped and added again as a plain column with `next_due_kind` beside it,
both filled from the deadline columns as the generated column computed them."""

from django.db import migrations, models
from django.db.models import Q

OPEN_STATUSES = (
    "new",
    "in_progress",
    "waiting_on_customer",
    "workaround_provided",
    "resolution_proposed",
)
# On a tie the first named is the one shown, as the queue showed it.
PRECEDENCE = ("callback", "first_response", "next_update")
KINDS = [
    ("first_response", "first response"),
    ("callback", "hotline callback"),
    ("next_update", "next update"),
]


def nearest(case):
    """The generated column's expression, with which deadline it is (as of 0011)."""
    if case.status not in OPEN_STATUSES:
        return None, ""
    awaiting = case.first_response_at is None and case.waiting_since is None
    candidates = {
        "callback": case.callback_due_at,
        "first_response": case.first_response_due_at if awaiting else None,
        "next_update": case.next_update_due_at,
    }
    present = [
        (due, PRECEDENCE.index(kind), kind) for kind, due in candidates.items() if due is not None
    ]
    if not present:
        return None, ""
    due, _order, kind = min(present)
    return due, kind


def fill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    columns = (
        "status",
        "first_response_at",
        "waiting_since",
        "callback_due_at",
        "first_response_due_at",
        "next_update_due_at",
    )
    batch = []
    for case in Case.objects.filter(status__in=OPEN_STATUSES).only(*columns).iterator(2000):
        case.next_due_at, case.next_due_kind = nearest(case)
        if case.next_due_at is not None:
            batch.append(case)
        if len(batch) >= 2000:
            Case.objects.bulk_update(batch, ["next_due_at", "next_due_kind"])
            batch = []
    Case.objects.bulk_update(batch, ["next_due_at", "next_due_kind"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_outbox_moves_to_core"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_queue_order"),
        migrations.RemoveField(model_name="case", name="next_due_at"),
        migrations.AddField(
            model_name="case",
            name="next_due_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="next deadline"),
        ),
        migrations.AddField(
            model_name="case",
            name="next_due_kind",
            field=models.CharField(
                blank=True, choices=KINDS, max_length=16, verbose_name="kind of next deadline"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["next_due_at", "-opened_at"], name="case_queue_order"),
        ),
        migrations.AddConstraint(
            model_name="case",
            constraint=models.CheckConstraint(
                condition=Q(next_due_kind__in=["first_response", "callback", "next_update"])
                | Q(next_due_kind=""),
                name="case_next_due_kind_valid",
            ),
        ),
    ]
