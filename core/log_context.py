"""What a log line or an error report is about: the request (or background task), who
made it and the case it concerns.

Each is a context variable, set where it becomes known (the request middleware, the
case access helpers, a task about a case) and read by `ContextFilter`, which every log
handler carries, and by the error reporter. A request or task sets them when it starts
and resets them when it ends, so nothing leaks into the next one a thread serves.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.functional import empty

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The request itself: its user is read only once something else loaded it, so logging
# never costs a session lookup.
current_request: ContextVar[object | None] = ContextVar("current_request", default=None)
case_reference: ContextVar[str | None] = ContextVar("case_reference", default=None)

# What a proxy may send as X-Request-ID: a UUID, a hex or base64url token, a trace id.
# Anything else (too long, spaces, line breaks) is replaced by our own.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+=/-]{0,127}")


def new_request_id(offered: str | None = None) -> str:
    """The id a proxy offered if it is a plausible one, else a new random one."""
    if offered and _VALID_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def set_case(reference: str | None) -> None:
    """The case the current request is about (reset with the request)."""
    if reference:
        case_reference.set(reference)


@contextmanager
def about_case(reference: str | None) -> Iterator[None]:
    """Work on one case inside a task or a loop: the reference holds until the block ends."""
    token = case_reference.set(reference or None)
    try:
        yield
    finally:
        case_reference.reset(token)


def user_id() -> int | None:
    request = current_request.get()
    user = getattr(request, "__dict__", {}).get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


def current() -> dict:
    """The known fields of the current context, absent ones left out."""
    fields = {
        "request_id": request_id.get(),
        "user_id": user_id(),
        "case_reference": case_reference.get(),
    }
    return {k: v for k, v in fields.items() if v is not None}


class ContextFilter(logging.Filter):
    """Adds request_id, user_id and case_reference to every record (when known), for the
    JSON formatter to write as fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True
