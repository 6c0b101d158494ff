"""Property tests: arbitrary bytes and malformed messages never make parsing or
classification raise, and what comes out keeps its promises."""

from html import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inbound.authentication import parse_authentication_results
from inbound.classify import Classification, Verdict, classify
from inbound.headers import (
    find_case_reference,
    header_text,
    normalise_address,
    normalise_message_id,
    parse_message_id_list,
)
from inbound.html_text import html_to_text
from inbound.parse import ParsedMessage, parse_message
from inbound.quoting import split_reply
from inbound.text import decode_bytes

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HEADER_NAMES = [
    "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
    "References", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition",
    "Auto-Submitted", "Precedence", "List-Id", "Authentication-Results", "Return-Path",
    "X-Autoreply", "X-Failed-Recipients", "MIME-Version",
]  # fmt: skip
CONTENT_TYPES = [
    "text/plain", "text/html", "multipart/mixed", "multipart/alternative", "multipart/report",
    "message/rfc822", "message/delivery-status", "text/rfc822-headers", "image/png",
    "application/octet-stream", "multipart/", "/", "", "text/plain; charset=utf-16",
]  # fmt: skip
CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "iso-2022-jp", "utf-16", "bogus", "base64",
            "idna", "", '"', "utf-8*en", "x" * 60]  # fmt: skip
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "binary", "bogus"]

header_values = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "=?utf-8?B?",
            "=?utf-8?Q?=FF=FE?=",
            "=?bogus?X?abc?=",
            "<>",
            "<a@b>",
            "@",
            "\r\n ",
            "a@b@c",
            "<a@b.example> <c@d.example>",
            "rfc822; x@y.example",
            "report-type=x",
            "Mon, 99 Foo 99999 99:99:99 +9999",
            "spf=pass; dkim=",
            "(unclosed",
            '"unclosed',
        ]
    ),  # fmt: skip
)


@st.composite
def header_blocks(draw):
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        name = draw(st.sampled_from(HEADER_NAMES) | st.text(min_size=1, max_size=10))
        value = draw(header_values)
        if name == "Content-Type" and draw(st.booleans()):
            ctype = draw(st.sampled_from(CONTENT_TYPES))
            value = f'{ctype}; charset="{draw(st.sampled_from(CHARSETS))}"; boundary="b"'
            value += "; report-type=delivery-status" if draw(st.booleans()) else ""
        elif name == "Content-Transfer-Encoding":
            value = draw(st.sampled_from(ENCODINGS))
        lines.append(f"{name}: {value}")
    return "\r\n".join(lines).encode("utf-8", "surrogatepass")


@st.composite
def mime_messages(draw, depth=0):
    head = draw(header_blocks())
    parts = []
    if depth < 2 and draw(st.booleans()):
        for _ in range(draw(st.integers(0, 3))):
            parts.append(b"--b\r\n" + draw(mime_messages(depth=depth + 1)))
        if draw(st.booleans()):
            parts.append(b"--b--\r\n")
        body = b"\r\n".join(parts)
    else:
        body = draw(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
    return head + b"\r\n\r\n" + body


def check(parsed: ParsedMessage):
    assert isinstance(parsed, ParsedMessage)
    assert len(parsed.content_hash) == 64
    assert parsed.dedup_key
    for text in (parsed.subject, parsed.text, parsed.reply_text, parsed.from_address):
        assert isinstance(text, str)
    assert "\n" not in parsed.subject and "\r" not in parsed.subject
    if parsed.text.strip():
        assert parsed.reply_text.strip()
    for address in (parsed.from_address, *parsed.to, *parsed.cc):
        assert address == normalise_address(address)
    result = classify(parsed, own_addresses=["support@example.com"])
    assert isinstance(result, Classification)
    assert result.verdict in Verdict
    assert (result.verdict is Verdict.PERSON) == (result.reasons == ())


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(raw):
    check(parse_message(raw))


@FAST
@given(mime_messages())
def test_malformed_mime_messages_never_raise(raw):
    check(parse_message(raw))


@FAST
@given(header_blocks(), st.binary(max_size=500))
def test_any_headers_with_any_body_never_raise(head, body):
    check(parse_message(head + b"\r\n\r\n" + body))


def test_a_deeply_nested_message_does_not_exhaust_the_stack():
    raw = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(400)
    )
    check(parse_message(raw + b"Content-Type: text/plain\r\n\r\nbottom"))


def test_non_bytes_input_is_accepted():
    check(parse_message("From: a@b.example\n\nhi"))  # type: ignore[arg-type]
    check(parse_message(bytearray(b"From: a@b.example\n\nhi")))  # type: ignore[arg-type]
    check(parse_message(None))  # type: ignore[arg-type]


@FAST
@given(st.binary(max_size=500), st.sampled_from(CHARSETS) | st.text(max_size=20))
def test_decoding_any_bytes_in_any_declared_charset_gives_text(data, charset):
    text = decode_bytes(data, charset)
    assert isinstance(text, str)
    assert "\r" not in text and "\x00" not in text


@FAST
@given(st.text(max_size=500))
def test_html_to_text_returns_text_for_any_input(html):
    assert isinstance(html_to_text(html), str)


@FAST
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=200)
)
def test_escaped_text_comes_back_and_scripts_do_not(text):
    got = html_to_text("<p>" + escape(text) + "</p><script>alert(1)</script>")
    assert "alert(1)" not in got or "alert(1)" in text
    assert got.split() == text.replace("\ufeff", "").replace("\u200b", "").split()


@FAST
@given(st.text(alphabet=st.sampled_from("ab >\nOn wrote:Van:Sent:-_"), max_size=300))
def test_splitting_a_reply_loses_no_line(text):
    reply, quoted = split_reply(text)
    kept = (reply + "\n" + quoted).split("\n")
    for line in text.split("\n"):
        if line.strip():
            assert line.strip() in {k.strip() for k in kept}
    if text.strip():
        assert reply.strip()


@FAST
@given(header_values)
def test_header_functions_accept_any_value(value):
    assert "\n" not in header_text(value)
    mid = normalise_message_id(value)
    assert mid is None or (mid and normalise_message_id(mid) == mid)
    assert all(parse_message_id_list(value))
    find_case_reference(value)
    parse_authentication_results(value)
