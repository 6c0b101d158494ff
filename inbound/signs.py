"""What a mail that opens a case says between the lines: does it read like an outage (then
the case is flagged "possible critical" and on-call is alerted), and does it ask for
something the contract excludes (then the acknowledgement carries the scope note)?

Pure functions of the subject, the text and a few headers. A mail cannot answer the
intake form's questions, so these are signs for a person to weigh, never a severity:
staff reclassify with one click, or not.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

# RFC 4021's Importance and Priority, and the X-Priority that mail programs send
# ("1 (Highest)", "2 (High)").
_HIGH_PRIORITY = {
    "importance": re.compile(r"^\s*high\b", re.I),
    "priority": re.compile(r"^\s*urgent\b", re.I),
    "x-priority": re.compile(r"^\s*[12]\b"),
}
_URGENT = re.compile(r"\b(urgent|asap|emergency|spoed|dringend|urgentie)\b", re.I)
_OUTAGE = re.compile(
    r"\b(outage|is down|are down|went down|platform down|storing|plat(?:\s+|ge)legen)\b", re.I
)
# "all API calls fail", "every injection is rejected", "alle API-calls falen"...
_ALL_FAILING = re.compile(
    r"\b(all|every|alle|elke|iedere)\b[\w\s/-]{0,40}?"
    r"\b(api|calls?|requests?|injections?|smtp|messages?|mails?|verzoeken|berichten)\b"
    r"[\w\s/-]{0,40}?"
    r"\b(fail\w*|error\w*|reject\w*|time[sd]?\s*out|timing out|mislukk?\w*|falen|fout\w*|"
    r"geweigerd|return(?:s|ing)?\s+5\d\d)",
    re.I,
)
# A server-side status quoted on its own: HTTP 500/502/503/504, SMTP 421/451 (the
# temporary failures of our side); not part of a longer number, a version or an amount.
_CODE = r"(?<![\w.,/:-])({codes})(?!\w|[.,]\d)"
_HTTP_5XX = re.compile(_CODE.format(codes="500|502|503|504"))
_SMTP_4XX = re.compile(_CODE.format(codes="421|451"))
_HTTP_PHRASE = re.compile(
    r"\b(internal server error|service unavailable|bad gateway|gateway time-?out)\b", re.I
)

Headers = Callable[[str], str]


def outage_signs(subject: str, text: str, header: Headers) -> tuple[str, ...]:
    """The reasons the mail reads like an outage, in words staff read; empty when none."""
    words = f"{subject}\n{text}"
    signs = [
        _("marked as high priority (%(header)s)") % {"header": name.title()}
        for name, pattern in _HIGH_PRIORITY.items()
        if pattern.search(header(name) or "")
    ][:1]
    if _URGENT.search(words):
        signs.append(_("says it is urgent"))
    if _OUTAGE.search(words):
        signs.append(_("speaks of an outage"))
    if _ALL_FAILING.search(words):
        signs.append(_("says all calls or injections fail"))
    codes = sorted({*_HTTP_5XX.findall(words), *_SMTP_4XX.findall(words)})
    if codes:
        signs.append(_("quotes %(codes)s") % {"codes": ", ".join(codes)})
    elif _HTTP_PHRASE.search(words):
        signs.append(_("quotes a server error"))
    return tuple(str(sign) for sign in signs)


# Words that name a request the contract excludes (keys of
# cases.classification.EXCLUDED_REQUESTS), in English and Dutch.
_EXCLUDED = {
    "templates": re.compile(
        r"\b(build|design|translat\w*|vertal\w*|bouw\w*|ontwerp\w*)\b[\w\s]{0,30}?"
        r"\b(templates?|sjablonen|sjabloon)\b|"
        r"\b(templates?|sjablonen|sjabloon)\b[\w\s]{0,20}?\b(vertalen|bouwen|ontwerpen)\b",
        re.I,
    ),
    "internal_projects": re.compile(
        r"\b(manage|run|lead|beheer\w*|leid\w*)\b[\w\s]{0,20}?\b(our|the|ons|onze)\b"
        r"[\w\s]{0,20}?\b(internal\s+)?(project\w*)\b",
        re.I,
    ),
    "deliverability_strategy": re.compile(
        r"\bdeliverability[\s-]+(strateg\w*|consult\w*|audit)|(strategie|advies)\w*\s+"
        r"(voor|over)\s+(onze\s+)?deliverability\b",
        re.I,
    ),
    "tier2_mediation": re.compile(r"\b(tier[\s-]*2|custom mediation|bemiddel\w*)\b", re.I),
    "inbox_placement": re.compile(
        r"\b(guarantee\w*|garande\w*)\b[\w\s%]{0,40}?\b(inbox|placement|inboxplaatsing)\b", re.I
    ),
}


def excluded_request(subject: str, text: str) -> str:
    """The kind of excluded request the mail asks for (a key of EXCLUDED_REQUESTS), or
    "" when it asks for none."""
    words = f"{subject}\n{text}"
    return next((kind for kind, pattern in _EXCLUDED.items() if pattern.search(words)), "")
