"""The customer pages: list, file a case, detail, reply, accept/reject, escalate."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from cases.models import Case, Status
from tests.html import Page, text

from .conftest import NOW

pytestmark = pytest.mark.django_db


def bug_form(**overrides):
    data = {
        "subject": "API down",
        "need": "software_bug",
        "api_all_failing": "yes",
        "api_failure_cause": "server",
        "smtp_all_failing": "no",
        "description": "Everything returns 503",
    }
    data.update(overrides)
    return data


def test_filing_a_critical_case_shows_the_hotline(client_a, settings):
    response = client_a.post(reverse("cases:new"), bug_form(), follow=True)
    case = Case.objects.get()
    assert case.severity == "critical"
    assert response.redirect_chain[-1][0] == reverse("cases:detail", args=[case.reference])
    assert settings.SEVERITY1_HOTLINE in Page(response)
    assert "calls you back within 15 minutes" in Page(response)


def test_the_server_classifies_whatever_the_browser_claims(client_a):
    client_a.post(reverse("cases:new"), bug_form(api_failure_cause="other"))
    assert Case.objects.get().severity == "non_critical"


def test_all_failing_without_a_cause_names_the_field(client_a):
    response = client_a.post(reverse("cases:new"), bug_form(api_failure_cause=""))
    assert response.status_code == 200
    assert "Tell us why they fail" in Page(response)
    assert not Case.objects.exists()


def test_an_excluded_request_is_answered_with_the_scope_note_not_filed(client_a):
    response = client_a.post(reverse("cases:new"), bug_form(need="tier2_mediation"))
    assert not Case.objects.exists()
    assert "Tier 2 (custom) mediation" in Page(response)
    assert Page(response).has("[data-testid=scope-note]")


def test_the_form_states_when_office_hours_next_open(client_a):
    with time_machine.travel(NOW.replace(hour=20), tick=False):
        response = client_a.get(reverse("cases:new"))
    assert "Office hours next open on Thursday 26 November, 09:00." in Page(response)
    with time_machine.travel(NOW, tick=False):
        response = client_a.get(reverse("cases:new"))
    assert "Office hours are open now." in Page(response)


@pytest.mark.parametrize(
    ("name", "stored_as"),
    [
        ("smtp.log", "text/plain"),
        ("mail.log.1", "text/plain"),
        ("mail.log.gz", "application/gzip"),
        ("headers.eml", "message/rfc822"),
        ("bounce.webp", "image/webp"),
        ("Screenshot.PNG", "image/png"),
    ],
)
def test_logs_and_screenshots_are_accepted_and_stored_with_their_type(client_a, name, stored_as):
    upload = SimpleUploadedFile(name, b"data", content_type="application/octet-stream")
    response = client_a.post(reverse("cases:new"), {**bug_form(), "attachments": [upload]})
    assert response.status_code == 302, Page(response).text()[:2000]
    attachment = Case.objects.get().attachments.get()
    assert (attachment.original_name, attachment.content_type) == (name, stored_as)


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [("0001-01-01T00:00", "Give a date in 2000 or later."), ("2099-01-01T00:00", "still to come")],
)
def test_an_impossible_failing_since_is_refused_with_a_sentence_and_nothing_lost(
    client_a, typed, sentence
):
    response = client_a.post(reverse("cases:new"), bug_form(failing_since=typed))
    assert response.status_code == 200
    page = Page(response)
    assert sentence in page
    assert "Everything returns 503" in page  # what was typed is still there
    assert not Case.objects.exists()


def test_a_subject_is_one_line_whatever_was_sent(client_a):
    client_a.post(reverse("cases:new"), bug_form(subject="Line one\r\nLine  two"))
    assert Case.objects.get().subject == "Line one Line two"


def test_attachments_of_a_refused_type_are_refused_with_the_file_name(client_a):
    bad = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client_a.post(reverse("cases:new"), {**bug_form(), "attachments": [bad]})
    assert "“tool.exe” is not a file type we accept" in Page(response)
    assert not Case.objects.exists()


def test_attachments_over_the_size_limit_are_refused(client_a, settings):
    settings.CASES_ATTACHMENT_MAX_BYTES = 10
    big = SimpleUploadedFile("log.txt", b"x" * 11, content_type="text/plain")
    response = client_a.post(reverse("cases:new"), {**bug_form(), "attachments": [big]})
    assert "attachments may be at most" in Page(response)


def test_the_list_shows_open_cases_with_the_response_deadline_in_my_time_zone(client_b, case_b):
    with time_machine.travel(NOW, tick=False):
        response = client_b.get(reverse("cases:list"))
    # 240 office minutes from Wednesday 10:00 Amsterdam -> 14:00 Amsterdam, 08:00 New York.
    assert "We will respond by Wed 25 Nov 2026, 08:00" in Page(response)
    assert case_b.reference in Page(response)
    with time_machine.travel(NOW, tick=False):
        page = Page(client_b.get(reverse("cases:detail", args=[case_b.reference])))
    assert "We will respond by Wed 25 Nov 2026, 08:00" in page


def _list_in_english_and_dutch(client, customer) -> tuple[Page, Page]:
    """The case list as the customer reads it in English, then in Dutch."""
    english = Page(client.get(reverse("cases:list")))
    customer.language = "nl"
    customer.save(update_fields=["language"])
    return english, Page(client.get(reverse("cases:list")))


def test_the_list_rows_escape_what_customers_wrote_and_speak_the_reader_s_language(
    client_a, file_case, agent, customer_a
):
    with time_machine.travel(NOW, tick=False):
        file_case(subject="<script>alert(1)</script> & more")
        answered = file_case(subject="Answered")
        services.case_reply(case=answered, author=agent, body="On it", now=NOW)
        waiting = file_case(subject="Waiting")
        services.case_reply(case=waiting, author=agent, body="Logs?", now=NOW)
        services.case_set_status(case=waiting, status=Status.WAITING_ON_CUSTOMER, actor=agent)
        proposed = file_case(subject="Proposed")
        services.case_propose_resolution(case=proposed, actor=agent, summary="Fixed", now=NOW)
        english, dutch = _list_in_english_and_dutch(client_a, customer_a)
    # Shown as the text it is, not run.
    assert "<script>alert(1)</script> & more" in english.texts("td.case-subject")
    assert not english.has("[data-testid=open-cases] script")
    assert "We will respond by Wed 25 Nov 2026, 14:00" in english
    assert "An agent is working on it" in english and "Waiting for your information" in english
    assert "Waiting for you to accept or reject the proposed resolution" in english
    assert "We reageren uiterlijk wo 25 nov 2026, 14:00" in dutch
    assert "werkt eraan" in dutch and "Wacht op uw informatie" in dutch
    assert "Wacht op uw akkoord of afwijzing van de voorgestelde oplossing" in dutch


def test_the_list_never_shows_another_accounts_cases(client_a, case_b):
    assert case_b.reference not in Page(client_a.get(reverse("cases:list")))


def test_the_detail_hides_internal_notes(client_a, case_a, agent):
    services.case_add_note(case=case_a, author=agent, body="internal: customer is grumpy")
    services.case_reply(case=case_a, author=agent, body="We are on it")
    page = Page(client_a.get(reverse("cases:detail", args=[case_a.reference])))
    assert "We are on it" in page
    assert "grumpy" not in page


def test_customer_text_is_rendered_without_script(client_a, file_case):
    case = file_case(description="**bold** <script>alert(1)</script> [x](javascript:alert(1))")
    page = Page(client_a.get(reverse("cases:detail", args=[case.reference])))
    assert page.texts(".case-text strong") == ["bold"]
    assert "<script>alert(1)</script>" in page  # shown as the text it is
    assert not page.has(".case-text script")
    # No javascript: link: the text shows as typed.
    assert "[x](javascript:alert(1))" in page
    assert not page.has('a[href^="javascript:"]')


def test_a_customer_reply_resumes_a_waiting_case(client_a, case_a, agent):
    services.case_set_status(case=case_a, status=Status.WAITING_ON_CUSTOMER, actor=agent)
    client_a.post(reverse("cases:reply", args=[case_a.reference]), {"body": "Logs attached"})
    case_a.refresh_from_db()
    assert case_a.status == Status.IN_PROGRESS
    assert case_a.messages.get().body == "Logs attached"


def test_accepting_the_proposed_resolution(client_a, case_a, agent):
    proposal = services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed in 4.2")
    page = Page(client_a.get(reverse("cases:detail", args=[case_a.reference])))
    assert page.attrs("input[name=answering]", "value") == [str(proposal.pk)] * 2
    response = client_a.post(
        reverse("cases:accept", args=[case_a.reference]), {"answering": proposal.pk}, follow=True
    )
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLVED
    assert "Resolved by mutual agreement" in Page(response)


def test_an_answer_never_lands_on_a_proposal_made_since_the_page_was_read(client_a, case_a, agent):
    read = services.case_propose_resolution(case=case_a, actor=agent, summary="Proposal A")
    services.case_set_status(case=case_a, status=Status.IN_PROGRESS, actor=agent)  # withdrawn
    services.case_propose_resolution(case=case_a, actor=agent, summary="B: won't fix")
    for action, data in (("cases:accept", {}), ("cases:reject", {"reason": "No"})):
        response = client_a.post(
            reverse(action, args=[case_a.reference]), {"answering": read.pk, **data}, follow=True
        )
        assert "changed while you read it" in Page(response)
        assert "B: won" in Page(response)  # the new proposal is shown
    for odd in ("²", "9" * 5000, "-1", ""):  # a digit to str.isdigit, too long, not one
        response = client_a.post(
            reverse("cases:accept", args=[case_a.reference]), {"answering": odd}, follow=True
        )
        assert "changed while you read it" in Page(response)
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLUTION_PROPOSED
    assert case_a.agreements.filter(outcome="pending").get().summary == "B: won't fix"


def test_accepting_without_a_proposal_says_why(client_a, case_a):
    response = client_a.post(reverse("cases:accept", args=[case_a.reference]), follow=True)
    assert "has no proposed resolution to answer" in Page(response)


def test_rejecting_needs_a_reason(client_a, case_a, agent):
    proposal = services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    url = reverse("cases:reject", args=[case_a.reference])
    response = client_a.post(url, {"reason": "", "answering": proposal.pk})
    assert response.status_code == 400
    client_a.post(url, {"reason": "Not fixed", "answering": proposal.pk})
    case_a.refresh_from_db()
    assert case_a.status == Status.IN_PROGRESS


def test_escalating_to_the_tam(client_a, case_a, tam_a):
    response = client_a.post(
        reverse("cases:escalate", args=[case_a.reference]), {"reason": "Urgent"}, follow=True
    )
    assert tam_a.full_name in Page(response)
    assert mail.outbox[-1].to == [tam_a.email]


def test_actions_need_post(client_a, case_a):
    assert client_a.get(reverse("cases:accept", args=[case_a.reference])).status_code == 405


# --- fixed query counts ---------------------------------------------------------


def _count(django_assert_num_queries, client, url, n):
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


LIST_QUERIES = 5  # session, user with contact and account, open cases, open count, closed cases
# session, user with contact and account, case, what the case holds (one statement),
# messages, events
DETAIL_QUERIES = 6
# ... and its agreements, attachments, hotline calls (with their callback attempts) and
# the update interval proposal awaiting an answer, each read only when the case has some
DETAIL_QUERIES_AT_MOST = DETAIL_QUERIES + 5


def test_the_case_list_runs_a_fixed_number_of_queries(
    client_a, file_case, agent, django_assert_num_queries
):
    file_case()
    client_a.get(reverse("cases:list"))  # warm caches (the active platform incidents)
    _count(django_assert_num_queries, client_a, reverse("cases:list"), LIST_QUERIES)
    for i in range(15):
        case = file_case(subject=f"case {i}")
        if i % 3 == 0:
            services.case_propose_resolution(case=case, actor=agent, summary="done")
            services.case_accept_resolution(case=case, customer=case.requester)
        elif i % 3 == 1:
            # Answered, then the customer wrote back: each row shows our response's deadline.
            services.case_reply(case=case, author=agent, body="On it")
            services.case_customer_reply(case=case, author=case.requester, body="More")
    _count(django_assert_num_queries, client_a, reverse("cases:list"), LIST_QUERIES)


def test_the_case_detail_runs_a_fixed_number_of_queries(
    client_a, case_a, agent, customer_a, record_call, django_assert_num_queries
):
    url = reverse("cases:detail", args=[case_a.reference])
    services.case_reply(case=case_a, author=agent, body="first")
    client_a.get(reverse("cases:list"))  # warm caches (the active platform incidents)
    _count(django_assert_num_queries, client_a, url, DETAIL_QUERIES)

    def add_replies(n):
        for i in range(n):
            services.case_customer_reply(
                case=case_a,
                author=customer_a,
                body=f"more {i}",
                attachments=[SimpleUploadedFile(f"{i}.txt", b"x", content_type="text/plain")],
            )
            services.case_reply(case=case_a, author=agent, body=f"answer {i}")

    add_replies(1)
    services.case_propose_resolution(case=case_a, actor=agent, summary="done")
    record_call(case=case_a)
    services.case_propose_update_interval(case=case_a, minutes=240, actor=agent)
    with django_assert_num_queries(DETAIL_QUERIES_AT_MOST):
        page = Page(client_a.get(url))
    assert "0.txt" in page and "Proposed by" in page and "callback due by" in page
    assert "We propose to send you an update every 240 minutes." in page
    add_replies(20)
    _count(django_assert_num_queries, client_a, url, DETAIL_QUERIES_AT_MOST)


TIMELINE_REUSED_QUERIES = DETAIL_QUERIES - 2  # no messages and events read again


def test_a_rendered_timeline_is_reused_until_the_case_gains_an_entry(
    client_a, case_a, agent, customer_a, django_assert_num_queries
):
    url = reverse("cases:detail", args=[case_a.reference])
    services.case_reply(case=case_a, author=agent, body="first answer")
    client_a.get(url)
    with django_assert_num_queries(TIMELINE_REUSED_QUERIES):
        page = Page(client_a.get(url))
    assert "first answer" in page

    services.case_reply(case=case_a, author=agent, body="second answer")
    assert "second answer" in Page(client_a.get(url))
    services.case_customer_reply(
        case=case_a,
        author=customer_a,
        body="logs attached",
        attachments=[SimpleUploadedFile("smtp.log", b"421", content_type="text/plain")],
    )
    page = Page(client_a.get(url))
    assert "logs attached" in page and "smtp.log" in page
    services.case_propose_resolution(case=case_a, actor=agent, summary="fixed")
    assert "Resolution proposed" in Page(client_a.get(url))


def test_a_reused_timeline_follows_the_reader_s_language_and_time_zone(
    client_a, case_a, agent, customer_a
):
    url = reverse("cases:detail", args=[case_a.reference])
    services.case_reply(case=case_a, author=agent, body="answer")
    english = _timeline(Page(client_a.get(url)))
    customer_a.time_zone = "Asia/Tokyo"
    customer_a.save(update_fields=["time_zone"])
    tokyo = _timeline(Page(client_a.get(url)))
    customer_a.language = "nl"
    customer_a.save(update_fields=["language"])
    dutch = _timeline(Page(client_a.get(url)))
    # Filed 25 Nov 2026 10:00 in Amsterdam, which is 18:00 in Tokyo.
    assert "25 Nov 2026, 10:00" in english and "Case filed" in english
    assert "25 Nov 2026, 18:00" in tokyo and "Case filed" in tokyo
    assert "25 nov 2026, 18:00" in dutch and "Zaak ingediend" in dutch


def _timeline(page: Page) -> str:
    return page.text("[data-testid=timeline]")


def test_an_overdue_response_is_not_promised_in_the_past(client_b, case_b):
    with time_machine.travel(NOW.replace(hour=20), tick=False):
        page = Page(client_b.get(reverse("cases:list")))
    assert page.text("[data-testid=missed-first_response]") == (
        "Missed: our response was due Wed 25 Nov 2026, 08:00"
    )
    assert "We will respond by" not in page and "on its way" not in page


def test_a_colleague_follows_a_case_and_gets_its_mail(case_a, account_a, agent):
    from django.test import Client

    from tests.factories import ContactFactory

    colleague = ContactFactory(account=account_a, user__email="carol@alpha.example").user
    client = Client()
    client.force_login(colleague)
    url = reverse("cases:detail", args=[case_a.reference])
    assert "Follow: get its mail" in Page(client.get(url))
    client.post(reverse("cases:follow", args=[case_a.reference]), {"follow": "1"})
    assert "You follow it." in Page(client.get(url))
    services.case_reply(case=case_a, author=agent, body="Progress update")
    assert {m.to[0] for m in mail.outbox} == {case_a.requester.email, colleague.email}
    client.post(reverse("cases:follow", args=[case_a.reference]), {"follow": "0"})
    assert "Follow: get its mail" in Page(client.get(url))
    mail.outbox.clear()
    services.case_reply(case=case_a, author=agent, body="Another update")
    assert [m.to[0] for m in mail.outbox] == [case_a.requester.email]


def test_staff_cannot_follow_through_the_service(case_a, agent):
    with pytest.raises(services.CaseError, match="Only contacts"):
        services.case_set_following(case=case_a, user=agent, follow=True)


def test_older_closed_cases_are_on_further_pages_with_the_same_query_count(
    client_a, file_case, monkeypatch, django_assert_num_queries
):
    from datetime import timedelta

    from cases import selectors

    monkeypatch.setattr(selectors, "CLOSED_PER_PAGE", 3)
    cases = [file_case(subject=f"case {i}") for i in range(7)]
    for age, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            status=Status.CLOSED,
            updated_at=NOW - timedelta(days=age),
            resolved_at=NOW - timedelta(days=age),
            closed_at=NOW - timedelta(days=age),
        )
    references = [case.reference for case in cases]  # newest first

    client_a.get(reverse("cases:list"))  # warm caches (the active platform incidents)
    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(LIST_QUERIES):
            response = client_a.get(reverse("cases:list"), {"page": number})
        html = Page(response)
        pages.append([ref for ref in references if ref in html])
    assert pages == [references[:3], references[3:6], references[6:]]
    assert "?page=2#closed-heading" in Page(client_a.get(reverse("cases:list"))).links()
    last = Page(client_a.get(reverse("cases:list"), {"page": 3})).links()
    assert "?page=4#closed-heading" not in last and "?page=2#closed-heading" in last
    assert client_a.get(reverse("cases:list"), {"page": "abc"}).status_code == 200


def test_every_open_case_is_counted_and_reachable_page_by_page(
    client_a, file_case, monkeypatch, django_assert_num_queries
):
    from datetime import timedelta

    from cases import selectors

    monkeypatch.setattr(selectors, "OPEN_PER_PAGE", 3)
    cases = [file_case(subject=f"open {i}") for i in range(7)]
    for age, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(opened_at=NOW - timedelta(days=age))
    references = [case.reference for case in cases]  # newest first

    client_a.get(reverse("cases:list"))  # warm caches (the active platform incidents)
    pages = []
    for number in (1, 2, 3):
        with django_assert_num_queries(LIST_QUERIES):
            response = client_a.get(reverse("cases:list"), {"open": number})
        html = Page(response)
        assert html.text("span.badge[data-testid=open-count]") == "7"
        pages.append([ref for ref in references if ref in html])
    assert pages == [references[:3], references[3:6], references[6:]]
    first = Page(client_a.get(reverse("cases:list")))
    assert "?open=2#open-heading" in first.links()
    assert not [link for link in first.links() if link.startswith("?open=0")]
    assert first.has('nav[aria-label="More open cases"]')
    last = Page(client_a.get(reverse("cases:list"), {"open": 3})).links()
    assert "?open=4#open-heading" not in last and "?open=2#open-heading" in last
    beyond = Page(client_a.get(reverse("cases:list"), {"open": 9}))
    assert "There are no cases on this page" in beyond and "?open=1#open-heading" in beyond.links()
    assert beyond.text("span.badge[data-testid=open-count]") == "7"  # counted on every page


def test_an_account_without_open_cases_shows_zero(client_a):
    html = Page(client_a.get(reverse("cases:list")))
    assert html.text("span.badge[data-testid=open-count]") == "0"
    assert "No open cases." in html


def test_the_list_shows_when_the_next_agreed_update_is_due(client_a, file_case, agent, customer_a):
    with time_machine.travel(NOW, tick=False):
        critical = file_case(subject="Down", api_all_failing=True, api_failure_cause="server")
        services.case_reply(case=critical, author=agent, body="On it", now=NOW)
    # The policy's 60-minute interval runs from the reply at 10:00 Amsterdam.
    with time_machine.travel(NOW + timedelta(minutes=30), tick=False):
        english = Page(client_a.get(reverse("cases:list")))
    with time_machine.travel(NOW + timedelta(minutes=90), tick=False):
        late, dutch = _list_in_english_and_dutch(client_a, customer_a)
    assert "Next update by Wed 25 Nov 2026, 11:00" in english
    assert "An agent is working on it" not in english
    assert "Missed: our update was due Wed 25 Nov 2026, 11:00" in late
    assert "on its way" not in late
    assert "Gemist: onze update was uiterlijk wo 25 nov 2026, 11:00 verwacht" in dutch


def test_every_agreement_shows_what_was_proposed_and_who_agreed_how(client_a, case_a, agent):
    first = services.case_propose_resolution(
        case=case_a, actor=agent, summary="Raise the **rate limit**", now=NOW
    )
    services.case_set_status(case=case_a, status=Status.IN_PROGRESS, actor=agent, now=NOW)
    services.case_propose_resolution(
        case=case_a, actor=agent, summary="Use the EU endpoint", now=NOW + timedelta(minutes=1)
    )
    services.case_record_agreement(
        case=case_a,
        actor=agent,
        customer_name="Alice Alpha",
        agreed_at=NOW + timedelta(minutes=5),
        method="phone",
        now=NOW + timedelta(minutes=6),
    )
    page = Page(client_a.get(reverse("cases:detail", args=[case_a.reference])))
    agreements = page.select("[data-testid=agreements] [data-testid=agreement]")
    by_summary = {text(a.cssselect(".case-text")[0]): a for a in agreements}
    assert set(by_summary) == {"Use the EU endpoint", "Raise the rate limit"}  # withdrawn too
    withdrawn = by_summary["Raise the rate limit"]
    assert [text(b) for b in withdrawn.cssselect(".case-text strong")] == ["rate limit"]
    assert text(withdrawn.cssselect("strong")[0]) == "Withdrawn"
    first.refresh_from_db()
    assert first.outcome == "withdrawn" and first.customer_name == ""
    assert ", ," not in text(withdrawn)
    after_break = withdrawn.xpath("br[1]/following-sibling::text()[1]")[0]
    assert after_break.strip() == "25 Nov 2026, 10:00"  # when, alone
    assert f"Alice Alpha, 25 Nov 2026, 10:05, By phone · recorded by {agent.full_name}" in page
    timeline = page.text("[data-testid=timeline]")
    assert f"Alice Alpha, by phone · recorded by {agent.full_name}" in timeline


def _choices(response, name: str) -> dict[str, str]:
    """The radio choices of one question on the filing form: value -> label text."""
    html = Page(response)
    labels = {}
    for value in ("server", "other"):
        (input_id,) = html.attrs(f"input[name={name}][value={value}]", "id")
        labels[value] = html.text(f"label[for={input_id}]")
    return labels


def test_the_smtp_question_counts_421_and_451_as_server_side_and_535_550_quota_not(client_a):
    smtp = _choices(client_a.get(reverse("cases:new")), "smtp_failure_cause")
    assert "421" in smtp["server"] and "451" in smtp["server"]
    assert "drop the connection" in smtp["server"] and "time out" in smtp["server"]
    for code in ("535", "550", "quota"):
        assert code in smtp["other"] and code not in smtp["server"]
    api = _choices(client_a.get(reverse("cases:new")), "api_failure_cause")
    assert "5xx" in api["server"] and "429" in api["other"]
    # Asked only once all of them fail: no cause says some still succeed.
    assert not [label for label in (*smtp.values(), *api.values()) if "succeed" in label]


def test_an_smtp_421_answered_as_the_form_words_it_is_critical(client_a):
    client_a.post(
        reverse("cases:new"),
        bug_form(
            api_all_failing="no",
            smtp_all_failing="yes",
            smtp_failure_cause="server",
            description="Every injection: 421 4.3.2 Service not available",
        ),
    )
    assert Case.objects.get().severity == "critical"
