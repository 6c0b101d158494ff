"""The Celery application: workers and beat read their settings from Django's."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

from core import log_context

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat's entries are kept in code in portal/schedule.py and written to beat's table
# (Periodic tasks in the admin) after every `migrate`: none are given here, where beat
# would write them again at each start over what staff changed in the admin.


# Log lines and error reports of a task carry its id as the request id, and the case it
# is about once the task names one (core.log_context); the next task starts afresh.
_context_tokens: dict[str, list] = {}


@task_prerun.connect
def _task_context_starts(task_id=None, **_kwargs):
    _context_tokens[task_id] = [
        (log_context.request_id, log_context.request_id.set(task_id)),
        (log_context.case_reference, log_context.case_reference.set(None)),
    ]


@task_postrun.connect
def _task_context_ends(task_id=None, **_kwargs):
    for var, token in reversed(_context_tokens.pop(task_id, [])):
        var.reset(token)
