"""What a person typed stays visible: text in angle brackets is shown escaped, never
dropped as if it were markup, and never rendered as HTML."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import services

pytestmark = pytest.mark.django_db

SMTP = "550 5.7.1 <user@example.com>: Recipient address rejected"


def _html_mail(message) -> str:
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def test_bracketed_text_shows_on_the_customer_page_the_admin_timeline_and_the_mail(
    client_a, agent_client, file_case, agent
):
    case = file_case(description="The header <X-Request-Id> is missing")
    opened_mail = _html_mail(mail.outbox[-1])
    services.case_reply(case=case, author=agent, body="Is <X-Trace> sent as well?")
    reply_mail = _html_mail(mail.outbox[-1])
    page = client_a.get(reverse("case_detail", args=[case.reference])).content.decode()
    admin = agent_client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    for html in (page, admin, opened_mail):
        assert "The header &lt;X-Request-Id&gt; is missing" in html
    for html in (page, admin, reply_mail):
        assert "Is &lt;X-Trace&gt; sent as well?" in html


def test_html_in_the_text_is_shown_as_text_not_markup(client_a, file_case):
    case = file_case(
        description="<script>alert(1)</script> <b>bold?</b> <img src=x onerror=alert(1)>\n\n"
        "<div>\nblock\n</div>"
    )
    page = client_a.get(reverse("case_detail", args=[case.reference])).content.decode()
    html = _html_mail(mail.outbox[-1])
    for rendered in (page, html):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
        assert "&lt;b&gt;bold?&lt;/b&gt;" in rendered
        assert "&lt;img src=x onerror=alert(1)&gt;" in rendered
        assert "&lt;div&gt;" in rendered
        assert "<script>alert" not in rendered
        assert "<b>bold" not in rendered and "<img" not in rendered


def test_markdown_and_autolinks_keep_working(client_a, file_case):
    case = file_case(
        description=f"*Hi* **there** `<code>`\n\n- one <1>\n- two\n\n"
        f"```\n{SMTP}\n```\n\n"
        f"See <https://example.com/help> or [docs](https://example.com/docs).\n\n"
        f"{SMTP}\n\n[x](javascript:alert(1))"
    )
    page = client_a.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "<em>Hi</em> <strong>there</strong> <code>&lt;code&gt;</code>" in page
    assert "<li>one &lt;1&gt;</li>" in page
    assert "<pre><code>550 5.7.1 &lt;user@example.com&gt;: Recipient" in page
    assert '<a href="https://example.com/help" rel="noopener noreferrer nofollow">' in page
    assert '<a href="https://example.com/docs" rel="noopener noreferrer nofollow">docs</a>' in page
    # A Markdown mail autolink, as before: the address stays visible, as a link.
    assert 'href="mailto:user@example.com"' in page
    assert "javascript:" not in page
