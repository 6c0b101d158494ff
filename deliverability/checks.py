"""System checks: a misconfigured blocklist setting stops start-up with a sentence."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


@register()
def blocklist_settings(app_configs, **kwargs):
    from .blocklists.services import checker_options

    try:
        checker_options()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), id="deliverability.E001")]
    return []
