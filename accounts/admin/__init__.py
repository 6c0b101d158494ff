"""The staff admin of logins (logins.py), customer accounts and contacts (customers.py),
and office hours and on-call shifts (schedules.py)."""

from . import customers, logins, schedules

__all__ = ["customers", "logins", "schedules"]
