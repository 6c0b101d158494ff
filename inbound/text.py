"""Text out of mail: bytes in any charset (declared rightly, wrongly or not at all) to
str, HTML to safe plain text, and the reply split from the quoted history below it.

Every function here returns a value for any input; none of them raises.
"""

from __future__ import annotations

import codecs
import re
from html import unescape

# Larger HTML bodies are cut before conversion: the tokenizer is linear, but a body of
# many megabytes is an attachment in disguise, not something to read on a case.
MAX_HTML_CHARS = 2_000_000

_CHARSET_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "latin1": "iso-8859-1",
    "latin-1": "iso-8859-1",
    "ascii": "us-ascii",
    "ansi_x3.4-1968": "us-ascii",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}
# Declarations that senders often get wrong: bytes that are valid UTF-8 (and not plain
# ASCII) under one of these labels are UTF-8 in practice, almost never Latin text.
_WEAK_DECLARATIONS = {"", "us-ascii", "iso-8859-1", "iso-8859-15", "windows-1252", "cp1252"}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def normalise_charset(charset: object) -> str:
    """A lookup-able codec name for a declared charset, or "" when none is usable."""
    if not isinstance(charset, str):
        return ""
    name = charset.strip().strip("\"'").lower()
    # RFC 2231 language suffix ("utf-8*en") and stray parameters.
    name = name.split("*", 1)[0].split(";", 1)[0].strip()
    name = _CHARSET_ALIASES.get(name, name)
    if not name or len(name) > 40:
        return ""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return ""
    # Codecs such as base64 or rot13 are not text encodings.
    if not getattr(info, "_is_text_encoding", True):
        return ""
    return name


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except Exception:  # noqa: BLE001 - any codec failure means "not this one"
        return None


def decode_bytes(data: bytes, declared: object = None) -> str:
    """Decode mail bytes to text, trusting the declared charset only as far as it holds.

    Order: a declaration that decodes strictly wins, except that valid UTF-8 under a
    weak declaration (none, ASCII, Latin-1, Windows-1252) is read as UTF-8; undeclared
    ISO-2022-JP is recognised by its escape sequences; the last resort is Windows-1252
    with replacement characters. Control characters other than tab and newlines go.
    """
    if not data:
        return ""
    if not isinstance(data, bytes):
        data = bytes(data)
    charset = normalise_charset(declared)
    text = None
    if charset in _WEAK_DECLARATIONS:
        if not data.isascii():
            text = _try(data, "utf-8")
        if text is None and b"\x1b$" in data:
            text = _try(data, "iso-2022-jp")
        if text is None and charset:
            text = _try(data, charset)
    else:
        text = _try(data, charset)
        if text is None:
            text = _try(data, "utf-8")
    if text is None:
        text = _try(data, "utf-8")
    if text is None:
        # Windows-1252 leaves five bytes undefined; those become U+FFFD.
        text = data.decode("windows-1252", errors="replace")
    return clean_text(text)


def clean_text(text: str) -> str:
    """Newlines normalised to \\n, control characters and lone surrogates removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_CHARS.sub("", text)
    if _SURROGATES.search(text):
        text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    return text


# --- HTML to plain text -------------------------------------------------------------

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


# --- The reply and the history it quotes ---------------------------------------------

_ATTRIBUTION_PATTERNS = [
    # Gmail, Apple Mail, Thunderbird: "On Mon, 2 Nov 2026 at 10:00, Anna <a@b> wrote:"
    re.compile(r"^on\b.{1,500}\bwrote\s*:$", re.IGNORECASE),
    # Dutch Gmail: "Op ma 2 nov 2026 om 10:00 schreef Anna <a@b>:"
    # Dutch Apple Mail: "Op 2 nov. 2026, om 10:00 heeft Anna <a@b> het volgende geschreven:"
    re.compile(r"^op\b.{1,500}\b(schreef|geschreven)\b.{0,300}:$", re.IGNORECASE),
    # German: "Am 02.11.2026 um 10:00 schrieb Anna <a@b>:"
    re.compile(r"^am\b.{1,500}\bschrieb\b.{0,300}:$", re.IGNORECASE),
    # French: "Le lun. 2 nov. 2026 à 10:00, Anna <a@b> a écrit :"
    re.compile(r"^le\b.{1,500}\ba écrit\s*:$", re.IGNORECASE),
]
_SEPARATOR_PATTERNS = [
    re.compile(r"^-{3,}\s*(original message|oorspronkelijk bericht|ursprüngliche nachricht|"
               r"message d'origine|origineel bericht)\s*-{3,}$", re.IGNORECASE),
]  # fmt: skip
_HEADER_FROM = re.compile(r"^\*?(from|van|von|de)\s*:\*?\s+\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(
    r"^\*?(sent|date|verzonden|datum|gesendet|envoyé|to|aan|an|à|subject|onderwerp|betreff|"
    r"objet)\s*:",
    re.IGNORECASE,
)
_FORWARD_MARKER = re.compile(
    r"^(-{2,}\s*(forwarded message|doorgestuurd bericht|weitergeleitete nachricht|"
    r"message transféré)\s*-{2,}|begin forwarded message:|doorgestuurd bericht:|"
    r"begin doorgestuurd bericht:)$",
    re.IGNORECASE,
)
_QUOTE_LINE = re.compile(r"^\s*>")
_UNDERSCORES = re.compile(r"^_{10,}\s*$")
# The history is looked for in this many lines from the top: a reply is written
# above what it quotes, and a text of millions of short lines must not cost minutes.
MAX_REPLY_LINES = 5000


def _joined(lines: list[str], i: int, count: int) -> str:
    return " ".join(line.strip() for line in lines[i : i + count])


def _is_quote_start(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if not line or _QUOTE_LINE.match(lines[i]):
        return False
    for pattern in _SEPARATOR_PATTERNS:
        if pattern.match(line):
            return True
    # An attribution line, possibly wrapped over two or three lines by the client.
    if len(line) <= 800:
        for count in (1, 2, 3):
            joined = _joined(lines, i, count)
            if any(p.match(joined) for p in _ATTRIBUTION_PATTERNS):
                return True
    # A header block of the quoted mail (Outlook): "From: ..." then "Sent:"/"To:"...
    if _HEADER_FROM.match(line):
        following = [x.strip() for x in lines[i + 1 : i + 5] if x.strip()]
        if sum(1 for x in following if _HEADER_NEXT.match(x)) >= 2:
            return True
    # "Anna wrote:" directly above quoted lines.
    if line.lower().endswith(("wrote:", "schreef:", "schrieb:")) and len(line) < 300:
        rest = [x for x in lines[i + 1 : i + 3] if x.strip()]
        if rest and _QUOTE_LINE.match(rest[0]):
            return True
    return False


def split_reply(text: str) -> tuple[str, str]:
    """Split a reply into (new text, quoted history).

    The history starts at the first attribution line ("On ... wrote:", "Op ... schreef
    ...:"), an Outlook header block ("From: ... Sent: ...", "Van: ... Verzonden: ...")
    or an "-----Original Message-----" separator; without one, a trailing block of
    "> " lines is the history. Forwarded messages are not history: what a customer
    forwards to support is the content. When nothing new would remain, the whole
    text is the reply.
    """
    if not text:
        return "", ""
    lines = text.split("\n")
    cut = None
    for i in range(min(len(lines), MAX_REPLY_LINES)):
        if _FORWARD_MARKER.match(lines[i].strip()):
            return text.strip(), ""
        if _is_quote_start(lines, i):
            cut = i
            # An Outlook separator line of underscores belongs to the history.
            if i > 0 and _UNDERSCORES.match(lines[i - 1].strip()):
                cut = i - 1
            break
    if cut is None:
        end = len(lines)
        lowest = max(0, len(lines) - MAX_REPLY_LINES)
        while end > lowest and (not lines[end - 1].strip() or _QUOTE_LINE.match(lines[end - 1])):
            end -= 1
        if any(_QUOTE_LINE.match(line) for line in lines[end:]):
            cut = end
    if cut is None:
        return text.strip(), ""
    reply = "\n".join(lines[:cut]).strip()
    quoted = "\n".join(lines[cut:]).strip()
    if not reply:
        return text.strip(), ""
    return reply, quoted
