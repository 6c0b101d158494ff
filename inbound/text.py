"""Text out of mail: bytes in any charset (declared rightly, wrongly or not at all) to
str. HTML to plain text is `html_text.py`, the reply split from its quoted history
`quoting.py`.

Every function here returns a value for any input; none of them raises.
"""

from __future__ import annotations

import codecs
import re

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
