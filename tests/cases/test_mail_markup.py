"""The case mail itself: the HTML part names the language it is written in, and a case
subject with a line break still gets its mail, with a one-line Subject."""

import pytest
from django.core import mail

from cases import services
from cases.models import Case, OutboundMessage
from cases.tasks import send_case_mail

pytestmark = pytest.mark.django_db


def _html(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


@pytest.mark.parametrize(("language", "hello"), [("nl", "Beste"), ("en", "Hello")])
def test_the_html_mail_is_marked_with_the_recipient_s_language(
    customer_a, case_a, agent, language, hello
):
    customer_a.language = language
    customer_a.save(update_fields=["language"])
    services.case_reply(case=case_a, author=agent, body="On it")
    html = _html(mail.outbox[-1])
    assert f'<html lang="{language}">' in html
    assert hello in html


def test_a_subject_with_a_line_break_still_gets_its_mail_on_one_line(case_a, agent):
    Case.objects.filter(pk=case_a.pk).update(subject="Line one\nLine two\r\n\x0bthree")
    case_a.refresh_from_db()
    message = services.case_reply(case=case_a, author=agent, body="On it")
    [sent] = mail.outbox
    expected = f"[{case_a.reference}] Reply from support: Line one Line two three"
    assert sent.subject == expected
    assert f"Subject: {expected}" in sent.message().as_string()
    event = case_a.events.get(data__message=message.pk)
    assert OutboundMessage.objects.get(source_key=f"event:{event.pk}").subject == expected
    # The task itself, run again: nothing new, and no BadHeaderError either.
    assert send_case_mail(event.pk) == 0


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "Hello {name},\n\n"
            "A support agent replied to your case.\n\n"
            "On it\n\n"
            "Case: {reference} · Webhooks arrive twice\n"
            "Severity: Non-critical issue\n"
            "Status: In progress\n\n"
            "Follow the case in the portal: {url}\n"
            "Reply to this mail to add information to the case ({address}).\n"
            "Severity 1 hotline (24/7/365): {hotline}\n\n"
            "-- \n"
            "Email Enterprise Support\n\n",
        ),
        (
            "nl",
            "Beste {name},\n\n"
            "Een Klant Support agent heeft op uw zaak gereageerd.\n\n"
            "On it\n\n"
            "Zaak: {reference} · Webhooks arrive twice\n"
            "Ernst: Niet-kritisch probleem\n"
            "Status: In behandeling\n\n"
            "Volg de zaak in het portaal: {url}\n"
            "Beantwoord deze e-mail om informatie aan de zaak toe te voegen ({address}).\n"
            "Ernst 1 Hotline (24/7/365): {hotline}\n\n"
            "-- \n"
            "Email Enterprise Support\n\n",
        ),
    ],
)
def test_the_text_mail_says_exactly_this(customer_a, case_a, agent, settings, language, text):
    customer_a.language = language
    customer_a.save(update_fields=["language"])
    services.case_reply(case=case_a, author=agent, body="On it")
    assert mail.outbox[-1].body == text.format(
        name=customer_a.full_name,
        reference=case_a.reference,
        url=f"{settings.PORTAL_BASE_URL}/cases/{case_a.reference}/",
        address=settings.SUPPORT_EMAIL_ADDRESS,
        hotline=settings.SEVERITY1_HOTLINE,
    )
