"""Listing reasons in the reader's language.

A listing stores the meanings of the list's answer codes as the catalogue gives them
(migration 0002), in English. Those fixed texts are shown translated; a meaning staff
entered on a list later, or the "code 127.0.0.x" of an undocumented answer, is shown as it
is. The text of a list's TXT record is the list's own words and is never translated.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

CATALOGUE_REASONS = frozenset(
    {
        gettext_noop("SBL: Spamhaus Block List (spam source)"),
        gettext_noop("CSS: snowshoe spam"),
        gettext_noop("XBL: exploited or infected host"),
        gettext_noop("DROP: hijacked network"),
        gettext_noop("PBL: end-user range (ISP maintained)"),
        gettext_noop("PBL: end-user range (Spamhaus maintained)"),
        gettext_noop("BCL: botnet controller"),
        gettext_noop("Listed on the Barracuda Reputation Block List"),
        gettext_noop("Reported as a spam source (expires about 24 h after the last report)"),
        gettext_noop("Single IP listed (expires after 7 days without spam)"),
        gettext_noop("Zombie (infected host)"),
        gettext_noop("Worst reputation"),
        gettext_noop("Very bad reputation"),
        gettext_noop("Bad reputation"),
        gettext_noop("Passive spam trap hit (self-service removal)"),
        gettext_noop("Spam domain"),
        gettext_noop("Phishing domain"),
        gettext_noop("Malware domain"),
        gettext_noop("Botnet command and control domain"),
        gettext_noop("Abused legitimate spam domain"),
        gettext_noop("Abused legitimate spammed redirector"),
        gettext_noop("Abused legitimate phishing domain"),
        gettext_noop("Abused legitimate malware domain"),
        gettext_noop("Abused legitimate botnet C&C domain"),
        gettext_noop("SC (older sub-list)"),
        gettext_noop("WS (older sub-list)"),
        gettext_noop("PH: phishing"),
        gettext_noop("MW: malware"),
        gettext_noop("AB (older sub-list)"),
        gettext_noop("ABUSE: spam and abuse"),
        gettext_noop("CR: cracked sites"),
        gettext_noop("black"),
        gettext_noop("grey"),
        gettext_noop("red"),
    }
)


def reason_label(reason: str) -> str:
    """One stored reason as the reader reads it."""
    return gettext(reason) if reason in CATALOGUE_REASONS else reason


def reason_labels(reasons, separator: str = "; ") -> str:
    """A listing's stored reasons, translated where they are the catalogue's, joined."""
    return separator.join(reason_label(r) for r in reasons or ())
