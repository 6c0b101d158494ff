from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A background task, written in the transaction of the change that needs it and
    deleted once it has been handed to the broker (core/outbox.py)."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    # The broker's last refusal and how many sends it refused, for staff during an outage.
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["id"]

    def __str__(self):
        return f"{self.task_name} {self.created_at:%Y-%m-%d %H:%M}"


class Heartbeat(models.Model):
    """The last successful run of a periodic job, written by its task (core/heartbeats.py).
    How often the job should succeed is read from beat's schedule when it is checked, so
    an interval staff change in the admin is followed at once."""

    name = models.CharField(max_length=200, unique=True)  # the job's Celery task name
    last_success_at = models.DateTimeField()
    # When staff were told the job had stopped; cleared by its next success, so they
    # are told once per stale streak.
    alarm_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} {self.last_success_at:%Y-%m-%d %H:%M}"


class DoneOnce(models.Model):
    """A piece of background work that has been done, by its key: a task that is
    delivered twice (a worker lost after the work but before the acknowledgement, an
    outbox row sent twice) finds its key here and does nothing (core/once.py)."""

    key = models.CharField(max_length=200, unique=True)
    done_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("work done once")
        verbose_name_plural = _("work done once")

    def __str__(self):
        return self.key
