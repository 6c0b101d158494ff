"""The renderer of customer and staff text, on its own: the nesting limit, the longest
texts, and properties over any text (it never fails, and no word typed vanishes)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cases import rendering
from cases.rendering import MARKDOWN_MAX_LENGTH, MAX_NESTING, render_article, render_markdown
from core.text_limits import TEXT_MAX_LENGTH

from ..html import one, page, select, text, texts


def test_quotes_nested_to_the_limit_are_formatted():
    tree = page(render_markdown(">" * (MAX_NESTING - 1) + " deepest"))
    assert len(select(tree, "blockquote")) == MAX_NESTING - 1
    assert text(tree, "blockquote " * (MAX_NESTING - 1) + "> p") == "deepest"


def test_quotes_nested_past_the_limit_show_as_typed():
    typed = "top\n\n" + ">" * MAX_NESTING + " deepest\n\nafter"
    tree = page(render_markdown(typed))
    assert texts(tree, "body > *") == ["top", ">" * MAX_NESTING + " deepest", "after"]
    assert [el.tag for el in select(tree, "body *")] == ["p", "p", "p"]


def test_lists_nested_four_deep_are_formatted():
    typed = "".join("  " * depth + f"- level{depth}\n" for depth in range(4))
    tree = page(render_markdown(typed))
    assert len(select(tree, "ul")) == 4
    assert text(tree, "ul ul ul ul > li") == "level3"


def test_the_pathological_texts_of_the_benchmark_render_whole():
    nested = "".join("  " * depth + f"- {depth}\n" for depth in range(600))
    shown = one(page(render_markdown(nested)), "body > p")
    lines = [shown.text] + [br.tail or "" for br in select(shown, "br")]
    assert lines == nested.split("\n")
    for typed in ("[" * MARKDOWN_MAX_LENGTH, "[" * TEXT_MAX_LENGTH, "> " * (TEXT_MAX_LENGTH // 2)):
        tree = page(render_markdown(typed))
        assert one(tree, "body > *").tag == "p"
        assert one(tree, "body > p").text_content() == typed
        assert len(select(tree, "body *")) == 1


def test_a_picture_is_not_shown_but_its_text_and_address_are():
    tree = page(render_markdown("![graph](https://example.com/graph.png)"))
    assert text(tree, "body > p") == "!graph"
    link = one(tree, "p > a")
    assert (link.get("href"), link.get("rel"), text(link)) == (
        "https://example.com/graph.png",
        "noopener noreferrer nofollow",
        "graph",
    )
    assert not select(tree, "img")


def test_a_link_reference_definition_stays_visible():
    tree = page(render_markdown("See [1].\n\n[1]: https://example.com/kb/42"))
    assert "[1]: https://example.com/kb/42" in texts(tree, "p")


def test_an_article_keeps_its_tables_and_section_headings():
    tree = page(render_article("## Limits\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"))
    assert text(tree, "h2") == "Limits"
    assert texts(tree, "table thead th") == ["a", "b"]
    assert texts(tree, "table tbody td") == ["1", "2"]


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
