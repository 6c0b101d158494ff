"""The renderer of customer and staff text, on its own: the nesting limit, the longest
texts, and properties over any text (it never fails, and no word typed vanishes)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cases import rendering
from cases.rendering import MARKDOWN_MAX_LENGTH, MAX_NESTING, render_article, render_markdown
from core.text_limits import TEXT_MAX_LENGTH


def test_quotes_nested_to_the_limit_are_formatted():
    html = render_markdown(">" * (MAX_NESTING - 1) + " deepest")
    assert html.count("<blockquote>") == MAX_NESTING - 1
    assert "<p>deepest</p>" in html


def test_quotes_nested_past_the_limit_show_as_typed():
    text = "top\n\n" + ">" * MAX_NESTING + " deepest\n\nafter"
    assert render_markdown(text) == (
        "<p>top</p>\n\n<p>" + "&gt;" * MAX_NESTING + " deepest</p>\n\n<p>after</p>"
    )


def test_lists_nested_four_deep_are_formatted():
    text = "".join("  " * depth + f"- level{depth}\n" for depth in range(4))
    html = render_markdown(text)
    assert html.count("<ul>") == 4
    assert "<li>level3</li>" in html


def test_the_pathological_texts_of_the_benchmark_render_whole():
    nested = "".join("  " * depth + f"- {depth}\n" for depth in range(600))
    assert "<br>" + "  " * 599 + "- 599" in render_markdown(nested)
    brackets = "[" * MARKDOWN_MAX_LENGTH
    assert render_markdown(brackets) == f"<p>{brackets}</p>\n"
    assert render_markdown("[" * TEXT_MAX_LENGTH) == "<p>" + "[" * TEXT_MAX_LENGTH + "</p>"
    quotes = render_markdown("> " * (TEXT_MAX_LENGTH // 2))
    assert quotes == "<p>" + "&gt; " * (TEXT_MAX_LENGTH // 2) + "</p>"


def test_a_picture_is_not_shown_but_its_text_and_address_are():
    html = render_markdown("![graph](https://example.com/graph.png)")
    assert html == (
        '<p>!<a href="https://example.com/graph.png" rel="noopener noreferrer nofollow">'
        "graph</a></p>\n"
    )


def test_a_link_reference_definition_stays_visible():
    html = render_markdown("See [1].\n\n[1]: https://example.com/kb/42")
    assert "[1]: https://example.com/kb/42" in html


def test_an_article_keeps_its_tables_and_section_headings():
    html = render_article("## Limits\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<h2>Limits</h2>" in html
    assert "<td>1</td>" in html


# Markdown's own punctuation, words, spaces and line breaks; no backticks (a fence's
# info string names a language in an attribute the sanitiser drops) and no "&" (an
# entity stands for another character).
MARKDOWN_TEXT = st.text(
    alphabet=st.sampled_from(list("ab xy\n\n  *_#>-+.1)[]()<>!\\|:=/@\"'")), max_size=300
)


@settings(max_examples=300)
@given(MARKDOWN_TEXT)
def test_no_word_typed_vanishes(text):
    html = render_markdown(text)
    for word in re.findall(r"[a-z]+", text):
        assert word in html


@settings(max_examples=300)
@given(st.text(max_size=500))
def test_the_parser_takes_any_text(text):
    # The failure fallback is for the unforeseen: the parser itself takes anything.
    for flavour in (rendering._TEXT, rendering._ARTICLE):
        try:
            tokens = rendering._tokens(flavour, text)
        except rendering._TooDeep:
            continue
        assert isinstance(flavour.parser.renderer.render(tokens, flavour.parser.options, {}), str)


def test_the_benchmark_renders_every_case_at_both_lengths():
    from io import StringIO

    from django.core.management import call_command

    from benchmarks.management.commands.bench_rendering import CASES

    out = StringIO()
    call_command("bench_rendering", "--repeat", "1", stdout=out)
    report = out.getvalue()
    for name in CASES:
        assert report.count(f"  {name} ") == 2
    assert f"{MARKDOWN_MAX_LENGTH:,} characters" in report
    assert f"{TEXT_MAX_LENGTH:,} characters" in report
    assert "Worst render:" in report
