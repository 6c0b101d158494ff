"""What a staff member may do with a support case in the admin: read it, work it, read
its internal notes, read its attachments. Decided here, and only here, for the queue, the
case page, its actions, its attachment downloads and the hotline intake.

Every role that may view cases reads every case (a TAM's oversight covers other TAMs'
accounts too). Agents and managers work every case; a TAM works the cases of the
accounts where they are the TAM, unless they also hold one of those roles.
"""

from __future__ import annotations

from accounts import roles
from accounts.staff_access import account_in_scope

from .models import Attachment, Case

# The roles that work every account's cases.
EVERY_CASE = (roles.SUPPORT_AGENTS, roles.SUPPORT_MANAGERS)


def may_read_case(user, case: Case | None = None) -> bool:
    return user.has_perm("cases.view_case") or user.has_perm("cases.change_case")


def may_work_case(user, case: Case | None = None) -> bool:
    """Post, assign, move, reclassify, close: every action on the case page."""
    if not user.has_perm("cases.change_case"):
        return False
    return case is None or account_in_scope(user, case.account, every_account=EVERY_CASE)


def may_read_internal_notes(user, case: Case | None = None) -> bool:
    return may_read_case(user, case) and user.has_perm("cases.view_internal_note")


def may_read_attachments(user, case: Case | None = None) -> bool:
    return may_read_case(user, case) and user.has_perm("cases.view_attachment")


def may_read_attachment(user, case: Case, attachment: Attachment) -> bool:
    """An attachment of an internal note needs the notes' permission as well."""
    if attachment.case_id != case.pk or not may_read_attachments(user, case):
        return False
    message = attachment.message
    return message is None or not message.is_internal or may_read_internal_notes(user, case)


def may_read_sla_report(user) -> bool:
    """The SLA oversight report: Support Managers (every account) and TAMs (their own)."""
    return (
        user.is_superuser
        or user.has_role(roles.SUPPORT_MANAGERS)
        or user.has_role(roles.TECHNICAL_ACCOUNT_MANAGERS)
    )


def sla_report_tam(user):
    """Whose accounts the report covers: None for every account, else this TAM's."""
    if user.is_superuser or user.has_role(roles.SUPPORT_MANAGERS):
        return None
    return user


def may_record_hotline_call(user) -> bool:
    """The hotline intake: Customer Service, Support Managers and superusers."""
    return user.has_perm("cases.add_hotlinecall")


# --- platform incidents --------------------------------------------------------------


def may_read_incidents(user) -> bool:
    """The incidents list and pages: every role that reads cases, and the hotline
    (representatives see the active incidents at intake)."""
    return user.has_perm("cases.view_incident") or user.has_perm("cases.change_incident")


def may_work_incidents(user) -> bool:
    """Declare, publish, link, post updates, resolve: agents and Support Managers."""
    return user.has_perm("cases.change_incident")
