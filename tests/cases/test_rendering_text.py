"""What a person typed stays visible: text in angle brackets is shown escaped, never
dropped as if it were markup, and never rendered as HTML; no text, however long or
deeply nested, stops a page from showing."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import rendering, services
from core.text_limits import TEXT_MAX_LENGTH

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
    page = client_a.get(reverse("cases:detail", args=[case.reference])).content.decode()
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
    page = client_a.get(reverse("cases:detail", args=[case.reference])).content.decode()
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
    page = client_a.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "<em>Hi</em> <strong>there</strong> <code>&lt;code&gt;</code>" in page
    assert "<li>one &lt;1&gt;</li>" in page
    assert "<pre><code>550 5.7.1 &lt;user@example.com&gt;: Recipient" in page
    assert '<a href="https://example.com/help" rel="noopener noreferrer nofollow">' in page
    assert '<a href="https://example.com/docs" rel="noopener noreferrer nofollow">docs</a>' in page
    # A Markdown mail autolink, as before: the address stays visible, as a link.
    assert 'href="mailto:user@example.com"' in page
    # A javascript: link is no link: the text shows as typed.
    assert "[x](javascript:alert(1))" in page
    assert 'href="javascript:' not in page


def _pages(client_a, agent_client, case) -> tuple[str, str]:
    page = client_a.get(reverse("cases:detail", args=[case.reference]))
    admin = agent_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert page.status_code == 200
    assert admin.status_code == 200
    return page.content.decode(), admin.content.decode()


def test_a_list_nested_600_deep_shows_as_typed_on_the_case_pages_and_in_the_mail(
    client_a, agent_client, file_case, agent
):
    nested = "".join("  " * depth + f"- level{depth}\n" for depth in range(600))
    case = file_case(description=nested)
    services.case_reply(case=case, author=agent, body=nested)
    reply_mail = _html_mail(mail.outbox[-1])
    for html in (*_pages(client_a, agent_client, case), reply_mail):
        assert "level0" in html and "level599" in html


def test_a_maximum_length_run_of_brackets_shows_on_the_case_pages(
    client_a, agent_client, file_case
):
    case = file_case(description="[" * TEXT_MAX_LENGTH)
    for html in _pages(client_a, agent_client, case):
        assert "[" * TEXT_MAX_LENGTH in html


def test_headings_start_below_the_page_s_own(client_a, file_case):
    case = file_case(description="# Steps\n\n## Seen\n\n###### Last")
    page = client_a.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "<h3>Steps</h3>" in page
    assert "<h4>Seen</h4>" in page
    assert "<h6>Last</h6>" in page


def test_line_breaks_show_as_typed(client_a, file_case):
    case = file_case(description="first line\nsecond line\n\nnext paragraph")
    page = client_a.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "<p>first line<br>\nsecond line</p>" in page
    assert "<p>next paragraph</p>" in page


def test_a_text_longer_than_markdown_formats_shows_as_typed(client_a, file_case):
    text = "**not bold** <X-Request-Id>\n" * (rendering.MARKDOWN_MAX_LENGTH // 20)
    case = file_case(description=text)
    page = client_a.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "**not bold** &lt;X-Request-Id&gt;<br>**not bold**" in page
    assert "<strong>not bold</strong>" not in page


def test_a_rendering_failure_shows_the_text_as_typed_not_a_500(
    client_a, agent_client, file_case, monkeypatch
):
    def broken(text, env=None):
        raise RuntimeError("parser bug")

    rendering._formatted.cache_clear()
    monkeypatch.setattr(rendering._TEXT.parser, "parse", broken)
    case = file_case(description="Header <X-Request-Id>\nmissing *since* Monday")
    for html in _pages(client_a, agent_client, case):
        assert "Header &lt;X-Request-Id&gt;<br>missing *since* Monday" in html
    rendering._formatted.cache_clear()


def test_a_reason_is_mailed_as_typed_as_the_case_page_shows_it(client_a, case_a, agent):
    services.case_reclassify(
        case=case_a, actor=agent, severity="critical", reason="**All** calls fail <503>"
    )
    assert "**All** calls fail &lt;503&gt;" in _html_mail(mail.outbox[-1])
    page = client_a.get(reverse("cases:detail", args=[case_a.reference])).content.decode()
    assert "**All** calls fail &lt;503&gt;" in page
