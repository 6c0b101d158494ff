"""The server-drawn charts: geometry worked out in Python, the SVG written by a template."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.utils import translation

from deliverability.blocklists.history import Segment
from deliverability.programme.selectors import ChartDay, ProviderSeries
from deliverability.templatetags.blocklist_chart import history_chart, history_geometry
from deliverability.templatetags.warmup_chart import warmup_chart, warmup_geometry

from ..html import attr, one, page, select, text, texts

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=30)


def lane(name, *segments):
    return SimpleNamespace(blocklist=SimpleNamespace(name=name), segments=list(segments))


def listed_in_the_middle(name="Spamhaus ZEN"):
    return lane(
        name,
        Segment(START, START + timedelta(days=10), False),
        Segment(START + timedelta(days=10), START + timedelta(days=10, minutes=5), True),
        Segment(START + timedelta(days=10, minutes=5), END, None),
    )


def test_no_lanes_draw_nothing():
    assert history_geometry([]) is None
    assert history_chart([]) == ""


def test_a_short_listing_keeps_a_visible_width_and_the_lanes_stack():
    chart = history_geometry([listed_in_the_middle(), listed_in_the_middle("Barracuda")])
    assert (chart.width, chart.height) == (900, 2 * 30 + 24)
    assert [ln.y for ln in chart.lanes] == [0, 30]
    free, listed, unmonitored = chart.lanes[0].bars
    assert (free.x, free.listed) == (170, "0")
    assert listed.width == 4.0 and listed.listed == "1"
    assert unmonitored.listed == "-" and unmonitored.x + unmonitored.width <= 900
    assert [t.anchor for t in chart.ticks] == ["start", "middle", "end"]
    assert chart.ticks[-1].x == 900 and chart.ticks[-1].when == END


def test_the_history_chart_writes_one_rect_per_segment_with_its_tooltip():
    with translation.override("en"):
        svg = one(page(history_chart([listed_in_the_middle()])), "svg.blocklist-history")
    assert svg.get("aria-label") == "Listing history, last 30 days"
    assert [r.get("data-listed") for r in select(svg, "rect")] == ["0", "1", "-"]
    assert text(select(svg, "rect title")[1]) == "Spamhaus ZEN, listed: 11 Nov 00:00 – 11 Nov 00:05"


def test_numbers_keep_a_decimal_point_in_dutch():
    with translation.override("nl"):
        svg = one(page(history_chart([listed_in_the_middle()])), "svg")
    assert all("," not in r.get("x") + r.get("width") for r in select(svg, "rect"))


def test_a_list_name_with_markup_stays_text():
    svg = one(page(history_chart([listed_in_the_middle("<b>evil</b> & co")])), "svg")
    assert not select(svg, "b")
    assert text(select(svg, "text")[0]) == "<b>evil</b> & co"
    assert text(select(svg, "rect title")[0]).startswith("<b>evil</b> & co, ")


def series(label="Microsoft", days=None):
    if days is None:
        days = [
            ChartDay(date(2027, 1, 4) + timedelta(days=i), planned=10 * 3**i, actual=a, advice=adv)
            for i, (a, adv) in enumerate([(10, "advance"), (50, "hold"), (None, "")])
        ]
    return ProviderSeries(provider="microsoft", label=label, days=days)


def test_no_days_draw_no_warmup_chart():
    assert warmup_geometry(series(days=[])) is None
    assert warmup_chart(series(days=[])) == ""


def test_the_warmup_scale_is_logarithmic_and_days_without_actuals_have_no_bar():
    chart = warmup_geometry(series())
    assert [g.volume for g in chart.gridlines] == [0, 10]
    assert chart.gridlines[0].y == 180 - 22  # zero sits on the axis
    assert [b.advice for b in chart.bars] == ["advance", "hold"]
    assert chart.bars[1].height > chart.bars[0].height
    assert len(chart.planned_points.split()) == 3
    assert [t.day for t in chart.ticks] == [d.date for d in series().days]


def test_thousands_are_separated_in_the_tooltip():
    day = ChartDay(date(2027, 1, 4), planned=20000, actual=12345, advice="advance")
    with translation.override("en"):
        svg = one(page(warmup_chart(series(days=[day]))), "svg.warmup-chart")
    assert text(one(svg, "rect title")) == "4 Jan: sent 12,345 · planned 20,000"
    assert attr(svg, "polyline", "data-series") == "planned"


def test_a_provider_label_with_markup_stays_text():
    with translation.override("en"):
        svg = one(page(warmup_chart(series(label="<i>x</i>"))), "svg")
    assert not select(svg, "i")
    assert svg.get("aria-label") == "<i>x</i>: planned and actual daily volume"


def test_in_dutch_the_volumes_and_days_are_written_the_dutch_way():
    day = ChartDay(date(2027, 3, 4), planned=20000, actual=12345, advice="advance")
    with translation.override("nl"):
        svg = one(page(warmup_chart(series(days=[day]))), "svg.warmup-chart")
    assert text(one(svg, "rect title")) == "4 mrt: verzonden 12.345 · gepland 20.000"
    assert "10.000" in texts(svg, "text")


def test_a_stretch_in_which_checks_could_not_run_spans_every_lane_within_the_window():
    from deliverability.blocklists.history import Stretch

    stretches = [
        Stretch(START - timedelta(days=2), START - timedelta(days=1)),  # before the window
        Stretch(END - timedelta(days=3), END + timedelta(days=1)),
    ]
    chart = history_geometry([listed_in_the_middle(), listed_in_the_middle("Barracuda")], stretches)
    [stretch] = chart.not_run
    assert (stretch.start, stretch.end) == (END - timedelta(days=3), END)
    assert stretch.x + stretch.width == 900 and chart.lanes_height == 2 * 30 - 8
