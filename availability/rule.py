"""The contract's rule of unavailability (R1, R2) applied to probe results. Pure: no
database, no clock, no network.

Classification: a probe's failure counts towards unavailability only when it is
server-side, the contract's "server-side timeout or internal service error". For HTTP
that is a timeout, a connection that could not be made or was dropped, and a 5xx status;
a 4xx or any other unexpected status fails the probe but is not unavailability (the
request, the credential or the probe's own configuration is at fault). For SMTP it is a
connection that could not be made or was dropped, a timeout, a 4xx temporary reply (421,
451 ...) and a 5xx reply.

The window: a component in a region is unavailable when every result of its probes in
the last `window` minutes (minutes of the clock, the current one included) is a
server-side failure, each of its enabled probes has at least one result among them, and
the failures began no later than the window: with a three-minute window and a probe a
minute, the third failing minute makes it unavailable. The outage started at the first
failure of that streak; it ends at the first successful result after its start.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

REPLY_LIMIT = 500


@dataclass(frozen=True)
class Outcome:
    """What one run of a probe found."""

    ok: bool
    server_side: bool = False
    code: int | None = None  # the HTTP status or SMTP reply code that decided it
    latency_ms: int | None = None
    reply: str = ""

    def __post_init__(self):
        if self.ok and self.server_side:
            raise ValueError("A successful outcome cannot be a server-side failure.")
        if len(self.reply) > REPLY_LIMIT:
            object.__setattr__(self, "reply", self.reply[:REPLY_LIMIT])


def http_status_outcome(status: int, *, expected: int) -> tuple[bool, bool]:
    """(ok, server_side) for an HTTP answer with `status`."""
    if status == expected:
        return True, False
    return False, status >= 500


def smtp_reply_outcome(code: int | None) -> tuple[bool, bool]:
    """(ok, server_side) for the SMTP reply that ended a step: 2xx and 3xx go on; a 4xx
    (temporary: 421, 451 ...) or 5xx reply is the server's; no code at all is a dropped
    connection, also the server's."""
    if code is None:
        return False, True
    if 200 <= code < 400:
        return True, False
    return False, True


@dataclass(frozen=True)
class Result:
    """One stored result, as the rule reads it."""

    probe_id: int
    at: datetime
    ok: bool
    server_side: bool

    @property
    def counts(self) -> bool:
        """A server-side failure: what unavailability is made of."""
        return not self.ok and self.server_side


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def window_start(now: datetime, window: timedelta) -> datetime:
    """The first moment of the window that ends with the minute of `now`: a window of
    three minutes at 10:02:40 is 10:00:00 to 10:02:59."""
    return minute_of(now) - window + timedelta(minutes=1)


def is_unavailable(
    results: Collection[Result], *, probes: Collection[int], now: datetime, window: timedelta
) -> bool:
    """Whether every result in the window ending at `now` is a server-side failure, with
    at least one from each probe in `probes` (the enabled ones), and the failures began
    no later than the window did: a component failing for less than the window is still
    available, whatever the gaps in its record. No probes: never."""
    if not probes:
        return False
    start = window_start(now, window)
    seen = set()
    for result in results:
        if not start <= result.at <= now:
            continue
        if not result.counts:
            return False
        seen.add(result.probe_id)
    if not seen >= set(probes):
        return False
    began = streak_start(results, now=now)
    return began is not None and minute_of(began) <= start


def streak_start(results: Iterable[Result], *, now: datetime) -> datetime | None:
    """The first server-side failure after the last result (up to `now`) that was not
    one: where an outage found at `now` started. None when the latest result is not a
    server-side failure."""
    start = None
    for result in sorted((r for r in results if r.at <= now), key=lambda r: r.at, reverse=True):
        if not result.counts:
            break
        start = result.at
    return start


def recovery(results: Iterable[Result], *, since: datetime, now: datetime) -> datetime | None:
    """The first successful result after `since` (an outage's start) up to `now`: the
    moment the component recovered, or None while it has not."""
    successes = [r.at for r in results if r.ok and since < r.at <= now]
    return min(successes, default=None)


@dataclass(frozen=True)
class Verdict:
    """What an evaluation found: an outage that started (`started_at`), one that ended
    (`recovered_at`), or neither."""

    started_at: datetime | None = None
    recovered_at: datetime | None = None


def assess(
    results: Collection[Result],
    *,
    probes: Collection[int],
    now: datetime,
    window: timedelta,
    open_since: datetime | None = None,
) -> Verdict:
    """The rule for one component in one region at `now`. `results` are its probes'
    results from before the current streak began up to `now`; `open_since` is the start
    of its open outage, if one is open."""
    if open_since is not None:
        return Verdict(recovered_at=recovery(results, since=open_since, now=now))
    if is_unavailable(results, probes=probes, now=now, window=window):
        return Verdict(started_at=streak_start(results, now=now))
    return Verdict()
