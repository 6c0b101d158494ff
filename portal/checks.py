"""System checks for settings the rest of the code relies on."""

from django.conf import settings
from django.core.checks import Error, register

from accounts.alerts import WEBHOOK_SCHEMES


@register()
def check_time_settings(app_configs, **kwargs):
    # Deadlines and office hours are computed in UTC and converted at the edges;
    # any other storage zone would shift every SLA clock.
    errors = []
    if settings.TIME_ZONE != "UTC":
        errors.append(
            Error(
                f'TIME_ZONE is "{settings.TIME_ZONE}"; the portal stores times in UTC.',
                hint='Set TIME_ZONE = "UTC"; users and calendars carry their own zones.',
                id="portal.E001",
            )
        )
    if not settings.USE_TZ:
        errors.append(
            Error(
                "USE_TZ is off; the portal needs time-zone-aware datetimes.",
                hint="Set USE_TZ = True.",
                id="portal.E002",
            )
        )
    return errors


@register()
def check_alert_webhook(app_configs, **kwargs):
    url = settings.ALERT_WEBHOOK_URL
    errors = []
    if url and len(settings.ALERT_WEBHOOK_SECRET) < 16:
        errors.append(
            Error(
                "ALERT_WEBHOOK_URL is set but ALERT_WEBHOOK_SECRET is missing or shorter "
                "than 16 characters; receivers could not trust the alerts.",
                hint="Set ALERT_WEBHOOK_SECRET to a long random value shared with the receiver.",
                id="portal.E003",
            )
        )
    if url and not url.lower().startswith(WEBHOOK_SCHEMES):
        errors.append(
            Error(
                "ALERT_WEBHOOK_URL does not start with https:// or http://; alerts are "
                "only posted over HTTP.",
                hint="Give the receiver's https:// (or http://) address.",
                id="portal.E004",
            )
        )
    return errors
