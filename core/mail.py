"""A mail's words, from templates named the same way in every app.

    <app>/emails/<name>_subject.txt   the subject, joined to one line
    <app>/emails/<name>.txt           the text
    <app>/emails/<name>.html          the HTML alternative, for the mails that have one

The caller picks the language and time zone (translation.override, timezone.override)
and sends; this only renders.
"""

from __future__ import annotations

from typing import NamedTuple

from django.template.loader import render_to_string


class MailText(NamedTuple):
    subject: str
    text: str
    html: str | None


def render_mail(name: str, context: dict, *, html: bool = False) -> MailText:
    """The mail `name` ("<app>/emails/<name>") rendered with `context`."""
    subject = render_to_string(f"{name}_subject.txt", context)
    return MailText(
        subject=" ".join(subject.split()),
        text=render_to_string(f"{name}.txt", context),
        html=render_to_string(f"{name}.html", context) if html else None,
    )
