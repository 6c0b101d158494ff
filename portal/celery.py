"""The Celery application: workers and beat read their settings from Django's."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat entries kept in code: beat writes them to its table (Periodic tasks in the admin)
# each time it starts.
app.conf.beat_schedule = {
    "Outbox: send the tasks a broker outage left": {
        "task": "core.drain_outbox",
        "schedule": 60.0,
    },
}
