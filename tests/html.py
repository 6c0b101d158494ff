"""Read a page as its reader does: parsed HTML, elements found by CSS selectors.

lxml.html with cssselect: a maintained, forgiving parser with real CSS selectors, so a test
names the element it means and a template can be re-indented without breaking it.

    tree = page(response)                     # a response, bytes or str (a page or a fragment)
    one(tree, "form .errorlist li")           # the one element; fails if 0 or more than 1
    select(tree, "tbody tr")                  # every match, in document order
    absent(tree, "a[href^='javascript:']")    # fails if anything matches
    text(el) / text(tree, "h1")               # its text, whitespace collapsed
    texts(tree, "td.status")                  # the text of every match
    attr(tree, "a.case", "href")              # an attribute of the one match

A test that reads one page many ways may hold it as a `Page`, the same functions as methods:

    body = Page(response)
    "Office hours are open now." in body      # the body's text, whitespace collapsed
    body.has(".scope-note"), body.links(), body.attrs("[title]", "title")
"""

from __future__ import annotations

import copy

import lxml.html
from lxml.html import HtmlElement

__all__ = [
    "HtmlElement",
    "Page",
    "absent",
    "attr",
    "one",
    "page",
    "select",
    "text",
    "texts",
]


def page(source) -> HtmlElement:
    """The parsed document of a response, bytes or str; a fragment is parsed into a body."""
    content = getattr(source, "content", source)
    if isinstance(content, bytes):
        content = content.decode()
    if not content.strip():
        content = "<html><body></body></html>"
    return lxml.html.document_fromstring(content)


# Elements after which a reader sees a break, so their neighbours' words do not run together.
_BREAKS = ("br", "p", "div", "li", "tr", "td", "th", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6")


def _tree(source) -> HtmlElement:
    return source if isinstance(source, HtmlElement) else page(source)


def select(source, css: str) -> list[HtmlElement]:
    """Every element matching `css`, in document order."""
    return _tree(source).cssselect(css)


def _show(elements: list[HtmlElement]) -> str:
    return "\n".join(
        lxml.html.tostring(el, encoding="unicode", with_tail=False)[:300] for el in elements[:5]
    )


def one(source, css: str) -> HtmlElement:
    """The one element matching `css`; fails saying how many matched if not exactly one."""
    found = select(source, css)
    assert len(found) == 1, f"{len(found)} elements match {css!r}, expected 1\n{_show(found)}"
    return found[0]


def absent(source, css: str) -> None:
    """Fails if any element matches `css`."""
    found = select(source, css)
    assert not found, f"{len(found)} elements match {css!r}, expected none\n{_show(found)}"


def text(source, css: str | None = None) -> str:
    """The text a reader sees in an element (or the one match of `css` in it), whitespace
    collapsed; a line break or the end of a block reads as a space."""
    el = _tree(source) if css is None else one(source, css)
    if next(el.iter(*_BREAKS), None) is not None:
        el = copy.deepcopy(el)
        for br in el.iter(*_BREAKS):
            br.tail = " " + (br.tail or "")
    return " ".join(el.text_content().split())


def texts(source, css: str) -> list[str]:
    """The text of every element matching `css`, whitespace collapsed."""
    return [text(el) for el in select(source, css)]


def attr(source, css: str, name: str) -> str | None:
    """Attribute `name` of the one element matching `css` (None when it has none)."""
    return one(source, css).get(name)


class Page:
    """One parsed page and the functions above as its methods."""

    def __init__(self, source):
        self.root = page(source)

    def select(self, css: str) -> list[HtmlElement]:
        return select(self.root, css)

    def one(self, css: str) -> HtmlElement:
        return one(self.root, css)

    def has(self, css: str) -> bool:
        return bool(self.select(css))

    def text(self, css: str | None = None) -> str:
        """The text of the body, or of every element `css` finds, joined by a space."""
        if css is None:
            return text(self.root.body)
        return " ".join(texts(self.root, css))

    def texts(self, css: str) -> list[str]:
        return texts(self.root, css)

    def attrs(self, css: str, name: str) -> list[str]:
        """Attribute `name` of every element `css` finds that has it."""
        return [el.get(name) for el in self.select(css) if el.get(name) is not None]

    def links(self) -> list[str]:
        return self.attrs("a", "href")

    def __contains__(self, words: str) -> bool:
        """Whether the body's text holds `words` (whitespace collapsed on both sides)."""
        return " ".join(words.split()) in self.text()
