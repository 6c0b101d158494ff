"""Customer and staff text is Markdown (CommonMark), rendered and then sanitised: no
script, no raw HTML, no javascript: links. HTML in the text is shown as the text it is:
customers paste SMTP output and header names such as "<X-Request-Id>".

The parser (markdown-it-py) takes time linear in the length of the text and stops at
MAX_NESTING levels of lists and quotes. Text it does not format is shown as it was typed,
escaped, with its line breaks: text nested deeper than that, text longer than
MARKDOWN_MAX_LENGTH, and anything the parser fails on. Nothing typed is lost, and no
text can make a page answer 500 or cost more than a few tens of milliseconds to show
(`manage.py bench_rendering` measures the worst cases).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

logger = logging.getLogger(__name__)

# Longer text is shown verbatim: formatting it could cost more than a page may spend.
# Forms accept up to core.text_limits.TEXT_MAX_LENGTH; mail may bring more.
MARKDOWN_MAX_LENGTH = 5_000
# Levels of lists, list items and quotes (a list level counts two): four levels of
# lists, or nine of quotes. The cost of a run of "[" grows with it too.
MAX_NESTING = 10
# Containers whose content the parser leaves out once they sit at the deepest level.
_CONTAINERS = {"blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open"}

_TEXT_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
_ARTICLE_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


class _TooDeep(Exception):
    """The text nests deeper than MAX_NESTING: the parser would leave the rest out."""


@dataclass(frozen=True, eq=False)  # hashed by identity: a cache key
class _Flavour:
    parser: MarkdownIt
    tags: frozenset[str]
    link_rel: str
    # Headings move down this many levels: the page's own h1 and h2 come first.
    demote_headings: int


def _parser(*, breaks: bool, tables: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"breaks": breaks, "html": False, "maxNesting": MAX_NESTING})
    # Raw HTML is text (html=False). Images never pass the sanitiser, so "![alt](src)"
    # stays visible as typed; a link reference definition ("[1]: https://…", common in
    # mail signatures) would hide its line.
    md.disable(["image", "reference"])
    if tables:
        md.enable("table")
    return md


# Case descriptions and messages, proposed resolutions: line breaks as typed.
_TEXT = _Flavour(
    parser=_parser(breaks=True, tables=False),
    tags=frozenset(_TEXT_TAGS),
    link_rel="noopener noreferrer nofollow",
    demote_headings=2,
)
# Guidance articles and industry trends notes: paragraphs, tables and section headings.
_ARTICLE = _Flavour(
    parser=_parser(breaks=False, tables=True),
    tags=frozenset(_ARTICLE_TAGS),
    link_rel="noopener noreferrer",
    demote_headings=0,
)


def _tokens(flavour: _Flavour, text: str) -> list[Token]:
    tokens = flavour.parser.parse(text)
    for token in tokens:
        if token.type in _CONTAINERS and token.level >= MAX_NESTING - 1:
            raise _TooDeep
        if flavour.demote_headings and token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + flavour.demote_headings, 6)}"
    return tokens


def verbatim(text: str) -> SafeString:
    """The text as typed: escaped, paragraphs and line breaks kept."""
    return mark_safe(linebreaks(text, autoescape=True))  # noqa: S308 - escaped by linebreaks


@lru_cache(maxsize=4096)
def _formatted(flavour: _Flavour, text: str) -> str:
    try:
        tokens = _tokens(flavour, text)
        html = flavour.parser.renderer.render(tokens, flavour.parser.options, {})
        # Raw HTML arrived escaped; nh3 still drops javascript: links and whatever else
        # is not allowed.
        return nh3.clean(
            html,
            tags=set(flavour.tags),
            attributes={"a": {"href", "title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel=flavour.link_rel,
        )
    except _TooDeep:
        return verbatim(text)
    except Exception:  # a parser bug must not cost the page: show the text as typed
        logger.exception("Markdown rendering failed; the text is shown as typed.")
        return verbatim(text)


def _render(flavour: _Flavour, text: str) -> SafeString:
    text = text or ""
    if len(text) > MARKDOWN_MAX_LENGTH:
        return verbatim(text)
    return mark_safe(_formatted(flavour, text))  # noqa: S308 - sanitised by nh3, or escaped


def render_markdown(text: str) -> SafeString:
    """Customer and staff text (case descriptions, messages, proposed resolutions) as
    sanitised HTML, for pages and mail alike."""
    return _render(_TEXT, text)


def render_article(text: str) -> SafeString:
    """A guidance article or an industry trends note as sanitised HTML, with tables."""
    return _render(_ARTICLE, text)
