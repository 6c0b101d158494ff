"""Every multi-line text a person types into a case stops at TEXT_MAX_LENGTH, with a
sentence giving the limit and the length typed; the form keeps what was typed, nothing
is stored. Mail is not a form: a mailed reply longer than that is stored whole."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from cases import services
from cases.models import Case, CaseMessage, HotlineCall, Status
from core.text_limits import TEXT_MAX_LENGTH, TextLengthValidator
from inbound.models import Outcome
from inbound.services import ingest

from ..html import one, page, texts
from .test_admin import act
from .test_views import bug_form

pytestmark = pytest.mark.django_db

OVER = "a" * TEXT_MAX_LENGTH + "b"
SENTENCE = "At most 20,000 characters fit here; this text has 20,001."


def kept(tree, css: str) -> str:
    """What the field shows again: a textarea's text, without the newline after its tag."""
    return one(tree, css).text_content().removeprefix("\n")


def test_the_sentence_gives_both_figures_in_the_reader_s_language():
    validator = TextLengthValidator()
    for language, sentence in (
        ("en", SENTENCE),
        ("nl", "Hier passen ten hoogste 20.000 tekens; deze tekst heeft er 20.001."),
    ):
        with translation.override(language):
            with pytest.raises(ValidationError) as refused:
                validator(OVER)
            assert refused.value.messages == [sentence]


@pytest.mark.parametrize("field", ["description", "error_samples"])
def test_a_case_with_a_text_over_the_limit_is_refused_and_the_text_kept(client_a, field):
    response = client_a.post(reverse("cases:new"), bug_form(**{field: OVER}))
    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, f"#id_{field}_error") == [SENTENCE]
    assert kept(tree, f"textarea[name={field}][aria-invalid=true]") == OVER
    assert not Case.objects.exists()


def test_a_description_of_exactly_the_limit_is_filed(client_a):
    text = "a" * TEXT_MAX_LENGTH
    client_a.post(reverse("cases:new"), bug_form(description=text))
    assert Case.objects.get().description == text


@pytest.mark.parametrize(
    ("view", "field"),
    [("cases:reply", "body"), ("cases:reject", "reason"), ("cases:escalate", "reason")],
)
def test_a_customer_s_text_over_the_limit_is_refused_and_kept(client_a, case_a, agent, view, field):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    response = client_a.post(reverse(view, args=[case_a.reference]), {field: OVER})
    assert response.status_code == 400
    tree = page(response)
    assert texts(tree, ".invalid-feedback") == [SENTENCE]
    assert kept(tree, f"textarea[name={field}][aria-invalid=true]") == OVER
    assert case_a.messages.count() == 0
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLUTION_PROPOSED
    assert case_a.escalated_at is None


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("reply", {"body": OVER}),
        ("note", {"body": OVER}),
        ("workaround", {"body": OVER}),
        ("propose", {"body": OVER}),
        ("reclassify", {"severity": "critical", "reason": OVER}),
        ("log_callback", {"outcome": "reached", "notes": OVER}),
    ],
)
def test_a_staff_text_over_the_limit_names_the_field_and_keeps_the_text(
    agent_client, case_a, record_call, action, data
):
    call = record_call(case=case_a)  # linking the call makes the case critical
    response = act(agent_client, case_a, action, **data)
    assert response.status_code == 200
    tree = page(response)
    label = {"body": "Text", "reason": "Reason (the customer is told)", "notes": "Notes"}
    field = next(name for name in data if data[name] == OVER)
    assert texts(tree, "ul.messagelist li.error") == [f"{label[field]}: {SENTENCE}"]
    assert kept(tree, f"textarea[name={action}-{field}]") == OVER
    case_a.refresh_from_db()
    assert case_a.status == Status.NEW and case_a.severity == "critical"
    assert not case_a.messages.exists()
    assert not call.attempts.exists()


def test_a_hotline_call_description_over_the_limit_is_refused(client, representative):
    client.force_login(representative)
    response = client.post(
        reverse("admin:cases_hotlinecall_intake"),
        {
            "company_name": "Alpha Mail",
            "contact_person": "Anna",
            "phone": "+31 20 555 0100",
            "email": "anna@alpha.example",
            "description": OVER,
            "record": "1",
            "target": "none",
        },
    )
    assert response.status_code == 200
    tree = page(response)
    assert texts(tree, "[data-testid=hotline-intake] .errorlist li") == [SENTENCE]
    assert kept(tree, "textarea[name=description]") == OVER
    assert not HotlineCall.objects.exists()


def test_a_mailed_reply_longer_than_the_limit_is_stored_whole(case_a, customer_a, settings):
    settings.SUPPORT_EMAIL_ADDRESS = "support@example.com"
    settings.INBOUND_AUTHSERV_IDS = ["mx.example.com"]
    body = ("The relay log, line after line.\n" * 1000).strip()
    assert len(body) > TEXT_MAX_LENGTH
    raw = (
        "Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=alpha.example;"
        " dkim=pass header.d=alpha.example; dmarc=pass header.from=alpha.example\r\n"
        f"From: Alice <{customer_a.email}>\r\n"
        "To: support@example.com\r\n"
        f"Subject: Re: [{case_a.reference}] Webhooks arrive twice\r\n"
        "Message-ID: <long-reply@alpha.example>\r\n"
        "Date: Wed, 25 Nov 2026 10:00:00 +0100\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n" + body.replace("\n", "\r\n") + "\r\n"
    ).encode()
    row = ingest(raw)
    assert row.outcome == Outcome.POSTED
    assert CaseMessage.objects.get(case=case_a).body == body


def test_a_service_stores_a_long_text_it_is_given(case_a, customer_a):
    # The limit belongs to forms: services take what mail brings.
    message = services.case_customer_reply(case=case_a, author=customer_a, body=OVER)
    assert CaseMessage.objects.get(pk=message.pk).body == OVER
