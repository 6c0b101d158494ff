"""Changes of state in the TAM's programme: one function per action, in a transaction."""

from __future__ import annotations

import ipaddress
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Category
from cases.services import case_open
from core import outbox

from ..blocklists import dnsbl
from ..blocklists import selectors as blocklist_selectors
from . import actuals_csv, mailing
from .models import DailyActual, NextStep, RemediationRequest, RemediationStep, WarmupPlan
from .texts import NO_INBOX_PLACEMENT_GUARANTEE, PROVIDER_REQUIRED, TIER2_EXCLUDED, day


class ActualsRejected(Exception):
    """The CSV had bad rows; nothing was imported."""

    def __init__(self, errors):
        super().__init__(f"{len(errors)} bad rows")
        self.errors = errors


@transaction.atomic
def actuals_import(*, plan: WarmupPlan, text: str) -> int:
    """Store every row of a CSV of daily actuals, or none: returns the number of rows.

    A row for a day and provider already on record replaces it (a corrected export)."""
    result = actuals_csv.parse_actuals_csv(text)
    if not result.ok:
        raise ActualsRejected(result.errors)
    plan = WarmupPlan.objects.select_for_update().get(pk=plan.pk)
    for row in result.rows:
        DailyActual.objects.update_or_create(
            plan=plan,
            date=row.date,
            provider=row.provider,
            defaults={
                "sent": row.sent,
                "delivered": row.delivered,
                "bounces": row.bounces,
                "complaints": row.complaints,
            },
        )
    return len(result.rows)


CHECKLIST = (
    "authentication_in_place",
    "one_click_unsubscribe",
    "complaint_rate_ok",
    "warmup_followed",
)


class RemediationRefused(ValueError):
    pass


def _case_description(fields: dict) -> str:
    counterpart = _("Mailbox provider") if fields["provider"] else _("Blocklist")
    return "\n".join(
        [
            _("Tier 1 ISP-block remediation request"),
            f"{counterpart}: {fields['provider_label']}",
            f"{_('Affected IPs or ranges')}: {fields['affected_ips']}",
            f"From: {fields['from_domain']} · DKIM d=: {fields['dkim_domain']} · "
            f"Return-Path: {fields['return_path_domain']}",
            f"{_('Daily volume to this provider')}: {fields['daily_volume']}",
            f"{_('First seen')}: {day(fields['first_seen'])}",
            "",
            str(NO_INBOX_PLACEMENT_GUARANTEE),
        ]
    )


@transaction.atomic
def remediation_open(
    *, account, requester, fields: dict, listing=None, bounce_rule: str = ""
) -> RemediationRequest:
    """File a Tier 1 remediation request as a support case; the checklist must be confirmed."""
    missing = [name for name in CHECKLIST if not fields.get(name)]
    if missing:
        raise RemediationRefused(
            _("Tier 1 remediation starts once every best practice of the checklist is in place.")
        )
    if not fields.get("provider") and listing is None:
        raise ValidationError({"provider": str(PROVIDER_REQUIRED)})
    _check_own_assets(account, fields)
    case = case_open(
        account=account,
        requester=requester,
        subject=_("ISP-block remediation: %(provider)s") % {"provider": fields["provider_label"]},
        description=_case_description(fields),
        category=Category.CONFIGURATION,
        error_samples=fields["bounce_text"],
    )
    data = {k: v for k, v in fields.items() if k != "provider_label"}
    return RemediationRequest.objects.create(
        case=case, account=account, listing=listing, bounce_rule=bounce_rule, **data
    )


def _check_own_assets(account, fields: dict) -> None:
    """The vendor mediates only for the account's own assets: the IPs and the From domain
    must be the account's, and no IP or domain named may be another account's. Shared-pool
    IPs (no account's) are allowed when the customer says they send from shared IPs.
    ValidationError by field, for the form."""
    errors: dict[str, list[str]] = {}
    networks, problems = dnsbl.parse_networks(fields.get("affected_ips", ""))
    for token, problem in problems:
        errors.setdefault("affected_ips", []).append(_NETWORK_PROBLEMS[problem] % {"ip": token})
    owners = blocklist_selectors.ips_of_accounts(networks)
    dedicated = fields.get("ip_type") == RemediationRequest.IpType.DEDICATED
    for network in networks:
        held = [acc for addr, acc in owners.items() if ipaddress.ip_address(addr) in network]
        foreign = any(acc != account.pk for acc in held)
        if foreign or (dedicated and account.pk not in held):
            errors.setdefault("affected_ips", []).append(
                _("“%(ip)s” is not one of your account's sending IPs.") % {"ip": network}
                + ("" if foreign else " " + _("For IPs of the shared pool, choose “Shared IPs”."))
            )
    for name in ("from_domain", "dkim_domain", "return_path_domain"):
        try:
            domain = dnsbl.normalise_host(fields.get(name, ""))
        except ValueError:
            errors[name] = [_("Enter a domain name such as mail.example.com.")]
            continue
        if name == "from_domain" and not blocklist_selectors.domain_is_accounts(account, domain):
            errors[name] = [
                _(
                    "“%(domain)s” is not one of your account's monitored domains: add it under "
                    "Blocklist monitoring first."
                )
                % {"domain": domain}
            ]
        elif blocklist_selectors.domain_held_elsewhere(account, domain):
            errors[name] = [
                _("“%(domain)s” is monitored for another customer account.") % {"domain": domain}
            ]
    if errors:
        raise ValidationError(errors)


_NETWORK_PROBLEMS = {
    "invalid": gettext_lazy("“%(ip)s” is not an IP address or range."),
    "too_wide": gettext_lazy(
        "“%(ip)s” is too wide: name the affected addresses, or a range of at most a /24 "
        "(IPv4) or a /64 (IPv6)."
    ),
    "too_many": gettext_lazy("%(ip)s entries are more than the 64 a request can name."),
}


_STATUS_AFTER = {
    RemediationStep.Kind.SUBMITTED: RemediationRequest.Status.SUBMITTED,
    RemediationStep.Kind.ANSWER: RemediationRequest.Status.ANSWERED,
    RemediationStep.Kind.TIER2: RemediationRequest.Status.TIER2,
}


@transaction.atomic
def remediation_step_record(
    *,
    request: RemediationRequest,
    kind: str,
    on: date,
    recorded_by,
    channel: str = "",
    provider_reference: str = "",
    outcome: str = "",
    text: str = "",
) -> RemediationStep:
    """Record a step (submission, answer, outcome, Tier 2) and move the request's status."""
    request = RemediationRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == RemediationRequest.Status.TIER2:
        raise RemediationRefused(_("This request was marked Tier 2; no further steps apply."))
    if kind == RemediationStep.Kind.SUBMITTED and not channel:
        raise RemediationRefused(_("Say through which channel the request was submitted."))
    if kind == RemediationStep.Kind.OUTCOME and not outcome:
        raise RemediationRefused(_("Choose the outcome."))
    if kind == RemediationStep.Kind.TIER2:
        text = text or f"{TIER2_EXCLUDED} {NO_INBOX_PLACEMENT_GUARANTEE}"
    step = RemediationStep.objects.create(
        request=request,
        kind=kind,
        on=on,
        channel=channel,
        provider_reference=provider_reference,
        outcome=outcome,
        text=text,
        recorded_by=recorded_by,
    )
    status = outcome if kind == RemediationStep.Kind.OUTCOME else _STATUS_AFTER[kind]
    request.status = status
    if kind == RemediationStep.Kind.TIER2:
        request.tier2_reason = text
    request.save(update_fields=["status", "tier2_reason"])
    outbox.enqueue("deliverability.remediation_step_mail", step.pk)
    return step


def remediation_step_mail(*, step_id: int, now: datetime | None = None) -> int:
    """Mail one recorded step to the account's contacts, exactly once; returns how many.

    The claim (`mailed_at`) and the sending share a transaction: when the mail server
    refuses, the claim is rolled back and the retried task mails the step."""
    with transaction.atomic():
        step = (
            RemediationStep.objects.select_for_update()
            .filter(pk=step_id, mailed_at__isnull=True)
            .first()
        )
        if step is None:
            return 0
        step.mailed_at = now or timezone.now()
        step.save(update_fields=["mailed_at"])
        step = RemediationStep.objects.select_related(
            "request__account", "request__case", "request__listing__blocklist"
        ).get(pk=step.pk)
        return mailing.send_step_mail(step)


def next_step_reminders(*, now: datetime | None = None) -> int:
    """Queue a reminder to the TAM for each next step that has come due; returns how many.

    The sweep claims nothing: each task claims its step and sends in one transaction, so a
    failed send leaves the step unclaimed for the next sweep, and a task that runs twice
    mails once."""
    from .selectors import next_steps_due

    now = now or timezone.now()
    step_ids = list(next_steps_due(now.date()).order_by("pk").values_list("pk", flat=True))
    for step_id in step_ids:
        outbox.enqueue("deliverability.next_step_remind", step_id)
    return len(step_ids)


def next_step_remind(*, step_id: int, now: datetime | None = None) -> bool:
    """Remind the TAM of one due next step, exactly once; False if there is nothing to do.

    The claim (`reminded_at`) and the mail share a transaction: when the mail server
    refuses, the claim is rolled back and the step is reminded by a later attempt."""
    now = now or timezone.now()
    with transaction.atomic():
        step = (
            NextStep.objects.select_for_update()
            .select_related("session__account__tam")
            .filter(pk=step_id, reminded_at__isnull=True, done=False)
            .first()
        )
        if step is None:
            return False
        step.reminded_at = now
        step.save(update_fields=["reminded_at"])
        tam = step.session.account.tam
        if tam is None or not tam.email:
            return False
        with translation.override(getattr(tam, "language", None) or "en"):
            subject = _("Next step due: %(step)s (%(account)s)") % {
                "step": step.description,
                "account": step.session.account.name,
            }
            body = _(
                'The next step "%(step)s" agreed in the %(topic)s planning session of '
                "%(held_on)s with %(account)s is due on %(due)s. Owner: %(owner)s."
            ) % {
                "step": step.description,
                "topic": step.session.get_topic_display(),
                "held_on": step.session.held_on,
                "account": step.session.account.name,
                "due": step.due_on,
                "owner": step.owner,
            }
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [tam.email])
    return True
