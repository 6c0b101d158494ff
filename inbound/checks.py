"""System checks of the inbound mail settings: an unsafe or impossible IMAP setting stops
`manage.py check`, `migrate` and `runserver` with a sentence naming it."""

from django.conf import settings
from django.core.checks import Error, register

from .imap_config import configuration_problems


@register()
def check_imap_settings(app_configs, **kwargs):
    if not settings.INBOUND_IMAP_HOST:  # not polled
        return []
    problems = configuration_problems(
        host=settings.INBOUND_IMAP_HOST,
        tls=settings.INBOUND_IMAP_TLS,
        allow_plaintext=settings.INBOUND_IMAP_ALLOW_PLAINTEXT,
        folders=(
            settings.INBOUND_IMAP_FOLDER,
            settings.INBOUND_IMAP_PROCESSED_FOLDER,
            settings.INBOUND_IMAP_OVERSIZE_FOLDER,
        ),
    )
    return [Error(problem, id="inbound.E001") for problem in problems]
