"""The invitation's mail, in the language the inviter chose."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone, translation

from core.mail import render_mail

from ..models import Invitation


def send_invitation_mail(*, invitation_id: int, token: str) -> bool:
    invitation = (
        Invitation.objects.select_related("account", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open(timezone.now()):
        return False
    context = {
        "invitation": invitation,
        "inviter": invitation.invited_by.full_name if invitation.invited_by else "",
        "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("accounts:join", args=[token]),
    }
    with translation.override(invitation.language), timezone.override(invitation.account.time_zone):
        mail = render_mail("accounts/emails/invitation", context)
    send_mail(mail.subject, mail.text, None, [invitation.email])
    return True
