"""The mail to an account's primary contacts when its single sign-on is configured or
changed: who signs in as the account's people is worth their knowing at once, and a
change nobody asked for is seen."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import pgettext

from accounts.models import AccountEvent, Contact
from core.mail import render_mail
from core.once import once


def send_sign_on_changed_mail(*, event_id: int, issuer: str, domains: list[str], enabled: bool):
    """One mail per active primary contact, in their language and time zone; a task run
    twice mails each of them once. Returns how many were mailed now."""
    event = AccountEvent.objects.select_related("account", "actor").filter(pk=event_id).first()
    if event is None:
        return 0
    readers = Contact.objects.filter(
        account=event.account, role=Contact.Role.PRIMARY, user__is_active=True
    ).select_related("user")
    context = {
        "account": event.account.name,
        "configured": event.kind == AccountEvent.Kind.SSO_CONFIGURED,
        "by": event.actor.full_name if event.actor else "",
        "at": event.at,
        "issuer": issuer,
        "domains": ", ".join(domains),
    }
    mailed = 0
    for contact in readers:
        user = contact.user

        def send(user=user):
            with translation.override(user.language), timezone.override(user.time_zone):
                switch = pgettext("switch", "on") if enabled else pgettext("switch", "off")
                mail = render_mail("accounts/emails/sign_on_changed", {**context, "switch": switch})
            send_mail(mail.subject, mail.text, None, [user.email])
            return True

        mailed += bool(once(f"sign-on-changed:{event_id}:{user.pk}", send))
    return mailed
