"""HTML mail bodies to safe plain text, with a tokenizer of our own that is linear in
the input and never raises.
"""

from __future__ import annotations

import re
from html import unescape

from .text import clean_text

# Larger HTML bodies are cut before conversion: the tokenizer is linear, but a body of
# many megabytes is an attachment in disguise, not something to read on a case.
MAX_HTML_CHARS = 2_000_000

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_LINE_TAGS = {"li", "tr", "dt", "dd", "div"}
_SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript", "object", "svg"}
_VOID_TAGS = {"br", "img", "hr", "input", "meta", "link", "wbr", "area", "base", "col"}


_RAW_TEXT_TAGS = {"script", "style", "textarea", "title", "xmp", "noscript", "template"}
_TAG_NAME = re.compile(r"/?\s*([a-zA-Z][a-zA-Z0-9:-]*)")
_ATTRIBUTE = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


def _html_events(html: str):
    """("start", tag, attrs) / ("end", tag) / ("data", text) for an HTML document.

    Our own tokenizer rather than html.parser: that one rescans from each unclosed
    construct to the end of the input ("<a <a <a ..." or "<!--x>" repeated), which
    is quadratic, and a crafted mail must not stall the worker. Here every search
    either moves the position past what it found or ends the document, so the work
    is linear. What it gets wrong ("<a title='x>y'>") costs a few characters of text,
    never markup in the result.
    """
    i, n = 0, len(html)
    while i < n:
        lt = html.find("<", i)
        if lt < 0:
            yield ("data", unescape(html[i:]))
            return
        if lt > i:
            yield ("data", unescape(html[i:lt]))
        nxt = html[lt + 1 : lt + 2]
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4)
            if end < 0:
                return  # an unclosed comment runs to the end
            i = end + 3
        elif nxt in ("!", "?"):
            end = html.find(">", lt + 2)
            if end < 0:
                return
            i = end + 1
        elif nxt.isalpha() or (nxt == "/" and html[lt + 2 : lt + 3].isalpha()):
            end = html.find(">", lt + 1)
            if end < 0:
                return  # a tag cut off by the end of the input is dropped
            inner = html[lt + 1 : end]
            match = _TAG_NAME.match(inner)
            tag = match.group(1).lower() if match else ""
            i = end + 1
            if nxt == "/":
                yield ("end", tag)
                continue
            rest = inner[match.end() :] if match else ""
            attrs = [
                (name.lower(), unescape((value or "").strip("\"'")))
                for name, value in _ATTRIBUTE.findall(rest[:4000])
            ]
            yield ("start", tag, attrs)
            if rest.rstrip().endswith("/"):
                yield ("end", tag)
            elif tag in _RAW_TEXT_TAGS:
                found = re.compile("</" + re.escape(tag), re.IGNORECASE).search(html, i)
                if found is None:
                    return
                close = found.start()
                if tag in ("textarea", "title", "xmp"):
                    yield ("data", unescape(html[i:close]))
                end = html.find(">", close)
                yield ("end", tag)
                if end < 0:
                    return
                i = end + 1
        else:
            yield ("data", "<")
            i = lt + 1


class _TextExtractor:
    def __init__(self):
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0
        self.link_stack: list[str | None] = []
        self.link_text: list[list[str]] = []

    def _flush(self):
        line = "".join(self.current)
        if not self.pre_depth:
            line = re.sub(r"[ \t\u00a0]+", " ", line).strip()
        self.current = []
        self.lines.append((("> " * self.quote_depth) + line).rstrip())

    def _block_break(self, blank_line=True):
        if self.current and "".join(self.current).strip():
            self._flush()
        elif self.current:
            self.current = []
        if blank_line and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            if tag not in _VOID_TAGS:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        attrs = dict(attrs)
        if tag == "br":
            self._flush()
        elif tag == "img":
            alt = (attrs.get("alt") or "").strip()
            if alt:
                self.current.append(f"[{alt}]")
        elif tag == "a":
            self.link_stack.append(attrs.get("href"))
            self.link_text.append([])
        elif tag in _BLOCK_TAGS:
            self._block_break(blank_line=tag not in _LINE_TAGS)
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag == "li":
                self.current.append("- ")
            elif tag == "hr":
                self.current.append("-" * 20)
                self._flush()
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            if self.skip_depth:
                self.skip_depth -= 1
            return
        if self.skip_depth:
            return
        if tag == "a" and self.link_stack:
            href = self.link_stack.pop()
            text = "".join(self.link_text.pop()).strip()
            if href and href.startswith(("http://", "https://", "mailto:")):
                target = href.removeprefix("mailto:")
                if target and target not in text:
                    self.current.append(f" ({target})")
        elif tag in _BLOCK_TAGS:
            self._block_break(blank_line=tag not in _LINE_TAGS)
            if tag == "blockquote" and self.quote_depth:
                self.quote_depth -= 1
            elif tag == "pre" and self.pre_depth:
                self.pre_depth -= 1

    def handle_data(self, data):
        if self.skip_depth:
            return
        if self.pre_depth:
            parts = data.split("\n")
            for i, part in enumerate(parts):
                if i:
                    self._flush()
                self.current.append(part)
        else:
            self.current.append(data.replace("\n", " ").replace("\r", " "))
        for collected in self.link_text:
            collected.append(data)

    def text(self) -> str:
        if self.current:
            self._flush()
        text = "\n".join(self.lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text from HTML: scripts, styles and markup dropped, entities
    decoded, paragraphs and line breaks kept, blockquotes marked with "> ", link
    targets shown after their text. The result contains no markup to execute."""
    if not html:
        return ""
    html = html[:MAX_HTML_CHARS]
    extractor = _TextExtractor()
    try:
        for event in _html_events(html):
            if event[0] == "start":
                extractor.handle_starttag(event[1], event[2])
            elif event[0] == "end":
                extractor.handle_endtag(event[1])
            else:
                extractor.handle_data(event[1])
        text = extractor.text()
    except Exception:  # noqa: BLE001 - never expected, and then tags are simply cut
        text = re.sub(r"<[^<>]{0,4000}>", " ", html)
        text = re.sub(r"[ \t]+", " ", text)
    text = text.replace("\ufeff", "").replace("\u200b", "")
    return clean_text(text).strip()
