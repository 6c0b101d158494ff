"""System checks of the webhook settings: a setting that cannot work stops `manage.py
check`, `migrate` and `runserver` with a sentence naming it."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def check_webhook_settings(app_configs, **kwargs):
    problems = []
    bundle = settings.WEBHOOKS_CA_BUNDLE
    if bundle and not Path(bundle).is_file():
        problems.append(
            Error(f"WEBHOOKS_CA_BUNDLE names {bundle}, which is not a file.", id="webhooks.E001")
        )
    for name in ("WEBHOOKS_CONNECT_TIMEOUT", "WEBHOOKS_TIMEOUT"):
        if not 0 < getattr(settings, name) <= 60:
            problems.append(
                Error(f"{name} must be more than 0 and at most 60 seconds.", id="webhooks.E002")
            )
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES and not settings.DEBUG:
        problems.append(
            Warning(
                "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is on: customers' webhooks may reach this "
                "network's private addresses. It is meant for tests only.",
                id="webhooks.W001",
            )
        )
    return problems
