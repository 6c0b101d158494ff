"""Platform incidents as customers see them: the active ones, and those affecting an account.

Every customer page shows the incidents affecting the reader's account, so the active
incidents are read through the cache: one short list, kept under a generation that
changes when an incident or one of its updates is saved or deleted (the receivers in
`cases/apps.py`), and filtered per account in Python. The new generation is written
once the change commits, and a list read inside a transaction is cached only once that
commits: no reader caches an incident whose transaction may still roll back. A reader
that cached the old state meanwhile cached it under the old generation, which nobody
reads again.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import partial

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch

from .models import Incident, IncidentScope, IncidentStatus, IncidentUpdate

GENERATION_KEY = "cases:incidents:generation"
ACTIVE_KEY = "cases:incidents:active:{}"
# A safety net: a change written without a save (a queryset's update()), or made by a
# process that keeps its own cache (the default locmem cache; a shared cache such as
# Redis is told at once), shows within a minute.
ACTIVE_TIMEOUT = 60
PAST_PER_PAGE = 10
# What customers may read: staff publish a draft; a dismissed one was no incident.
PUBLISHED = (IncidentStatus.ACTIVE, IncidentStatus.RESOLVED)


def current_incidents() -> list[Incident]:
    """The active incidents, newest first, with their region and their updates newest
    first (`updates_newest_first`). From the cache; on a miss one query, and one more for
    the updates when there are incidents."""
    generation = cache.get_or_set(GENERATION_KEY, _new_generation, None)
    key = ACTIVE_KEY.format(generation)
    incidents = cache.get(key)
    if incidents is None:
        incidents = list(
            Incident.objects.filter(status=IncidentStatus.ACTIVE)
            .select_related("region")
            .prefetch_related(with_updates_newest_first())
            .order_by("-started_at", "-pk")
        )
        if _in_transaction():
            # Read inside a transaction that may have changed them: kept only if it commits.
            transaction.on_commit(partial(cache.set, key, incidents, ACTIVE_TIMEOUT))
        else:
            cache.set(key, incidents, ACTIVE_TIMEOUT)
    return incidents


def incidents_affecting(account, component: str | None = None) -> list[Incident]:
    """The active incidents affecting `account` (of `component`, if given): those of every
    region, and of the account's region; an account with no region is affected by all."""
    covering = IncidentScope.covering(component) if component else None
    return [
        incident
        for incident in current_incidents()
        if incident.affects(account) and (covering is None or incident.scope in covering)
    ]


def past_incidents_page(number) -> Page:
    """A page of the resolved incidents, newest first, with their updates: a count, the
    page, its updates. `number` as the request gave it (a bad one gives the first page, one
    past the end the last)."""
    incidents = (
        Incident.objects.filter(status=IncidentStatus.RESOLVED)
        .select_related("region")
        .prefetch_related(with_updates_newest_first())
        .order_by("-started_at", "-pk")
    )
    return Paginator(incidents, PAST_PER_PAGE).get_page(number)


def published_incidents_affecting(account):
    """The incidents customers of `account` may read: active and resolved ones affecting
    it (never drafts, never dismissed), newest first, with their updates newest first."""
    return (
        Incident.objects.filter(status__in=PUBLISHED)
        .affecting(account)
        .select_related("region")
        .prefetch_related(with_updates_newest_first())
        .order_by("-started_at", "-pk")
    )


def with_updates_newest_first() -> Prefetch:
    return Prefetch(
        "updates",
        queryset=IncidentUpdate.objects.order_by("-posted_at", "-pk"),
        to_attr="updates_newest_first",
    )


def expected_resolution_at(incident: Incident) -> datetime | None:
    """What the latest update expects, or failing that the incident itself."""
    latest = incident.updates_newest_first[0] if incident.updates_newest_first else None
    if latest is not None and latest.expected_resolution_at is not None:
        return latest.expected_resolution_at
    return incident.expected_resolution_at


def forget_current_incidents(using: str | None = None) -> None:
    """Readers fetch the active incidents afresh once the current transaction commits.
    The receivers call it on every save and delete; call it after changing incidents
    without a save (a queryset's update())."""
    transaction.on_commit(lambda: cache.set(GENERATION_KEY, _new_generation(), None), using=using)


def forget_on_change(sender, using, **kwargs) -> None:
    """The receiver of Incident and IncidentUpdate saves and deletes."""
    forget_current_incidents(using=using)


def _in_transaction() -> bool:
    # The test suite's own transactions (django.test.TestCase's, as Django's `durable`
    # check tells them apart) stand for no caller's.
    blocks = transaction.get_connection().atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def _new_generation() -> str:
    # Not a counter: a generation evicted from the cache must not come back with a value
    # whose list may still be there.
    return uuid.uuid4().hex
