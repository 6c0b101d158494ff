"""Measure the worst cases of showing customer and staff text.

    manage.py bench_rendering               every case, 20 renders each
    manage.py bench_rendering --repeat 50   more renders for steadier figures

Each case is a pathological text (a run of "[", of "*", lists and quotes nested to the
limit and past it, long lines of backticks, many links...) cut to two lengths: the
longest text that is still formatted (MARKDOWN_MAX_LENGTH) and the longest a form
accepts (TEXT_MAX_LENGTH; longer text is shown as typed). Every render starts cold (the
rendering cache is emptied). The objects the process holds before the first render are
frozen out of garbage collection, as a web worker that freezes them after start-up
does: a collection during a render costs what that render allocated, not the whole
heap. It prints the median, p95 and maximum per case, and the worst of all against the
budget of a render.
"""

from __future__ import annotations

import gc
import platform
import statistics
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand

from cases import rendering
from core.text_limits import TEXT_MAX_LENGTH

BUDGET_MS = 50.0


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda length: (unit * (length // len(unit) + 1))[:length]


def _nested_lists(depth: int) -> Callable[[int], str]:
    unit = "".join("  " * level + f"- item {level}\n" for level in range(depth))
    return _repeat(unit)


def _nested_quotes(depth: int) -> Callable[[int], str]:
    return _repeat(">" * depth + " quoted\n")


def _table(length: int) -> str:
    head = "| provider | sent | bounced |\n|---|---|---|\n"
    return head + _repeat("| gmail | 12500 | 3 |\n")(length - len(head))


# name: (build a text of a length, the renderer)
CASES: dict[str, tuple[Callable[[int], str], Callable[[str], str]]] = {
    "run of [": (_repeat("["), rendering.render_markdown),
    "run of ![": (_repeat("!["), rendering.render_markdown),
    "run of [](": (_repeat("[]("), rendering.render_markdown),
    "[a repeated": (_repeat("[a"), rendering.render_markdown),
    "run of *": (_repeat("*"), rendering.render_markdown),
    "*_ alternating": (_repeat("*_"), rendering.render_markdown),
    "**a repeated": (_repeat("**a"), rendering.render_markdown),
    "_a repeated": (_repeat("_a "), rendering.render_markdown),
    "backtick line": (_repeat("`"), rendering.render_markdown),
    "backtick openers": (_repeat("` "), rendering.render_markdown),
    "run of <": (_repeat("<"), rendering.render_markdown),
    "entity openers &#": (_repeat("&#"), rendering.render_markdown),
    "backslashes": (_repeat("\\"), rendering.render_markdown),
    "many links": (_repeat("[docs](https://example.com/kb/42) "), rendering.render_markdown),
    "many autolinks": (_repeat("<https://example.com/kb/42> "), rendering.render_markdown),
    "mixed punctuation": (_repeat("*[`<&\\_!>\n"), rendering.render_markdown),
    "short lines": (_repeat("a\n"), rendering.render_markdown),
    "list items": (_repeat("- a\n"), rendering.render_markdown),
    "numbered items": (_repeat("1. a\n"), rendering.render_markdown),
    "headings": (_repeat("# a\n"), rendering.render_markdown),
    "underlined headings": (_repeat("a\n-\n"), rendering.render_markdown),
    "rules": (_repeat("---\n"), rendering.render_markdown),
    "fences": (_repeat("```\n"), rendering.render_markdown),
    "lists nested to the limit": (_nested_lists(4), rendering.render_markdown),
    "quotes nested to the limit": (
        _nested_quotes(rendering.MAX_NESTING - 1),
        rendering.render_markdown,
    ),
    "list nested 600 deep": (_nested_lists(600), rendering.render_markdown),
    "prose": (
        _repeat("The bounce rate rose after the new IP was added. "),
        rendering.render_markdown,
    ),
    "article: table rows": (_table, rendering.render_article),
    "article: run of [": (_repeat("["), rendering.render_article),
    "article: short lines": (_repeat("a\n"), rendering.render_article),
}


def _measure(render: Callable[[str], str], text: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        rendering._formatted.cache_clear()
        start = time.perf_counter()
        render(text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


class Command(BaseCommand):
    help = "Render pathological texts of the maximum lengths and report the times."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Renders per case.")

    def handle(self, *args, **opts):
        repeat = max(1, opts["repeat"])
        self.stdout.write(
            f"Python {platform.python_version()} on {platform.machine()}; "
            f"{repeat} cold renders per case; formatted up to "
            f"{rendering.MARKDOWN_MAX_LENGTH:,} characters, nesting limit "
            f"{rendering.MAX_NESTING}."
        )
        gc.collect()
        gc.freeze()
        try:
            self._report(repeat)
        finally:
            gc.unfreeze()
            rendering._formatted.cache_clear()

    def _report(self, repeat):
        worst = (0.0, "")
        for length in (rendering.MARKDOWN_MAX_LENGTH, TEXT_MAX_LENGTH):
            self.stdout.write(f"\n{length:,} characters{'':24} median      p95      max (ms)")
            for name, (build, render) in CASES.items():
                text = build(length)
                times = _measure(render, text, repeat)
                slowest = max(times)
                self.stdout.write(
                    f"  {name:32} {statistics.median(times):8.2f} {_p95(times):8.2f} {slowest:8.2f}"
                )
                if slowest > worst[0]:
                    worst = (slowest, f"{name}, {length:,} characters")
        verdict = "within" if worst[0] < BUDGET_MS else "OVER"
        self.stdout.write(
            f"\nWorst render: {worst[0]:.2f} ms ({worst[1]}): {verdict} the budget of "
            f"{BUDGET_MS:.0f} ms."
        )
