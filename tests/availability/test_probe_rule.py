"""The contract's rule of unavailability (R1, R2) on probe results: which failures are
server-side, and when a component in a region is unavailable and when it recovered."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from availability import rule
from availability.rule import Outcome, Result

T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
WINDOW = timedelta(minutes=3)
OK, SERVER, CLIENT = "ok", "server", "client"


def result(minute: int, kind: str, probe: int = 1, second: int = 0) -> Result:
    return Result(
        probe_id=probe,
        at=T0 + minute * MINUTE + timedelta(seconds=second),
        ok=kind == OK,
        server_side=kind == SERVER,
    )


def series(kinds: str, probe: int = 1, start: int = 0) -> list[Result]:
    """ "..xx" from `start`: one result a minute, "." a success, "x" a server-side failure,
    "c" a failure that is not server-side, " " no result."""
    names = {".": OK, "x": SERVER, "c": CLIENT}
    return [result(start + i, names[k], probe) for i, k in enumerate(kinds) if k != " "]


def at(minute: int, second: int = 30) -> datetime:
    return T0 + minute * MINUTE + timedelta(seconds=second)


# --- classification --------------------------------------------------------------


def test_http_5xx_is_server_side_and_4xx_is_a_failure_that_is_not():
    assert rule.http_status_outcome(200, expected=200) == (True, False)
    assert rule.http_status_outcome(500, expected=200) == (False, True)
    assert rule.http_status_outcome(503, expected=200) == (False, True)
    assert rule.http_status_outcome(404, expected=200) == (False, False)
    assert rule.http_status_outcome(401, expected=200) == (False, False)
    assert rule.http_status_outcome(301, expected=200) == (False, False)
    assert rule.http_status_outcome(204, expected=204) == (True, False)
    assert rule.http_status_outcome(200, expected=204) == (False, False)


def test_smtp_temporary_and_permanent_replies_and_a_dropped_connection_are_server_side():
    assert rule.smtp_reply_outcome(250) == (True, False)
    assert rule.smtp_reply_outcome(354) == (True, False)
    for code in (421, 450, 451, 452, 454, 500, 535, 550, 554):
        assert rule.smtp_reply_outcome(code) == (False, True), code
    assert rule.smtp_reply_outcome(None) == (False, True)


@given(st.integers(min_value=100, max_value=599), st.integers(min_value=100, max_value=599))
def test_an_http_status_is_ok_server_side_or_neither_never_both(status, expected):
    ok, server_side = rule.http_status_outcome(status, expected=expected)
    assert not (ok and server_side)
    assert ok == (status == expected)
    assert server_side == (status != expected and status >= 500)


def test_an_outcome_keeps_at_most_500_characters_of_the_reply():
    assert len(Outcome(ok=False, server_side=True, reply="x" * 2000).reply) == 500


# --- the window: exact transitions -----------------------------------------------


def test_failing_for_less_than_the_window_is_still_available():
    results = series("...xx")
    assert not rule.is_unavailable(results, probes={1}, now=at(4), window=WINDOW)


def test_the_minute_the_window_completes_it_is_unavailable_from_the_first_failure():
    results = series("...xxx")
    assert rule.assess(results, probes={1}, now=at(5), window=WINDOW) == rule.Verdict(
        started_at=T0 + 3 * MINUTE
    )


def test_without_earlier_results_the_failures_must_still_fill_the_window():
    assert not rule.is_unavailable(series("x"), probes={1}, now=at(0), window=WINDOW)
    assert not rule.is_unavailable(series("xx"), probes={1}, now=at(1), window=WINDOW)
    assert rule.is_unavailable(series("xxx"), probes={1}, now=at(2), window=WINDOW)


def test_a_gap_in_the_record_does_not_shorten_the_window():
    # A success at minute 0, no result at minute 1, failures from minute 2.
    results = series(". xx")
    assert not rule.is_unavailable(results, probes={1}, now=at(3), window=WINDOW)
    results = series(". xxx")
    assert rule.is_unavailable(results, probes={1}, now=at(4), window=WINDOW)


def test_a_failure_that_is_not_server_side_in_the_window_is_not_unavailability():
    results = series("..xcx")
    assert not rule.is_unavailable(results, probes={1}, now=at(4), window=WINDOW)
    results = series("..xcxx")
    assert not rule.is_unavailable(results, probes={1}, now=at(5), window=WINDOW)
    # The streak starts again after it.
    results = series("..xcxxx")
    assert rule.assess(results, probes={1}, now=at(6), window=WINDOW).started_at == T0 + 4 * MINUTE


def test_every_enabled_probe_must_have_failed_in_the_window():
    failing = series("...xxx", probe=1)
    assert not rule.is_unavailable(failing, probes={1, 2}, now=at(5), window=WINDOW)
    other_succeeds = failing + series("......", probe=2)
    assert not rule.is_unavailable(other_succeeds, probes={1, 2}, now=at(5), window=WINDOW)
    # The second probe failed once in the window (no result in the other minutes).
    both_fail = failing + series("... x", probe=2)
    assert rule.is_unavailable(both_fail, probes={1, 2}, now=at(5), window=WINDOW)
    assert rule.streak_start(both_fail, now=at(5)) == T0 + 3 * MINUTE


def test_no_enabled_probe_means_never_unavailable():
    assert not rule.is_unavailable(series("xxxxx"), probes=set(), now=at(4), window=WINDOW)


def test_results_after_now_are_not_read():
    results = series("...xxx.")
    assert rule.is_unavailable(results, probes={1}, now=at(5), window=WINDOW)


def test_one_success_is_the_recovery_at_that_results_time():
    since = T0 + 3 * MINUTE
    results = series("...xxxxx.x.", start=0)
    verdict = rule.assess(results, probes={1}, now=at(10), window=WINDOW, open_since=since)
    assert verdict == rule.Verdict(recovered_at=T0 + 8 * MINUTE)
    still = rule.assess(results, probes={1}, now=at(7), window=WINDOW, open_since=since)
    assert still == rule.Verdict()


def test_a_failure_that_is_not_server_side_does_not_end_an_outage():
    results = series("...xxxcc")
    verdict = rule.assess(results, probes={1}, now=at(7), window=WINDOW, open_since=T0 + 3 * MINUTE)
    assert verdict.recovered_at is None


def test_the_window_is_minutes_of_the_clock_whatever_the_seconds():
    late = [result(m, SERVER, second=55) for m in range(3)]
    assert rule.is_unavailable(late, probes={1}, now=at(2, second=59), window=WINDOW)
    assert rule.streak_start(late, now=at(2, 59)) == T0 + timedelta(seconds=55)


# --- properties ------------------------------------------------------------------

kinds = st.lists(st.sampled_from([OK, SERVER, CLIENT, None]), min_size=1, max_size=30)


def _results(per_probe: list[list[str | None]]) -> list[Result]:
    return [
        result(minute, kind, probe)
        for probe, ks in enumerate(per_probe, start=1)
        for minute, kind in enumerate(ks)
        if kind is not None
    ]


@given(st.lists(kinds, min_size=1, max_size=3), st.integers(0, 29), st.integers(1, 5))
def test_unavailable_means_every_result_in_the_window_failed_server_side(per_probe, now_m, w):
    results = _results(per_probe)
    now, window = at(now_m), timedelta(minutes=w)
    probes = set(range(1, len(per_probe) + 1))
    found = rule.is_unavailable(results, probes=probes, now=now, window=window)
    start = rule.window_start(now, window)
    in_window = [r for r in results if start <= r.at <= now]
    if found:
        assert in_window and all(r.counts for r in in_window)
        assert {r.probe_id for r in in_window} == probes
        began = rule.streak_start(results, now=now)
        assert began is not None and began <= start
        # Every result from the streak's start to now is a server-side failure.
        assert all(r.counts for r in results if began <= r.at <= now)
    elif (
        in_window and all(r.counts for r in in_window) and {r.probe_id for r in in_window} == probes
    ):
        # Not unavailable although the window is all failures: they began within it.
        assert rule.streak_start(results, now=now) > start


@given(st.lists(kinds, min_size=1, max_size=3), st.integers(0, 29))
def test_a_success_in_the_window_always_means_available(per_probe, now_m):
    results = _results(per_probe) + [result(now_m, OK, probe=1)]
    probes = set(range(1, len(per_probe) + 1))
    assert not rule.is_unavailable(results, probes=probes, now=at(now_m), window=WINDOW)


@given(kinds, st.integers(0, 29))
def test_the_recovery_is_the_first_success_after_the_outage_began(ks, since_m):
    results = _results([ks])
    since = T0 + since_m * MINUTE
    recovered = rule.recovery(results, since=since, now=at(40))
    successes = [r.at for r in results if r.ok and r.at > since]
    assert recovered == (min(successes) if successes else None)
    if recovered is not None:
        assert not any(r.ok for r in results if since < r.at < recovered)
