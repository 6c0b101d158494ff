"""System check of the availability settings: an impossible window stops `manage.py
check`, `migrate` and `runserver` with a sentence naming it."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_window(app_configs, **kwargs):
    minutes = settings.AVAILABILITY_WINDOW_MINUTES
    if isinstance(minutes, int) and 1 <= minutes <= 60:
        return []
    return [
        Error(
            f"AVAILABILITY_WINDOW_MINUTES must be a whole number of minutes from 1 to 60; "
            f"it is {minutes!r}.",
            id="availability.E001",
        )
    ]
