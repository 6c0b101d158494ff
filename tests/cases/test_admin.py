"""The agents' queue and case page in the admin."""

import zoneinfo
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Status
from tests.html import absent, attr, one, page, select, text

from .conftest import NOW

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cases_case_changelist")


def act(client, case, action, **data):
    return client.post(
        reverse("admin:cases_case_act", args=[case.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
        follow=True,
    )


def queue_rows(response) -> list[dict]:
    """The queue's rows, each as its cells' text (and the reference's link)."""
    tables = select(response, "table#result_list")
    if not tables:
        return []
    rows = []
    for tr in select(one(tables[0], "tbody"), "tr"):
        row = {
            column: text(tr, f".field-{column}")
            for column in ("ref", "deadline", "severity", "status", "subject", "account", "agent")
        }
        row["url"] = attr(tr, "th.field-ref a", "href")
        row["due"] = [e.get("data-due") for e in select(tr, "[data-due]")]
        row["tr"] = tr
        rows.append(row)
    return rows


def offered_actions(page) -> set[str]:
    return {e.get("data-action") for e in select(page, "[data-action]")}


def messages_of(response) -> list[str]:
    return [text(li) for li in select(response, "ul.messagelist li")]


def references(client, query="", **data) -> list[str]:
    return [row["ref"] for row in queue_rows(client.get(CHANGELIST + query, data))]


def test_the_queue_puts_the_nearest_deadline_first(agent_client, file_case):
    later = file_case(subject="non-critical")  # due 14:00
    sooner = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    with time_machine.travel(NOW, tick=False):
        assert references(agent_client) == [sooner.reference, later.reference]


def test_overdue_and_due_soon_are_marked(agent_client, file_case):
    file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        (row,) = queue_rows(agent_client.get(CHANGELIST))
    assert row["due"] == ["soon"]
    assert row["deadline"].startswith("due ") and row["deadline"].endswith("first response")
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        (row,) = queue_rows(agent_client.get(CHANGELIST))
    assert row["due"] == ["overdue"]
    assert row["deadline"].startswith("OVERDUE ") and row["deadline"].endswith("first response")


def test_filters_mine_my_accounts_and_due_within_the_hour(agent_client, agent, file_case, case_b):
    mine = file_case(subject="mine")
    services.case_assign(case=mine, agent=agent, actor=agent)
    critical = file_case(subject="burning", api_all_failing=True, api_failure_cause="server")
    assert references(agent_client, "?mine=me") == [mine.reference]
    with time_machine.travel(NOW, tick=False):
        assert references(agent_client, "?due=hour") == [critical.reference]
    assert mine.reference not in references(agent_client, "?mine=none")
    assert references(agent_client, "?severity__exact=critical") == [critical.reference]
    assert references(agent_client, "?open=done") == []


def test_the_queue_opens_on_open_cases_and_all_shows_every_case(agent_client, file_case):
    open_case = file_case(subject="open")
    closed = file_case(subject="closed")
    Case.objects.filter(pk=closed.pk).update(status="closed", resolved_at=NOW, closed_at=NOW)
    assert references(agent_client) == [open_case.reference]
    tree = page(agent_client.get(CHANGELIST))
    every = next(
        a for a in select(one(tree, "nav#changelist-filter"), "a") if a.get("href") == "?open=all"
    )
    assert text(every) == "All"
    assert sorted(references(agent_client, "?open=all")) == sorted(
        [open_case.reference, closed.reference]
    )
    assert references(agent_client, "?open=done") == [closed.reference]


def test_the_filters_show_what_is_chosen_and_keep_the_other_choices(agent_client, case_a):
    tree = page(agent_client.get(CHANGELIST, {"mine": "me", "q": "Alpha"}))
    filters = one(tree, "nav#changelist-filter")
    chosen = [text(li) for li in select(filters, "li.selected")]
    # The queue opens on open cases.
    assert chosen == ["Open", "All", "All", "Assigned to me", "All", "All", "All"]
    overdue = next(a for a in select(filters, "a") if text(a) == "Overdue")
    assert parse_qs(overdue.get("href")[1:]) == {
        "mine": ["me"],
        "q": ["Alpha"],
        "due": ["overdue"],
    }
    assert attr(tree, "input#searchbar", "value") == "Alpha"
    assert one(tree, "input[type=hidden][name=mine]") is not None


def test_a_tam_filters_on_their_own_accounts(tam_a, case_a, case_b, client):
    client.force_login(tam_a)
    assert references(client, "?tam=me") == [case_a.reference]
    assert set(references(client)) == {case_a.reference, case_b.reference}  # oversight


def test_search_by_reference_subject_or_company(agent_client, case_a, case_b):
    for term in (case_a.reference, "Webhooks", "Alpha Mail", '"alpha mail"'):
        assert references(agent_client, q=term) == [case_a.reference]


# Markup in the search too (full text on PostgreSQL reads "<b>" as a tag, no word).
@pytest.mark.parametrize("query", ["", "?mine=none&o=3", "?q=%26+loud", "?q=__case__"])
def test_the_queue_shows_each_case_s_columns_and_leads_to_its_page(
    agent_client, agent, file_case, case_b, query
):
    assigned = file_case(
        subject="<b>Bold & loud</b>", api_all_failing=True, api_failure_cause="server"
    )
    services.case_assign(case=assigned, agent=agent, actor=agent)
    file_case(subject="<b>unassigned</b> __case__")
    waiting = file_case(subject="<b>waiting</b>")
    services.case_set_status(case=waiting, status=Status.WAITING_ON_CUSTOMER, actor=agent)
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        response = agent_client.get(CHANGELIST + query)
    rows = {row["ref"]: row for row in queue_rows(response)}
    assert rows
    absent(one(response, "table#result_list"), "b")  # escaped
    cases = Case.objects.filter(reference__in=rows).select_related("account", "assigned_agent")
    assert len(cases) == len(rows)
    for case in cases:
        row = rows[case.reference]
        change = reverse("admin:cases_case_change", args=[case.pk])
        assert row["url"].split("?")[0] == change
        preserved = parse_qs(urlsplit(row["url"]).query).get("_changelist_filters")
        assert preserved == ([query[1:]] if query else None)
        assert row["subject"] == case.subject
        assert attr(row["tr"], ".field-subject a", "href") == row["url"]
        assert row["severity"] == case.get_severity_display()
        assert row["status"] == case.get_status_display()
        assert row["account"] == case.account.name
        assert row["agent"] == (str(case.assigned_agent) if case.assigned_agent else "-")
        if case == waiting:
            assert row["deadline"] == "paused (waiting on customer)"
        if case == assigned:
            assert row["due"] == ["overdue"]


def test_the_columns_sort_the_queue_both_ways(agent_client, file_case):
    a = file_case(subject="Apples")
    b = file_case(subject="Bananas")
    assert references(agent_client, "?o=5") == [a.reference, b.reference]
    assert references(agent_client, "?o=-5") == [b.reference, a.reference]
    subject = one(agent_client.get(CHANGELIST + "?o=5"), "th.column-subject")
    assert "ascending" in subject.classes
    assert parse_qs(attr(subject, "a", "href")[1:]) == {"o": ["-5"]}


def test_the_queue_pages_by_previous_and_next(agent_client, file_case):
    for i in range(27):
        file_case(subject=f"case {i}")
    first = page(agent_client.get(CHANGELIST))
    assert len(select(one(first, "tbody"), "tr")) == 25
    assert text(first, "p.paginator").startswith("Cases 1 to 25")
    absent(first, "a[rel=prev]")
    following = attr(first, "a[rel=next]", "href")
    second = page(agent_client.get(CHANGELIST + following))
    assert len(select(one(second, "tbody"), "tr")) == 2
    absent(second, "a[rel=next]")
    assert attr(second, "a[rel=prev]", "href") == "?"
    all_refs = references(agent_client) + references(agent_client, following)
    assert len(set(all_refs)) == 27


@pytest.mark.parametrize(
    "query",
    [
        "?p=x",
        "?p=-1",
        "?p=%C2%B2",
        "?o=%C2%B2",
        "?p=9" + "9" * 30,
        "?o=x.-99.3",
        "?severity__exact=x",
    ],
)
def test_a_parameter_the_queue_cannot_use_is_left_out(agent_client, case_a, query):
    response = agent_client.get(CHANGELIST + query)
    assert response.status_code == 200
    assert [row["ref"] for row in queue_rows(response)] == [case_a.reference]


def test_a_page_past_the_last_is_empty_with_a_way_back(agent_client, case_a):
    tree = page(agent_client.get(CHANGELIST + "?p=3"))
    absent(tree, "table#result_list")
    assert text(tree, "p.case-queue-empty") == "No case matches."
    assert attr(tree, "a[rel=prev]", "href") == "?p=2"


def test_a_post_to_the_queue_shows_the_list_again(agent_client, case_a):
    response = agent_client.post(CHANGELIST, {"action": "delete_selected"})
    assert response.status_code == 200
    assert [row["ref"] for row in queue_rows(response)] == [case_a.reference]
    assert Case.objects.filter(pk=case_a.pk).exists()


def test_the_queue_runs_a_fixed_number_of_queries(
    agent_client, file_case, agent, django_assert_num_queries
):
    file_case()
    agent_client.get(CHANGELIST)  # warm caches (content types)
    # session, user, the user's and their groups' permissions, the page of cases
    with django_assert_num_queries(5) as first:
        agent_client.get(CHANGELIST)
    for i in range(20):
        case = file_case(subject=f"c{i}")
        services.case_assign(case=case, agent=agent, actor=agent)
    with django_assert_num_queries(len(first.captured_queries)) as full:
        agent_client.get(CHANGELIST + "?mine=me&q=c")
    # The rows read only the columns the queue shows, not the long texts, and no count.
    page_query = full.captured_queries[-1]["sql"].split(" FROM ")[0]
    assert '"cases_case"."subject"' in page_query
    assert '"cases_case"."description"' not in page_query
    assert not any("COUNT(" in q["sql"] for q in full.captured_queries)


def test_the_case_page_shows_the_timeline_with_internal_notes(agent_client, case_a, agent):
    services.case_add_note(case=case_a, author=agent, body="staff eyes only")
    tree = page(agent_client.get(reverse("admin:cases_case_change", args=[case_a.pk])))
    timeline = one(tree, "ol.case-timeline")
    assert "staff eyes only" in text(select(timeline, "li.internal")[-1])
    assert "propose" in offered_actions(tree)


def test_actions_call_the_services(agent_client, agent, case_a, customer_a):
    act(agent_client, case_a, "assign_to_me")
    act(agent_client, case_a, "reply", body="Hello from the admin")
    act(agent_client, case_a, "propose", body="Fixed")
    case_a.refresh_from_db()
    assert case_a.assigned_agent == agent
    assert case_a.status == Status.RESOLUTION_PROPOSED
    assert "Hello from the admin" in mail.outbox[0].body
    response = act(
        agent_client,
        case_a,
        "record_agreement",
        customer_name="Alice",
        # The minute of the proposal, on the agent's clock.
        agreed_at=timezone.localtime(timezone=zoneinfo.ZoneInfo(agent.time_zone)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        method="phone",
    )
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLVED
    agreement = select(one(response, "div.case-panel"), "li")
    assert any("Alice" in text(li) for li in agreement)


def test_a_refused_action_shows_the_sentence(agent_client, case_a):
    response = act(agent_client, case_a, "close")
    assert any("cannot become" in m for m in messages_of(response))


def test_a_refused_reply_keeps_what_the_agent_typed(agent_client, case_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    tool = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = act(
        agent_client, case_a, "reply", body="A long answer & <details>", attachments=[tool]
    )
    assert any("“tool.exe” is not a file type we accept" in m for m in messages_of(response))
    reply = one(response, "details[data-action=reply]")
    assert reply.get("open") == ""  # open, to show what was typed
    assert text(reply, "textarea[name=reply-body]") == "A long answer & <details>"
    assert not case_a.messages.exists()
    # Typed text waits for one page only.
    reply = one(
        agent_client.get(reverse("admin:cases_case_change", args=[case_a.pk])),
        "details[data-action=reply]",
    )
    assert reply.get("open") is None
    assert text(reply, "textarea[name=reply-body]") == ""


def test_an_agreement_dated_in_year_one_is_refused_with_a_sentence(agent_client, case_a, agent):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    response = act(
        agent_client,
        case_a,
        "record_agreement",
        customer_name="Alice",
        agreed_at="0001-01-01T00:00",
        method="phone",
    )
    assert response.status_code == 200
    assert any("Give a date in 2000 or later." in m for m in messages_of(response))
    name = attr(response, "input[name=record_agreement-customer_name]", "value")
    assert name == "Alice"  # the name typed is kept
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLUTION_PROPOSED


def test_reclassify_from_the_admin_tells_the_customer(agent_client, case_a):
    act(agent_client, case_a, "reclassify", severity="critical", reason="All SMTP fails")
    case_a.refresh_from_db()
    assert case_a.severity == "critical"
    (to_customer,) = [m for m in mail.outbox if m.to == [case_a.requester.email]]
    assert "All SMTP fails" in to_customer.body


def test_a_bad_action_form_names_the_field(agent_client, case_a):
    response = act(agent_client, case_a, "reclassify", severity="critical", reason="")
    assert any(m.startswith("Reason (the customer is told):") for m in messages_of(response))


def test_only_the_moves_the_status_allows_are_offered(agent_client, case_a, agent):
    url = reverse("admin:cases_case_change", args=[case_a.pk])
    actions = offered_actions(page(agent_client.get(url)))
    assert "propose" in actions and "close" not in actions
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    actions = offered_actions(page(agent_client.get(url)))
    assert "record_agreement" in actions and "propose" not in actions


def test_an_agent_attaches_a_file_to_a_reply_and_the_customer_downloads_it(
    agent_client, client_a, case_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agent_client.post(
        reverse("admin:cases_case_act", args=[case_a.pk, "reply"]),
        {
            "reply-body": "See the attached log",
            "reply-attachments": [SimpleUploadedFile("fix.txt", b"patched", "text/plain")],
        },
    )
    attachment = case_a.attachments.get()
    url = reverse("cases:attachment", args=[case_a.reference, attachment.pk])
    assert b"".join(client_a.get(url).streaming_content) == b"patched"


def test_the_queue_gives_its_columns_the_width_of_the_page(agent_client, case_a):
    queue = agent_client.get(CHANGELIST)
    other = page(agent_client.get(reverse("admin:cases_hotlinecall_changelist")))
    absent(queue, "#nav-sidebar")
    assert [row["ref"] for row in queue_rows(queue)] == [case_a.reference]
    assert one(other, "nav#nav-sidebar") is not None


def test_an_agreed_update_is_the_next_deadline_of_an_answered_critical_case(
    agent_client, agent, file_case
):
    waiting = file_case(subject="non-critical")  # first response due 14:00
    critical = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    services.case_reply(case=critical, author=agent, body="On it.", now=NOW + timedelta(minutes=5))
    # The policy's 60-minute update interval runs from that reply: due 11:05.
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        first, second = queue_rows(agent_client.get(CHANGELIST))
    assert [first["ref"], second["ref"]] == [critical.reference, waiting.reference]
    assert first["deadline"].endswith("next update") and first["due"] == ["soon"]  # within the hour
    with time_machine.travel(NOW + timedelta(minutes=70), tick=False):
        assert references(agent_client, "?due=overdue") == [critical.reference]


def test_a_hotline_callback_still_to_make_leads_the_queue_until_it_is_made(
    agent_client, agent, file_case, record_call
):
    waiting = file_case(subject="non-critical")  # first response due 14:00
    burning = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    services.case_reply(case=burning, author=agent, body="On it.", now=NOW)  # update due 11:00
    call = record_call(case=burning, now=NOW + timedelta(minutes=2))
    burning.refresh_from_db()
    assert burning.callback_due_at == NOW + timedelta(minutes=17)

    def first_row():
        with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
            rows = queue_rows(agent_client.get(CHANGELIST))
        assert [row["ref"] for row in rows] == [burning.reference, waiting.reference]
        return rows[0]

    assert first_row()["deadline"].endswith("hotline callback")
    services.callback_log_attempt(
        call=call, agent=agent, outcome="reached", at=NOW + timedelta(minutes=4)
    )
    burning.refresh_from_db()
    assert burning.callback_due_at is None
    assert first_row()["deadline"].endswith("next update")


def test_the_stored_next_deadline_follows_the_case_through_its_states(
    agent, file_case, record_call
):
    def next_due(case):
        case.refresh_from_db()
        return case.next_due_at

    case = file_case(subject="non-critical")
    assert next_due(case) == case.first_response_due_at
    services.case_set_status(case=case, status=Status.WAITING_ON_CUSTOMER, actor=agent)
    assert next_due(case) is None  # paused while the customer is asked
    burning = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    assert next_due(burning) == NOW + timedelta(minutes=15)  # first response before update
    services.case_reply(case=burning, author=agent, body="On it.", now=NOW + timedelta(minutes=5))
    assert next_due(burning) == NOW + timedelta(minutes=65)  # the agreed update
    record_call(case=burning, now=NOW + timedelta(minutes=10))
    assert next_due(burning) == NOW + timedelta(minutes=25)  # the callback comes first
    services.case_provide_workaround(
        case=burning, actor=agent, body="Use the EU endpoint.", now=NOW + timedelta(minutes=12)
    )
    assert next_due(burning) == NOW + timedelta(minutes=25)  # the callback is still owed
    services.case_propose_resolution(
        case=burning, actor=agent, summary="Fixed.", now=NOW + timedelta(minutes=13)
    )
    assert next_due(burning) == NOW + timedelta(minutes=25)  # the update clock waits
    services.case_record_agreement(
        case=burning,
        actor=agent,
        customer_name="Anna",
        agreed_at=NOW + timedelta(minutes=14),
        method="phone",
    )
    assert next_due(burning) is None  # resolved: nothing is due any more


def test_the_call_list_links_each_call_to_its_case_and_marks_its_callback(
    agent_client, agent, file_case, record_call
):

    burning = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    call = record_call(case=burning, now=NOW)  # callback due 10:15
    record_call(now=NOW)  # no case linked yet
    calls = reverse("admin:cases_hotlinecall_changelist")

    def cells(column):
        with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
            tree = page(agent_client.get(calls))
        return select(one(tree, "table#result_list"), f".field-{column}")

    links = [select(cell, "a") for cell in cells("case_link")]
    assert sorted(len(found) for found in links) == [0, 1]
    (link,) = next(found for found in links if found)
    assert link.get("href") == reverse("admin:cases_case_change", args=[burning.pk])
    assert text(link) == burning.reference
    overdue = [select(cell, "strong.overdue") for cell in cells("callback")]
    assert all(len(found) == 1 for found in overdue)
    assert text(overdue[0][0]).startswith("OVERDUE ")
    services.callback_log_attempt(
        call=call, agent=agent, outcome="reached", at=NOW + timedelta(minutes=10)
    )
    met = [e for cell in cells("callback") for e in select(cell, "span.callback-met")]
    assert len(met) == 1 and text(met[0]).startswith("called back at ")


def test_escalated_cases_carry_a_badge_and_have_a_filter(agent_client, file_case, customer_a):
    quiet = file_case(subject="quiet")
    loud = file_case(subject="loud")
    services.case_escalate(case=loud, customer=customer_a, reason="Too slow")
    rows = {row["ref"]: row for row in queue_rows(agent_client.get(CHANGELIST))}
    assert "escalated" in rows[loud.reference]["severity"]
    assert "escalated" not in rows[quiet.reference]["severity"]
    assert references(agent_client, "?flag=escalated") == [loud.reference]
