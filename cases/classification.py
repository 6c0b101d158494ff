"""The contract's definitions, as pure functions: is a problem critical, and is a
request outside the contract's scope. No ORM: the form, the preview, the services and
the mail intake all ask here."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SOFTWARE_BUG = "software_bug"
SERVER = "server"
CRITICAL = "critical"
NON_CRITICAL = "non_critical"


@dataclass(frozen=True)
class Answers:
    """The customer's answers on the intake form."""

    category: str
    api_all_failing: bool = False
    api_failure_cause: str = ""
    smtp_all_failing: bool = False
    smtp_failure_cause: str = ""


def is_unavailable(answers: Answers) -> bool:
    """Unavailability (Onbeschikbaarheid): all API calls fail because of server-side
    timeouts or internal service errors, and/or all SMTP injections do."""
    api_down = answers.api_all_failing and answers.api_failure_cause == SERVER
    smtp_down = answers.smtp_all_failing and answers.smtp_failure_cause == SERVER
    return api_down or smtp_down


def severity(answers: Answers) -> str:
    """Critical exactly when a software bug causes ongoing unavailability."""
    if answers.category == SOFTWARE_BUG and is_unavailable(answers):
        return CRITICAL
    return NON_CRITICAL


# Requests the contract excludes, with the contract's scope note for each.
EXCLUDED_REQUESTS = {
    "templates": (
        _("Building or translating email templates"),
        _(
            "Building or translating your email templates is not part of the support "
            "contract: the Technical Account Manager helps plan your migration, but the "
            "templates themselves stay with your team."
        ),
    ),
    "internal_projects": (
        _("Managing our internal projects"),
        _(
            "Managing your internal projects is not part of the support contract. Your "
            "Technical Account Manager gladly helps plan the move of your email traffic."
        ),
    ),
    "deliverability_strategy": (
        _("Deliverability strategy services"),
        _(
            "Deliverability strategy services are not part of the support contract. We do "
            "give best-practice guidance, blocklist monitoring and Tier 1 ISP-block "
            "remediation."
        ),
    ),
    "tier2_mediation": (
        _("Tier 2 (custom) mediation with a mailbox provider"),
        _(
            "Tier 2 (custom) mediation with mailbox providers is not part of the support "
            "contract. Tier 1, standard form-based ISP-block remediation is: ask for it "
            "after the best-practice advice was followed."
        ),
    ),
    "inbox_placement": (
        _("A guaranteed inbox placement rate"),
        _(
            "Inbox placement rates are not guaranteed by the support contract, and the "
            "vendor is not responsible for them. We do help you follow the best practices "
            "that improve them."
        ),
    ),
}


def scope_note(request_kind: str) -> str | None:
    """The contract's scope note for an excluded request, or None if it is in scope."""
    entry = EXCLUDED_REQUESTS.get(request_kind)
    return str(entry[1]) if entry else None
