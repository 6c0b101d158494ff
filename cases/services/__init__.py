"""Every change of state of a support case, one function per action, by what it is
about: filing (`intake`), the lifecycle and its moves (`lifecycle`), the conversation
(`messages`), resolution by mutual agreement (`resolution`), the update interval by
mutual agreement (`update_interval`), duplicates merged into their original
(`duplicates`), the Severity 1 hotline (`hotline`), platform incidents (`incidents`,
with the cases they cover in `incident_links`), the SLA sweep (`sweep`) and its alarm
when it stops (`sweep_alarm`).
Deadlines are stored by `cases.deadlines`. Other apps, views, tasks and the admin call
the services through this package."""

from .base import MAILED_KINDS, CaseError, CaseForbidden, Kind, lock_case, record_event, resolve_now
from .duplicates import case_merge_duplicate
from .hotline import (
    CANDIDATE_DAYS,
    accounts_matching,
    callback_log_attempt,
    hotline_record_call,
    intake_candidates,
    open_case_of,
)
from .incident_links import (
    affected_accounts,
    incident_link_cases,
    incident_unlink_case,
    link_candidates,
)
from .incidents import (
    incident_declare,
    incident_dismiss,
    incident_for_outage,
    incident_note_probes,
    incident_post_update,
    incident_publish,
    incident_resolve,
)
from .intake import case_flag_for_staff, case_open
from .lifecycle import (
    TRANSITIONS,
    can_move,
    case_assign,
    case_close,
    case_dismiss_flag,
    case_escalate,
    case_reclassify,
    case_reopen,
    case_set_following,
    case_set_status,
    escalation_wait_sentence,
)
from .messages import case_add_note, case_customer_reply, case_provide_workaround, case_reply
from .rating import case_rate_resolution, rated_agreement
from .resolution import (
    case_accept_resolution,
    case_propose_resolution,
    case_record_agreement,
    case_reject_resolution,
)
from .sweep import sla_sweep
from .sweep_alarm import sla_sweep_stale_since
from .update_interval import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    case_accept_update_interval,
    case_decline_update_interval,
    case_propose_update_interval,
)

__all__ = [
    "CANDIDATE_DAYS",
    "MAILED_KINDS",
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "TRANSITIONS",
    "CaseError",
    "CaseForbidden",
    "Kind",
    "accounts_matching",
    "affected_accounts",
    "callback_log_attempt",
    "can_move",
    "case_accept_resolution",
    "case_accept_update_interval",
    "case_rate_resolution",
    "rated_agreement",
    "case_add_note",
    "case_assign",
    "case_close",
    "case_dismiss_flag",
    "case_customer_reply",
    "case_decline_update_interval",
    "case_escalate",
    "case_flag_for_staff",
    "case_merge_duplicate",
    "case_open",
    "case_propose_resolution",
    "case_propose_update_interval",
    "case_provide_workaround",
    "case_reclassify",
    "case_record_agreement",
    "case_reject_resolution",
    "case_reopen",
    "case_reply",
    "case_set_following",
    "case_set_status",
    "escalation_wait_sentence",
    "hotline_record_call",
    "incident_declare",
    "incident_dismiss",
    "incident_for_outage",
    "incident_note_probes",
    "incident_link_cases",
    "incident_post_update",
    "incident_publish",
    "incident_resolve",
    "incident_unlink_case",
    "link_candidates",
    "lock_case",
    "intake_candidates",
    "open_case_of",
    "record_event",
    "resolve_now",
    "sla_sweep",
    "sla_sweep_stale_since",
]
