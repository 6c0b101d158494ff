"""The SLA oversight report, pure: attainment per account and deadline kind from the SLA
events (fulfilled: met or late with the minutes taken; breached: escalated by the sweep,
perhaps fulfilled later). Each figure can be explained deadline by deadline."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

KINDS = ("callback", "first_response", "next_update")


@dataclass(frozen=True)
class Outcome:
    account: str
    kind: str
    key: tuple  # (kind, subject id, due): one deadline
    case_id: int
    reference: str
    met: bool
    minutes: float | None  # None: breached and not fulfilled yet


@dataclass
class Row:
    account: str
    kind: str
    total: int = 0
    met: int = 0
    minutes: list[float] = field(default_factory=list)
    breached: list[tuple[int, str]] = field(default_factory=list)

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
        if e["kind"] == "sla_fulfilled":
            found[key] = Outcome(
                e["account"],
                kind,
                key,
                e["case_id"],
                e["reference"],
                bool(data["met"]),
                float(data["minutes"]),
            )
        elif key not in found:
            found[key] = Outcome(e["account"], kind, key, e["case_id"], e["reference"], False, None)
    return list(found.values())


def attainment(outcomes: Iterable[Outcome]) -> list[Row]:
    rows: dict[tuple[str, str], Row] = {}
    for o in outcomes:
        row = rows.setdefault((o.account, o.kind), Row(o.account, o.kind))
        row.total += 1
        row.met += o.met
        if o.minutes is not None:
            row.minutes.append(o.minutes)
        if not o.met and (o.case_id, o.reference) not in row.breached:
            row.breached.append((o.case_id, o.reference))
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], KINDS.index(k[1])))]


def svg_chart(rows: list[Row], labels: dict[str, str]) -> str:
    """Horizontal bars of the share met, one per account and kind; no script, no CDN."""
    colors = {"callback": "#b02a37", "first_response": "#0d6efd", "next_update": "#198754"}
    bar, gap, left, width = 18, 6, 320, 360
    height = max(1, len(rows)) * (bar + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{left + width + 60}" '
        f'height="{height}" font-family="sans-serif" font-size="12">'
    ]
    for i, row in enumerate(rows):
        y = 10 + i * (bar + gap)
        share = row.share or 0
        label = f"{row.account} · {labels.get(row.kind, row.kind)}"
        parts.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{_escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{width}" height="{bar}" fill="#e9ecef"/>'
            f'<rect x="{left}" y="{y}" width="{share * width:.1f}" height="{bar}" '
            f'fill="{colors[row.kind]}"/>'
            f'<text x="{left + width + 6}" y="{y + 13}">{share * 100:.0f}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
