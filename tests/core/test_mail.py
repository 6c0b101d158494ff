"""Every app names its mail templates one way (core/mail.py): <name>_subject.txt,
<name>.txt and, for a mail with an HTML alternative, <name>.html."""

from pathlib import Path

from core.mail import render_mail

ROOT = Path(__file__).resolve().parents[2]
EMAILS = sorted(p for p in ROOT.glob("*/templates/*/emails") if p.is_dir())


def test_each_mail_has_a_subject_and_a_text_and_nothing_else():
    assert {p.parts[-2] for p in EMAILS} >= {"accounts", "cases", "deliverability", "inbound"}
    for folder in EMAILS:
        names = {p.name for p in folder.iterdir()}
        mails = {n.removesuffix("_subject.txt") for n in names if n.endswith("_subject.txt")}
        expected = {f"{m}{suffix}" for m in mails for suffix in ("_subject.txt", ".txt")}
        expected |= {f"{m}.html" for m in mails if f"{m}.html" in names}
        assert names == expected, folder


def test_the_subject_is_one_line_and_the_html_only_when_asked_for():
    context = {"listed": [], "account": {"name": "Acme"}, "events": []}
    mail = render_mail("deliverability/emails/listing_alert", context)
    assert mail.subject == "Acme: removed from a blocklist"
    assert "\n" not in mail.subject and mail.html is None
