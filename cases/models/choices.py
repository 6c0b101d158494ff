"""The choices of a support case and its records, and the check constraint that keeps
each column to its choices."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REFERENCE_PREFIX = "EE-"


def reference_for(pk: int) -> str:
    return f"{REFERENCE_PREFIX}{pk:06d}"


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical issue")
    NON_CRITICAL = "non_critical", _("Non-critical issue")


class Category(models.TextChoices):
    SOFTWARE_BUG = "software_bug", _("Software bug")
    CONFIGURATION = "configuration", _("Configuration request")
    INFORMATION = "information", _("Information request")


class FailureCause(models.TextChoices):
    """Why every API call or SMTP injection fails. The intake form asks it in each
    channel's own codes (cases.forms)."""

    SERVER = "server", _("Server-side timeout or error")
    OTHER = "other", _("Another reason")


class Status(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_CUSTOMER = "waiting_on_customer", _("Waiting on customer")
    WORKAROUND_PROVIDED = "workaround_provided", _("Workaround provided")
    RESOLUTION_PROPOSED = "resolution_proposed", _("Resolution proposed")
    RESOLVED = "resolved", _("Resolved by mutual agreement")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.WAITING_ON_CUSTOMER,
    Status.WORKAROUND_PROVIDED,
    Status.RESOLUTION_PROPOSED,
)
CLOSED_STATUSES = (Status.RESOLVED, Status.CLOSED)


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    HOTLINE = "hotline", _("Severity 1 hotline")
    STAFF = "staff", _("Staff")


def choices_check(field: str, choices) -> Q:
    return Q(**{f"{field}__in": [value for value, _label in choices.choices]})


class DeadlineKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("first response")
    CALLBACK = "callback", _("hotline callback")
    NEXT_UPDATE = "next_update", _("next update")
    RESPONSE = "response", _("response to the customer")
