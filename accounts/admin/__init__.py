"""The staff admin of logins (logins.py), customer accounts and contacts (customers.py),
office hours and on-call shifts (schedules.py), and the accounts' audit record
(records.py)."""

from . import customers, logins, records, schedules

__all__ = ["customers", "logins", "records", "schedules"]
