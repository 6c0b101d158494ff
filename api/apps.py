from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self):
        from accounts.signals import contact_deactivated, login_deactivated

        from . import schema  # noqa: F401 - registers the token's scheme with the schema

        contact_deactivated.connect(_end_tokens, dispatch_uid="api.end_tokens")
        login_deactivated.connect(_end_login_tokens, dispatch_uid="api.end_login_tokens")


def _end_tokens(sender, contact, actor, **kwargs):
    """A deactivated contact's API tokens end with their sessions, at once."""
    from .services import revoke_tokens_of

    revoke_tokens_of(contact.user, actor=actor)


def _end_login_tokens(sender, login, actor, **kwargs):
    """Staff deactivated a login in the admin: its tokens end too, a staff login's as
    well (a customer's have ended already with the contact's deactivation)."""
    from .services import revoke_tokens_of

    revoke_tokens_of(login, actor=actor)
