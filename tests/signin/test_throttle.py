"""The pure rules of sign-in throttling: the client address, the lockout's end."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from accounts.signin.throttle import client_ip, lockout_ends_at, normalised_login

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
COOL_OFF = timedelta(minutes=15)


def test_the_client_is_remote_addr_without_a_trusted_proxy():
    meta = {"REMOTE_ADDR": "192.0.2.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert client_ip(meta, behind_proxy=False) == "192.0.2.1"


def test_behind_proxies_the_address_the_nearest_trusted_proxy_saw_counts():
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9, 10.0.0.2"}
    assert client_ip(meta, behind_proxy=True) == "10.0.0.2"
    assert client_ip(meta, behind_proxy=True, proxy_count=2) == "198.51.100.9"


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_peer():
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.9"}
    assert client_ip(meta, behind_proxy=True, proxy_count=2) == "10.0.0.1"


def test_a_garbled_address_is_no_address():
    assert (
        client_ip({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "evil"}, behind_proxy=True)
        is None
    )
    assert client_ip({}, behind_proxy=False) is None


def test_logins_are_counted_in_one_letter_case():
    assert normalised_login("  Alice@Alpha.Example ") == "alice@alpha.example"
    assert normalised_login(None) is None


def test_below_the_limit_there_is_no_lockout():
    assert lockout_ends_at([(T0, 2)], limit=3, cool_off=COOL_OFF) is None


def test_the_lockout_ends_when_the_record_that_reached_the_limit_ages_out():
    rows = [(T0, 2), (T0 + timedelta(minutes=5), 1), (T0 + timedelta(minutes=9), 1)]
    # The two newest make 2; the oldest brings them to 4: its end at 09:15 frees the login.
    assert lockout_ends_at(rows, limit=3, cool_off=COOL_OFF) == T0 + timedelta(minutes=15)


rows = st.lists(
    st.tuples(st.integers(min_value=0, max_value=30 * 60), st.integers(min_value=1, max_value=5)),
    max_size=8,
)


@given(rows, st.integers(min_value=1, max_value=8))
def test_the_end_is_the_first_moment_the_counted_failures_fall_below_the_limit(rows, limit):
    attempts = [(T0 + timedelta(seconds=s), n) for s, n in rows]

    def counted(at):
        return sum(n for t, n in attempts if t >= at - COOL_OFF)

    latest = max((t for t, _ in attempts), default=T0)
    ends = lockout_ends_at(attempts, limit=limit, cool_off=COOL_OFF)
    if ends is None:
        assert counted(latest) < limit
    else:
        # Locked just before the end, free from the end on (a record counts while its
        # time is within the cool-off: at exactly t + cool_off it still counts).
        assert counted(ends) >= limit
        assert counted(ends + timedelta(microseconds=1)) < limit
