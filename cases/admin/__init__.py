"""The staff admin of support cases: the queue (queue.py), a case's page with its
actions (case_page.py), the hotline intake (hotline.py), the SLA oversight report
(report.py) and the records kept about cases (records.py)."""

from . import hotline, records
from .case_page import CaseAdmin

__all__ = ["CaseAdmin", "hotline", "records"]
