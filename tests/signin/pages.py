"""Read an element of a page by its data-testid (or id), as a reader sees its text."""

from html.parser import HTMLParser

VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Finder(HTMLParser):
    def __init__(self, attr: str, value: str):
        super().__init__(convert_charrefs=True)
        self.attr, self.value = attr, value
        self.depth = 0
        self.found: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in VOID:
                self.depth += 1
        elif dict(attrs).get(self.attr) == self.value:
            self.depth = 1 if tag not in VOID else 0
            self.parts = []

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.found.append(" ".join("".join(self.parts).split()))

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def texts(html: str, testid: str, attr: str = "data-testid") -> list[str]:
    """The text of every element whose `attr` is `testid`, whitespace collapsed."""
    finder = _Finder(attr, testid)
    finder.feed(html)
    return finder.found


def text(response_or_html, testid: str, attr: str = "data-testid") -> str:
    """The text of the one element whose `attr` is `testid`; fails if not exactly one."""
    html = getattr(response_or_html, "content", response_or_html)
    if isinstance(html, bytes):
        html = html.decode()
    found = texts(html, testid, attr)
    assert len(found) == 1, f"{len(found)} elements with {attr}={testid!r}"
    return found[0]
