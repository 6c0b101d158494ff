"""What a case waits for, as the case list and the case page tell the customer
(cases/jinja2/cases/_next_deadline.html writes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .models import Case, Status


@dataclass(frozen=True, slots=True)
class NextDeadline:
    # closed, waiting (for the customer's information), decide (on a proposed resolution),
    # working (no update is agreed), update (the next agreed update), respond (our first
    # response), or none (no deadline is known yet).
    kind: str
    due: datetime | None = None
    late: bool = False


NOTHING_DUE = NextDeadline("none")


def next_deadline(case: Case, now: datetime) -> NextDeadline:
    """The customer's information or their answer to a proposed resolution, our first
    response by its deadline, then the next agreed update or the agent's work."""
    if not case.is_open:
        return NextDeadline("closed")
    if case.waiting_since:
        return NextDeadline("waiting")
    if case.status == Status.RESOLUTION_PROPOSED:
        return NextDeadline("decide")
    if case.first_response_at:
        if case.next_update_due_at is None:
            return NextDeadline("working")
        due = case.next_update_due_at
        return NextDeadline("update", due, due < now)
    if case.first_response_due_at is None:
        return NOTHING_DUE
    due = case.first_response_due_at
    return NextDeadline("respond", due, due < now)
