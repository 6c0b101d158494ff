"""What a person typed stays visible: text in angle brackets is shown escaped, never
dropped as if it were markup, and never rendered as HTML; no text, however long or
deeply nested, stops a page from showing."""

import pytest
from django.core import mail
from django.urls import reverse

from cases import rendering, services
from core.text_limits import TEXT_MAX_LENGTH

from ..html import absent, one, page, select, text, texts

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
    customer = page(client_a.get(reverse("cases:detail", args=[case.reference])))
    admin = page(agent_client.get(reverse("admin:cases_case_change", args=[case.pk])))
    shown = {
        "page": texts(customer, ".case-text"),
        "admin": texts(admin, "[data-testid=staff-timeline] > li > p"),
        "opened mail": [text(page(opened_mail))],
        "reply mail": [text(page(reply_mail))],
    }
    for where in ("page", "admin", "opened mail"):
        assert any("The header <X-Request-Id> is missing" in t for t in shown[where]), where
    for where in ("page", "admin", "reply mail"):
        assert any("Is <X-Trace> sent as well?" in t for t in shown[where]), where
    for tree in (customer, admin, page(opened_mail), page(reply_mail)):
        absent(tree, "x-request-id, x-trace")


def test_html_in_the_text_is_shown_as_text_not_markup(client_a, file_case):
    case = file_case(
        description="<script>alert(1)</script> <b>bold?</b> <img src=x onerror=alert(1)>\n\n"
        "<div>\nblock\n</div>"
    )
    customer = one(page(client_a.get(reverse("cases:detail", args=[case.reference]))), ".case-text")
    html = page(_html_mail(mail.outbox[-1]))
    for rendered in (customer, html):
        shown = text(rendered)
        assert "<script>alert(1)</script>" in shown
        assert "<b>bold?</b>" in shown
        assert "<img src=x onerror=alert(1)>" in shown
        assert "<div> block </div>" in shown
        absent(rendered, "script, b, img, [onerror]")
        assert not [div for div in select(rendered, "div") if "block" == text(div)]


def test_markdown_and_autolinks_keep_working(client_a, file_case):
    case = file_case(
        description=f"*Hi* **there** `<code>`\n\n- one <1>\n- two\n\n"
        f"```\n{SMTP}\n```\n\n"
        f"See <https://example.com/help> or [docs](https://example.com/docs).\n\n"
        f"{SMTP}\n\n[x](javascript:alert(1))"
    )
    shown = one(page(client_a.get(reverse("cases:detail", args=[case.reference]))), ".case-text")
    first = select(shown, "p")[0]
    assert [(el.tag, text(el)) for el in first] == [
        ("em", "Hi"),
        ("strong", "there"),
        ("code", "<code>"),
    ]
    assert texts(shown, "li") == ["one <1>", "two"]
    assert text(shown, "pre > code").startswith("550 5.7.1 <user@example.com>: Recipient")
    links = {a.get("href"): (text(a), a.get("rel")) for a in select(shown, "a")}
    assert links["https://example.com/help"] == (
        "https://example.com/help",
        "noopener noreferrer nofollow",
    )
    assert links["https://example.com/docs"] == ("docs", "noopener noreferrer nofollow")
    # A Markdown mail autolink, as before: the address stays visible, as a link.
    assert links["mailto:user@example.com"][0] == "user@example.com"
    # A javascript: link is no link: the text shows as typed.
    assert "[x](javascript:alert(1))" in text(shown)
    absent(shown, "a[href^='javascript:']")
    assert len(links) == 3


def _pages(client_a, agent_client, case) -> tuple[str, str]:
    customer = client_a.get(reverse("cases:detail", args=[case.reference]))
    admin = agent_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert customer.status_code == 200
    assert admin.status_code == 200
    return (
        text(select(page(customer), ".case-text")[0]),
        text(select(page(admin), "[data-testid=staff-timeline] > li")[0]),
    )


def test_a_list_nested_600_deep_shows_as_typed_on_the_case_pages_and_in_the_mail(
    client_a, agent_client, file_case, agent
):
    nested = "".join("  " * depth + f"- level{depth}\n" for depth in range(600))
    case = file_case(description=nested)
    services.case_reply(case=case, author=agent, body=nested)
    reply_mail = text(page(_html_mail(mail.outbox[-1])))
    for shown in (*_pages(client_a, agent_client, case), reply_mail):
        assert "level0" in shown and "level599" in shown


def test_a_maximum_length_run_of_brackets_shows_on_the_case_pages(
    client_a, agent_client, file_case
):
    case = file_case(description="[" * TEXT_MAX_LENGTH)
    for shown in _pages(client_a, agent_client, case):
        assert "[" * TEXT_MAX_LENGTH in shown


def test_headings_start_below_the_page_s_own(client_a, file_case):
    case = file_case(description="# Steps\n\n## Seen\n\n###### Last")
    shown = one(page(client_a.get(reverse("cases:detail", args=[case.reference]))), ".case-text")
    assert [(h.tag, text(h)) for h in select(shown, "h1, h2, h3, h4, h5, h6")] == [
        ("h3", "Steps"),
        ("h4", "Seen"),
        ("h6", "Last"),
    ]


def test_line_breaks_show_as_typed(client_a, file_case):
    case = file_case(description="first line\nsecond line\n\nnext paragraph")
    shown = one(page(client_a.get(reverse("cases:detail", args=[case.reference]))), ".case-text")
    first, second = select(shown, "p")
    assert (first.text, [br.tail.strip() for br in first]) == ("first line", ["second line"])
    assert [br.tag for br in first] == ["br"]
    assert text(second) == "next paragraph"


def test_a_text_longer_than_markdown_formats_shows_as_typed(client_a, file_case):
    typed = "**not bold** <X-Request-Id>\n" * (rendering.MARKDOWN_MAX_LENGTH // 20)
    case = file_case(description=typed)
    shown = one(page(client_a.get(reverse("cases:detail", args=[case.reference]))), ".case-text")
    assert text(shown) == " ".join(typed.split())
    assert len(select(shown, "br")) >= typed.count("\n") - 1
    absent(shown, "strong, x-request-id")


def test_a_rendering_failure_shows_the_text_as_typed_not_a_500(
    client_a, agent_client, file_case, monkeypatch
):
    def broken(text, env=None):
        raise RuntimeError("parser bug")

    rendering._formatted.cache_clear()
    monkeypatch.setattr(rendering._TEXT.parser, "parse", broken)
    case = file_case(description="Header <X-Request-Id>\nmissing *since* Monday")
    for shown in _pages(client_a, agent_client, case):
        assert "Header <X-Request-Id> missing *since* Monday" in shown
    rendering._formatted.cache_clear()


def test_a_reason_is_mailed_as_typed_as_the_case_page_shows_it(client_a, case_a, agent):
    services.case_reclassify(
        case=case_a, actor=agent, severity="critical", reason="**All** calls fail <503>"
    )
    (to_customer,) = [m for m in mail.outbox if m.to == [case_a.requester.email]]
    assert "**All** calls fail <503>" in text(page(_html_mail(to_customer)))
    customer = page(client_a.get(reverse("cases:detail", args=[case_a.reference])))
    assert "**All** calls fail <503>" in text(one(customer, "[data-testid=timeline]"))
