"""The reply in a mail's text, split from the history it quotes below it (attribution
lines, separators, quoted headers and "> " lines, in the languages our customers write).
"""

from __future__ import annotations

import re

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
