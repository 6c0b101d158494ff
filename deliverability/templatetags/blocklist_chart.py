"""The listing history chart, drawn on the server as SVG (no script, no CDN)."""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

LABEL_WIDTH, WIDTH, LANE, GAP, AXIS = 170, 900, 22, 8, 24


@register.simple_tag
def history_chart(lanes):
    """One lane per list: red where the asset was listed, green where it was not."""
    if not lanes:
        return ""
    start = lanes[0].segments[0].start
    end = lanes[0].segments[-1].end
    span = (end - start).total_seconds() or 1
    plot = WIDTH - LABEL_WIDTH
    height = len(lanes) * (LANE + GAP) + AXIS
    parts = []
    for i, lane in enumerate(lanes):
        y = i * (LANE + GAP)
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="12" dominant-baseline="middle">{}</text>',
                y + LANE / 2,
                lane.blocklist.name,
            )
        )
        for seg in lane.segments:
            x = LABEL_WIDTH + plot * (seg.start - start).total_seconds() / span
            # A listing of a few minutes is still worth seeing on a 30-day chart.
            w = max(4.0 if seg.listed else 1.0, plot * (seg.end - seg.start).total_seconds() / span)
            x = min(x, WIDTH - w)
            if seg.listed is None:
                state, colour, flag = _("not monitored yet"), "#dee2e6", "-"
            elif seg.listed:
                state, colour, flag = _("listed"), "#dc3545", "1"
            else:
                state, colour, flag = _("not listed"), "#198754", "0"
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" rx="2" fill="{}" '
                    'data-listed="{}"><title>{}: {} – {}</title></rect>',
                    f"{x:.1f}",
                    y,
                    f"{w:.1f}",
                    LANE,
                    colour,
                    flag,
                    f"{lane.blocklist.name}, {state}",
                    date_format(seg.start, "j M H:i"),
                    date_format(seg.end, "j M H:i"),
                )
            )
    axis_y = len(lanes) * (LANE + GAP) + 14
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="{}" fill="#6c757d">{}</text>',
        (
            (
                f"{LABEL_WIDTH + plot * f:.1f}",
                axis_y,
                anchor,
                date_format(start + (end - start) * f, "j M"),
            )
            for f, anchor in ((0, "start"), (0.5, "middle"), (1, "end"))
        ),
    )
    return format_html(
        '<svg class="blocklist-history" role="img" aria-label="{}" viewBox="0 0 {} {}" '
        'width="100%" xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        _("Listing history, last 30 days"),
        WIDTH,
        height,
        mark_safe("".join(parts)),  # noqa: S308 - every part was escaped by format_html
        ticks,
    )
