"""The warm-up chart: planned against actual volume per provider, drawn as SVG on the server."""

import math

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 900, 180, 64, 22, 10
COLOURS = {"advance": "#198754", "hold": "#fd7e14", "step_back": "#dc3545"}


@register.simple_tag
def warmup_chart(series):
    """Bars: what was sent (coloured by the day's advice); line: what was planned."""
    days = series.days
    if not days:
        return ""
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    peak = max([d.planned for d in days] + [d.actual or 0 for d in days]) or 1
    # A warm-up grows geometrically: on a logarithmic scale the first days stay visible.
    top = math.log10(peak + 1)

    def height(value):
        return plot_h * math.log10(value + 1) / top

    step = plot_w / len(days)
    parts = []
    ticks_y = [0] + [10**n for n in range(1, int(top) + 1)]
    for value in ticks_y:
        y = TOP + plot_h - height(value)
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#dee2e6"/>'
                '<text x="{}" y="{}" font-size="11" text-anchor="end" '
                'dominant-baseline="middle">{}</text>',
                LEFT,
                WIDTH - 4,
                f"{y:.1f}",
                f"{y:.1f}",
                LEFT - 6,
                f"{y:.1f}",
                f"{value:,}",
            )
        )
    for i, d in enumerate(days):
        if d.actual is None:
            continue
        h = height(d.actual)
        x = LEFT + i * step + step * 0.15
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" '
                'data-advice="{}"><title>{}: {} {} · {} {}</title></rect>',
                f"{x:.1f}",
                f"{TOP + plot_h - h:.1f}",
                f"{max(step * 0.7, 1):.1f}",
                f"{h:.1f}",
                COLOURS.get(d.advice, "#6c757d"),
                d.advice,
                date_format(d.date, "j M"),
                _("sent"),
                f"{d.actual:,}",
                _("planned"),
                f"{d.planned:,}",
            )
        )
    points = " ".join(
        f"{LEFT + i * step + step / 2:.1f},{TOP + plot_h - height(d.planned):.1f}"
        for i, d in enumerate(days)
    )
    parts.append(
        format_html(
            '<polyline points="{}" fill="none" stroke="#0d6efd" stroke-width="2" '
            'data-series="planned"/>',
            points,
        )
    )
    ticks = sorted({0, len(days) - 1, *range(0, len(days), max(1, len(days) // 8))})
    parts.append(
        format_html_join(
            "",
            '<text x="{}" y="{}" font-size="11" text-anchor="middle">{}</text>',
            (
                (f"{LEFT + i * step + step / 2:.1f}", HEIGHT - 6, date_format(days[i].date, "j M"))
                for i in ticks
            ),
        )
    )
    return format_html(
        '<svg class="warmup-chart w-100" viewBox="0 0 {} {}" role="img" aria-label="{}" '
        'data-provider="{}">{}</svg>',
        WIDTH,
        HEIGHT,
        _("%(provider)s: planned and actual daily volume") % {"provider": series.label},
        series.provider,
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )
