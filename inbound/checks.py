"""System checks of the inbound mail settings: an unsafe or impossible IMAP setting stops
`manage.py check`, `migrate` and `runserver` with a sentence naming it."""

from django.conf import settings
from django.core.checks import Error, register

from .imap_config import ImapConfig
from .webhooks import webhook_problems


@register()
def check_imap_settings(app_configs, **kwargs):
    if not settings.INBOUND_IMAP_HOST:  # not polled
        return []
    problems = ImapConfig.from_settings(settings, validate=False).problems()
    return [Error(problem, id="inbound.E001") for problem in problems]


@register()
def check_webhook_settings(app_configs, **kwargs):
    return [Error(problem, id="inbound.E002") for problem in webhook_problems(settings)]
