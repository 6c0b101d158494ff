"""Listing history as time segments, for the chart: pure, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Segment:
    start: datetime
    end: datetime
    listed: bool | None  # None: not monitored yet


def segments(
    changes: list[tuple[datetime, bool]], *, start: datetime, end: datetime, listed_before: bool
) -> list[Segment]:
    """Cut [start, end] into listed / not-listed stretches.

    changes: (when, listed) in any order; listed_before: the state at `start`.
    """
    result: list[Segment] = []

    def push(segment: Segment) -> None:
        if result and result[-1].listed == segment.listed:
            result[-1] = Segment(result[-1].start, segment.end, segment.listed)
        else:
            result.append(segment)

    current, since = listed_before, start
    for when, listed in sorted(changes):
        if when <= start:
            current = listed
            continue
        if when >= end:
            break
        if listed == current:
            continue
        if when > since:  # two changes at one instant leave no segment between them
            push(Segment(since, when, current))
            since = when
        current = listed
    push(Segment(since, end, current))
    return result


@dataclass(frozen=True)
class Stretch:
    start: datetime
    end: datetime


def not_run(runs: list[tuple[datetime, bool]], *, end: datetime) -> list[Stretch]:
    """When checks could not run: from a run that could not until the next that could,
    or until `end`. runs: (when, could not run) in any order."""
    result: list[Stretch] = []
    since = None
    for when, failed in sorted(runs):
        if failed and since is None:
            since = when
        elif not failed and since is not None:
            result.append(Stretch(since, when))
            since = None
    if since is not None and since < end:
        result.append(Stretch(since, end))
    return result
