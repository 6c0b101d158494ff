"""The app's models, kept in its two packages and imported here so that Django loads them
with the app (label `deliverability`, table names unchanged)."""

from .blocklists.models import (
    Blocklist,
    CheckChunk,
    CheckFailureStreak,
    CheckRun,
    ListingEvent,
    ListingState,
    SendingDomain,
    SendingIP,
)
from .programme.models import (
    DailyActual,
    MigrationPhase,
    NextStep,
    PlanningSession,
    ProviderChoice,
    RemediationRequest,
    RemediationStep,
    TrendNote,
    WarmupPlan,
)

__all__ = [
    "Blocklist",
    "CheckChunk",
    "CheckFailureStreak",
    "CheckRun",
    "DailyActual",
    "ListingEvent",
    "ListingState",
    "MigrationPhase",
    "NextStep",
    "PlanningSession",
    "ProviderChoice",
    "RemediationRequest",
    "RemediationStep",
    "SendingDomain",
    "SendingIP",
    "TrendNote",
    "WarmupPlan",
]
