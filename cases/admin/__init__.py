"""The staff admin of support cases: the queue (queue.py), a case's page with its
actions (case_page.py), the hotline intake (hotline.py), the SLA oversight report
(report.py), the records kept about cases (records.py) and platform incidents
(incidents.py)."""

from . import hotline, incidents, records
from .case_page import CaseAdmin

__all__ = ["CaseAdmin", "hotline", "incidents", "records"]
