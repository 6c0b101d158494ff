"""A page as parsed HTML, for tests that assert on its structure: the elements a CSS
selector finds, their text and their attributes, not substrings of the markup. A template
can then be re-indented or its attributes reordered without breaking a test.

lxml.html parses the page as a browser would (unclosed tags, fragments) and cssselect
turns the CSS selectors the templates are written with (`[data-testid=open-count]`,
`a[href^="tel:"]`) into XPath; both are small, widely used and fast, which matters in
a suite that reads thousands of pages. Text is compared with its whitespace collapsed,
as a reader sees it.
"""

from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.html import HtmlElement

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def text_of(element: HtmlElement) -> str:
    """The element's text as shown: its descendants' text, whitespace collapsed."""
    return squash(element.text_content())


class Page:
    def __init__(self, response_or_html):
        content = getattr(response_or_html, "content", response_or_html)
        if isinstance(content, bytes):
            content = content.decode()
        self.html = content
        self.root = lxml_html.document_fromstring(content)

    def select(self, css: str) -> list[HtmlElement]:
        return self.root.cssselect(css)

    def one(self, css: str) -> HtmlElement:
        found = self.select(css)
        assert len(found) == 1, f"{len(found)} elements match {css!r}"
        return found[0]

    def has(self, css: str) -> bool:
        return bool(self.select(css))

    def text(self, css: str | None = None) -> str:
        """The text of the body, or of every element `css` finds, whitespace collapsed."""
        if css is None:
            return text_of(self.root.body)
        return " ".join(text_of(e) for e in self.select(css))

    def texts(self, css: str) -> list[str]:
        return [text_of(e) for e in self.select(css)]

    def attrs(self, css: str, name: str) -> list[str]:
        return [e.get(name) for e in self.select(css) if e.get(name) is not None]

    def links(self) -> list[str]:
        return self.attrs("a", "href")

    def __contains__(self, text: str) -> bool:
        """Whether the page's visible text holds `text` (whitespace collapsed)."""
        return squash(text) in self.text()
