"""Support cases (Supportzaak): the case, its conversation and audit log, resolution
agreements, update interval proposals, SLA policies and notices, Severity 1 hotline
calls, and platform incidents."""

from .case import Case
from .choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    REFERENCE_PREFIX,
    Category,
    Channel,
    DeadlineKind,
    FailureCause,
    Severity,
    Status,
    reference_for,
)
from .events import CaseEvent
from .hotline import CallbackAttempt, CallbackCounts, CallbackOutcome, HotlineCall
from .incident import (
    INCIDENT_PREFIX,
    Component,
    Incident,
    IncidentEvent,
    IncidentScope,
    IncidentSeverity,
    IncidentStatus,
    IncidentUpdate,
)
from .interval import IntervalProposal
from .messages import Attachment, CaseMessage, OutboundMessage, Visibility, attachment_path
from .resolution import (
    RATING_CHANGE_DAYS,
    RATING_COMMENT_MAX_LENGTH,
    RATING_LOW,
    RATING_SCORES,
    AgreementOutcome,
    ResolutionAgreement,
    ResolutionRating,
)
from .sla import SlaNotice, SlaPolicy

__all__ = [
    "CLOSED_STATUSES",
    "OPEN_STATUSES",
    "RATING_CHANGE_DAYS",
    "RATING_COMMENT_MAX_LENGTH",
    "RATING_LOW",
    "RATING_SCORES",
    "INCIDENT_PREFIX",
    "REFERENCE_PREFIX",
    "AgreementOutcome",
    "Attachment",
    "CallbackAttempt",
    "CallbackCounts",
    "CallbackOutcome",
    "Case",
    "CaseEvent",
    "CaseMessage",
    "Category",
    "Channel",
    "Component",
    "DeadlineKind",
    "FailureCause",
    "HotlineCall",
    "Incident",
    "IncidentEvent",
    "IncidentScope",
    "IncidentSeverity",
    "IncidentStatus",
    "IncidentUpdate",
    "IntervalProposal",
    "OutboundMessage",
    "ResolutionAgreement",
    "ResolutionRating",
    "Severity",
    "SlaNotice",
    "SlaPolicy",
    "Status",
    "Visibility",
    "attachment_path",
    "reference_for",
]
