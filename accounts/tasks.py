import smtplib

from celery import shared_task

from core.once import once

from . import services
from .alerts import Alert, NotifierError, notifier_named
from .models import User
from .sso import mail as sso_mail
from .team import mail as team_mail

# A mail server that is down for a while delays a mail, and loses none.
MAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(
    name="accounts.tasks.deliver_alert",
    autoretry_for=(NotifierError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
)
def deliver_alert(alert: dict, notifier: str) -> bool:
    """Deliver one alert through one notifier; each notifier retries on its own, so a
    failing webhook never sends the email twice, and a task delivered twice sends once."""
    instance = notifier_named(notifier)
    if instance is None:  # unconfigured since the alert was queued
        return False
    alert = Alert.from_dict(alert)
    if not alert.key:  # queued before alerts had keys
        instance.send(alert)
        return True
    return once(f"alert:{alert.key}:{notifier}", lambda: instance.send(alert) or True) or False


@shared_task(
    name="accounts.tasks.send_password_reset",
    **MAIL_RETRY,
)
def send_password_reset(user_id: int) -> bool:
    """The link a person asked for on "Forgot your password?" (token made now, at send)."""
    login = User.objects.filter(pk=user_id, is_active=True).first()
    if login is None:
        return False
    services.login_send_password_link(login=login, why=services.ASKED)
    return True


@shared_task(
    name="accounts.tasks.send_invitation",
    **MAIL_RETRY,
)
def send_invitation(invitation_id: int, token: str) -> bool:
    """The invitation's mail, once, while the invitation is open."""
    return bool(
        once(
            f"invitation:{invitation_id}",
            lambda: team_mail.send_invitation_mail(invitation_id=invitation_id, token=token),
        )
    )


@shared_task(
    name="accounts.tasks.send_sign_on_changed",
    **MAIL_RETRY,
)
def send_sign_on_changed(event_id: int, issuer: str, domains: list, enabled: bool) -> int:
    """The account's primary contacts learn that its single sign-on was set up or changed."""
    return sso_mail.send_sign_on_changed_mail(
        event_id=event_id, issuer=issuer, domains=domains, enabled=enabled
    )
