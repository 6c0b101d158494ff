"""The mail that tells an account's contacts how their Tier 1 remediation request moves on:
submitted (with the provider's reference), the provider's answer, the outcome, Tier 2. One
mail per contact, in their language and time zone, with the case reference in the subject so
that a reply lands on the case."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Contact
from core.mail import render_mail

from .models import RemediationStep
from .texts import NO_INBOX_PLACEMENT_GUARANTEE, TIER2_EXCLUDED, day

Kind = RemediationStep.Kind


def contacts(account) -> list:
    """The account's active contacts, by email."""
    return [
        c.user
        for c in Contact.objects.filter(account=account, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    ]


def _words(step: RemediationStep) -> tuple[str, str]:
    """The subject line and the opening sentence of the mail about a step."""
    values = {
        "counterpart": step.request.counterpart,
        "on": day(step.on),
        "channel": step.get_channel_display(),
        "reference": step.provider_reference,
    }
    if step.kind == Kind.SUBMITTED:
        subject = _("Remediation request submitted to %(counterpart)s")
        if step.provider_reference:
            headline = _(
                "We submitted your Tier 1 remediation request to %(counterpart)s on %(on)s "
                "(%(channel)s). Their reference: %(reference)s."
            )
        else:
            headline = _(
                "We submitted your Tier 1 remediation request to %(counterpart)s on %(on)s "
                "(%(channel)s)."
            )
    elif step.kind == Kind.ANSWER:
        subject = _("%(counterpart)s answered your remediation request")
        headline = _("%(counterpart)s answered your Tier 1 remediation request on %(on)s.")
    elif step.kind == Kind.OUTCOME and step.outcome == RemediationStep.Outcome.RESOLVED:
        subject = _("%(counterpart)s lifted the block")
        headline = _("%(counterpart)s lifted the block on %(on)s.")
    elif step.kind == Kind.OUTCOME:
        subject = _("%(counterpart)s did not lift the block")
        headline = _("%(counterpart)s did not lift the block (%(on)s).")
    else:
        subject = _("Remediation request marked Tier 2 (out of scope)")
        headline = _(
            "Your request needs custom mediation or strategy: we marked it Tier 2, out of "
            "scope of the support contract, on %(on)s."
        )
    return subject % values, headline % values


def _default_tier2_texts() -> set[str]:
    """The text the service writes when staff give no reason, in each language."""
    texts = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            texts.add(f"{TIER2_EXCLUDED} {NO_INBOX_PLACEMENT_GUARANTEE}")
    return texts


def send_step_mail(step: RemediationStep) -> int:
    """Mail the step to the account's contacts now; returns how many were sent."""
    request = step.request
    account = request.account
    text = step.text
    if step.kind == Kind.TIER2 and text in _default_tier2_texts():
        text = ""  # the contract's sentences follow in the reader's language
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "deliverability:remediation", args=[request.pk]
    )
    messages = []
    for user in contacts(account):
        with (
            translation.override(user.language or settings.LANGUAGE_CODE),
            timezone.override(user.time_zone or account.time_zone),
        ):
            contract = []
            if step.kind == Kind.TIER2:
                contract = [str(TIER2_EXCLUDED), str(NO_INBOX_PLACEMENT_GUARANTEE)]
            elif step.kind == Kind.OUTCOME:
                contract = [str(NO_INBOX_PLACEMENT_GUARANTEE)]
            subject_line, headline = _words(step)
            mail = render_mail(
                "deliverability/emails/remediation_step",
                {
                    "recipient": user,
                    "request": request,
                    "case": request.case,
                    "step": step,
                    "subject_line": subject_line,
                    "headline": headline,
                    "text": text,
                    "contract": contract,
                    "url": url,
                    "SUPPORT_EMAIL_ADDRESS": settings.SUPPORT_EMAIL_ADDRESS,
                    "SEVERITY1_HOTLINE": settings.SEVERITY1_HOTLINE,
                },
            )
        messages.append(
            EmailMultiAlternatives(
                mail.subject,
                mail.text,
                to=[user.email],
                reply_to=[settings.SUPPORT_EMAIL_ADDRESS],
            )
        )
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
