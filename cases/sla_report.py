"""The SLA oversight report, pure: attainment per account and deadline kind from the SLA
events (fulfilled: met or late with the minutes taken; breached: escalated by the sweep,
perhaps fulfilled later). Each figure can be explained deadline by deadline."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("callback", "first_response", "response", "next_update")
# What fulfils a callback deadline, by the rule the call was recorded under; calls
# recorded before the rule was a choice counted their first attempt.
FIRST_ATTEMPT = "first_attempt"


@dataclass(frozen=True)
class Outcome:
    account: str
    kind: str
    key: tuple  # (kind, subject id, due): one deadline
    case_id: int
    reference: str
    met: bool
    minutes: float | None  # None: breached and not fulfilled yet
    rule: str = ""  # callbacks: what fulfilled the deadline (first attempt, first reach)


@dataclass
class Row:
    account: str
    kind: str
    rule: str = ""
    total: int = 0
    met: int = 0
    minutes: list[float] = field(default_factory=list)
    breached: list[tuple[int, str]] = field(default_factory=list)

    @property
    def label_key(self) -> str:
        """The key of its label: the kind, and for callbacks the rule measured by."""
        return f"{self.kind}:{self.rule}" if self.rule else self.kind

    @property
    def share(self) -> float | None:
        return self.met / self.total if self.total else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.minutes) if self.minutes else None

    @property
    def p90(self) -> float | None:
        return percentile(self.minutes, 90)


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p% at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def outcomes_from_events(events: Iterable[dict]) -> list[Outcome]:
    """Events as dicts: account, case_id, reference, kind ("sla_fulfilled" or
    "sla_breach"), data. A fulfilment wins over a breach of the same deadline."""
    found: dict[tuple, Outcome] = {}
    for e in events:
        data = e["data"]
        kind = data.get("deadline_kind")
        if kind not in KINDS:
            continue
        key = (kind, data.get("subject_id", e["case_id"]), data.get("due"))
        rule = data.get("counts", FIRST_ATTEMPT) if kind == "callback" else ""
        if e["kind"] == "sla_fulfilled":
            found[key] = Outcome(
                e["account"],
                kind,
                key,
                e["case_id"],
                e["reference"],
                bool(data["met"]),
                float(data["minutes"]),
                rule,
            )
        elif key not in found:
            found[key] = Outcome(
                e["account"], kind, key, e["case_id"], e["reference"], False, None, rule
            )
    return list(found.values())


def attainment(outcomes: Iterable[Outcome]) -> list[Row]:
    rows: dict[tuple[str, str, str], Row] = {}
    for o in outcomes:
        row = rows.setdefault((o.account, o.kind, o.rule), Row(o.account, o.kind, o.rule))
        row.total += 1
        row.met += o.met
        if o.minutes is not None:
            row.minutes.append(o.minutes)
        if not o.met and (o.case_id, o.reference) not in row.breached:
            row.breached.append((o.case_id, o.reference))
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], KINDS.index(k[1]), k[2]))]


@dataclass(frozen=True)
class RatingRow:
    """The resolutions rated for one account or one agent: how many, and the average."""

    name: str
    count: int
    average: float
    low: int  # rated 1 or 2


def rating_rows(ratings: Iterable[dict], by: str, low: int = 2) -> list[RatingRow]:
    """Ratings as dicts with `by` ("account" or "agent": the name shown), `<by>_id` and
    "score", per account or agent: by id, as two agents may share a name."""
    names: dict[int | None, str] = {}
    scores: dict[int | None, list[int]] = {}
    for rating in ratings:
        key = rating[f"{by}_id"]
        names[key] = rating[by] or "—"
        scores.setdefault(key, []).append(rating["score"])
    return [
        RatingRow(
            names[key],
            len(given),
            round(statistics.fmean(given), 2),
            sum(1 for score in given if score <= low),
        )
        for key, given in sorted(scores.items(), key=lambda item: (names[item[0]], item[0] or 0))
    ]


COLOURS = {
    "callback": "#b02a37",
    "first_response": "#0d6efd",
    "response": "#6f42c1",
    "next_update": "#198754",
}
BAR, GAP, LEFT, WIDTH = 18, 6, 360, 360


@dataclass(frozen=True)
class ChartBar:
    y: int
    text_y: int
    label: str  # account · deadline kind
    met_width: float
    colour: str
    share: float  # of the deadlines met, 0 to 1; the template writes it as a percentage


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    track_width: int
    bar_height: int
    label_x: int
    percent_x: int
    bars: list[ChartBar]


def chart(rows: list[Row], labels: dict[str, str]) -> Chart:
    """Horizontal bars of the share met, one per account and kind (the template
    `cases/charts/sla_attainment.svg.html` draws them; no script, no CDN)."""
    bars = []
    for i, row in enumerate(rows):
        y = 10 + i * (BAR + GAP)
        share = row.share or 0
        label = labels.get(row.label_key) or labels.get(row.kind, row.kind)
        bars.append(
            ChartBar(
                y=y,
                text_y=y + 13,
                label=f"{row.account} · {label}",
                met_width=round(share * WIDTH, 1),
                colour=COLOURS[row.kind],
                share=share,
            )
        )
    return Chart(
        width=LEFT + WIDTH + 60,
        height=max(1, len(rows)) * (BAR + GAP) + 30,
        left=LEFT,
        track_width=WIDTH,
        bar_height=BAR,
        label_x=LEFT - 6,
        percent_x=LEFT + WIDTH + 6,
        bars=bars,
    )
