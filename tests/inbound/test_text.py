"""Text out of mail: charsets, HTML to plain text, and the reply split from its
quoted history."""

import pytest

from inbound.html_text import html_to_text
from inbound.quoting import split_reply
from inbound.text import decode_bytes, normalise_charset


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("café".encode(), "utf-8", "café"),
        ("café".encode("latin-1"), "iso-8859-1", "café"),
        ("café".encode("latin-1"), "utf-8", "café"),
        ("café".encode(), "iso-8859-1", "café"),
        ("café".encode(), None, "café"),
        ("€".encode("cp1252"), None, "€"),
        ("€".encode("cp1252"), "us-ascii", "€"),
        ("日本".encode("iso-2022-jp"), None, "日本"),
        ("日本".encode("iso-2022-jp"), "x-unknown", "日本"),
        ("café".encode(), "no-such-charset", "café"),
        (b"abc", "base64", "abc"),
        (b"abc", "rot13", "abc"),
        (b"\x81\x8d", "windows-1252", "\ufffd\ufffd"),
        (b"a\x00b\x1bc\r\nd", None, "abc\nd"),
        (b"", "utf-8", ""),
    ],
)
def test_bytes_decode_whatever_the_declaration(data, declared, expected):
    assert decode_bytes(data, declared) == expected


def test_charset_names_are_normalised():
    assert normalise_charset('"UTF8"') == "utf-8"
    assert normalise_charset("utf-8*en") == "utf-8"
    assert normalise_charset("hex") == ""
    assert normalise_charset(None) == ""
    assert normalise_charset("x" * 100) == ""


def test_html_keeps_paragraphs_lines_lists_links_and_quotes():
    html = (
        "<p>One &amp; two</p><p>Line<br>break</p><ul><li>a</li><li>b</li></ul>"
        '<a href="https://x.example/p">page</a> <a href="https://x.example">https://x.example</a>'
        "<blockquote>quoted<br>text</blockquote><pre>  keep\n    indent</pre>"
    )
    assert html_to_text(html) == (
        "One & two\n\nLine\nbreak\n\n- a\n- b\n\npage (https://x.example/p) https://x.example"
        "\n\n> quoted\n> text\n\n  keep\n    indent"
    )


def test_html_drops_scripts_styles_and_event_handlers():
    text = html_to_text(
        "<style>p{}</style><script>alert(1)</script><p onclick='x()'>Hi</p>"
        "<SCRIPT>evil()</SCRIPT><noscript>no</noscript><svg><script>x</script></svg>"
    )
    assert text == "Hi"


def test_unclosed_and_broken_html_still_gives_text():
    assert html_to_text("<p>Hello <b>world") == "Hello world"
    # As a browser shows them: CDATA is a comment in HTML, the unclosed comment runs to
    # the end, and brackets that open no tag are text.
    assert html_to_text("<![CDATA[x]]><!-- unclosed comment") == ""
    assert html_to_text("<<<>>>") == "<<<>>>"


GMAIL = """Thanks, that works.

On Thu, 26 Nov 2026 at 14:02, Email Enterprise Support <support@example.com>
wrote:

> Dear Anna,
"""
OUTLOOK_NL = """Dank je.

Van: Email Enterprise Support <support@example.com>
Verzonden: donderdag 26 november 2026 14:02
Aan: Anna <anna@acme.example>
Onderwerp: [EE-000001] x

Beste Anna,
"""
ORIGINAL = """Done.

-----Original Message-----
From: support@example.com
Sent: Thursday
"""
APPLE_NL = """Prima.

> Op 26 nov. 2026, om 14:02 heeft Email Enterprise Support <support@example.com> het volgende geschreven:
>
> Beste Anna,
"""  # noqa: E501
GERMAN = """Danke.

Am 26.11.2026 um 14:02 schrieb Support <support@example.com>:
> Hallo
"""
SHORT = """Yes.

Sam wrote:
> Shall we?
"""


@pytest.mark.parametrize(
    ("text", "reply", "quoted_start"),
    [
        (GMAIL, "Thanks, that works.", "On Thu, 26 Nov 2026"),
        (OUTLOOK_NL, "Dank je.", "Van: Email Enterprise Support"),
        (ORIGINAL, "Done.", "-----Original Message-----"),
        (APPLE_NL, "Prima.", "> Op 26 nov. 2026"),
        (GERMAN, "Danke.", "Am 26.11.2026"),
        (SHORT, "Yes.", "Sam wrote:"),
    ],
)
def test_quoted_history_is_split_off(text, reply, quoted_start):
    got_reply, quoted = split_reply(text)
    assert got_reply == reply
    assert quoted.startswith(quoted_start)


def test_inline_answers_between_quotes_are_kept():
    text = "> Which relay?\nrelay1\n> Since when?\n14:05\n\n> Kind regards\n> Sam"
    reply, quoted = split_reply(text)
    assert reply == "> Which relay?\nrelay1\n> Since when?\n14:05"
    assert quoted == "> Kind regards\n> Sam"


def test_a_reply_that_is_only_a_quote_keeps_the_whole_text():
    assert split_reply("> only a quote") == ("> only a quote", "")
    assert split_reply("On Mon, Sam wrote:\n> hi") == ("On Mon, Sam wrote:\n> hi", "")


def test_a_sentence_mentioning_from_is_not_a_header_block():
    text = "From: the logs we see a timeout.\nNothing else.\n"
    assert split_reply(text) == (text.strip(), "")


def test_forwarded_content_is_not_trimmed():
    text = "See below.\n\nBegin forwarded message:\n\nFrom: x@y.example\nDate: today\nTo: z\n\nBody"
    assert split_reply(text) == (text, "")


def test_an_html_only_gmail_reply_is_trimmed_at_its_quote():
    html = (
        '<div dir="ltr">Thanks, fixed.<div><br></div><div>Anna</div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Thu, 26 Nov 2026 at '
        "14:02, Support &lt;support@example.com&gt; wrote:<br></div><blockquote "
        'class="gmail_quote">Dear Anna,<br><br>Try again?</blockquote></div>'
    )
    reply, quoted = split_reply(html_to_text(html))
    assert reply == "Thanks, fixed.\n\nAnna"
    assert quoted == (
        "On Thu, 26 Nov 2026 at 14:02, Support <support@example.com> wrote:\n\n"
        "> Dear Anna,\n>\n> Try again?"
    )


def test_an_html_only_outlook_reply_is_trimmed_at_its_header_block():
    html = (
        '<p class="MsoNormal">Dank je, het werkt weer.</p><div style="border-top:solid">'
        '<p class="MsoNormal"><b>Van:</b> Support &lt;support@example.com&gt;<br>'
        "<b>Verzonden:</b> donderdag 26 november 2026 14:02<br><b>Aan:</b> Anna<br>"
        "<b>Onderwerp:</b> [EE-000001] x</p></div><p>Beste Anna,</p>"
    )
    reply, quoted = split_reply(html_to_text(html))
    assert reply == "Dank je, het werkt weer."
    assert quoted.startswith("Van: Support <support@example.com>\nVerzonden:")


@pytest.mark.parametrize(
    "html", ["<a " * 50_000, "<!--x>" * 30_000, "<![x>" * 30_000, "<a x='>" * 30_000, "<" * 200_000]
)
def test_crafted_html_is_converted_in_linear_time(html):
    # Constructs that a rescanning parser handles in quadratic time (minutes here).
    import time

    start = time.perf_counter()
    html_to_text(html + "<p>end</p>")
    assert time.perf_counter() - start < 2


def test_self_closing_and_unusual_tags():
    assert html_to_text("<svg/><p>after</p><br/>x") == "after\n\nx"
    # The tokenizer's known cost (see inbound.text._html_events): a ">" inside a quoted
    # attribute ends the tag, so a few characters of it show as text; never markup.
    assert html_to_text("<p title='a>b'>t</p>") == "b'>t"
    assert html_to_text("<TEXTAREA>kept &amp; shown</TEXTAREA>") == "kept & shown"
    assert html_to_text("<SCRIPT>hidden</script >shown") == "shown"
    assert html_to_text("a < b and c<d") == "a < b and c"
