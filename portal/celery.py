"""The Celery application: workers and beat read their settings from Django's."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Beat's entries are kept in code in portal/schedule.py and written to beat's table
# (Periodic tasks in the admin) after every `migrate`: none are given here, where beat
# would write them again at each start over what staff changed in the admin.
