"""The agents' queue and case page in the admin."""

import zoneinfo
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Status

from .conftest import NOW

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:cases_case_changelist")


def act(client, case, action, **data):
    return client.post(
        reverse("admin:cases_case_act", args=[case.pk, action]),
        {f"{action}-{k}": v for k, v in data.items()},
        follow=True,
    )


def test_the_queue_puts_the_nearest_deadline_first(agent_client, file_case):
    later = file_case(subject="non-critical")  # due 14:00
    sooner = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    with time_machine.travel(NOW, tick=False):
        page = agent_client.get(CHANGELIST).content.decode()
    assert page.index(sooner.reference) < page.index(later.reference)


def test_overdue_and_due_soon_are_marked(agent_client, file_case):
    file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert 'data-due="soon"' in agent_client.get(CHANGELIST).content.decode()
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        assert 'data-due="overdue"' in agent_client.get(CHANGELIST).content.decode()


def test_filters_mine_my_accounts_and_due_within_the_hour(agent_client, agent, file_case, case_b):
    mine = file_case(subject="mine")
    services.case_assign(case=mine, agent=agent, actor=agent)
    critical = file_case(subject="burning", api_all_failing=True, api_failure_cause="server")
    page = agent_client.get(CHANGELIST + "?mine=me").content.decode()
    assert mine.reference in page and critical.reference not in page
    with time_machine.travel(NOW, tick=False):
        page = agent_client.get(CHANGELIST + "?due=hour").content.decode()
    assert critical.reference in page and mine.reference not in page


def test_a_tam_filters_on_their_own_accounts(tam_a, case_a, case_b, client):
    client.force_login(tam_a)
    page = client.get(CHANGELIST + "?tam=me").content.decode()
    assert case_a.reference in page and case_b.reference not in page


def test_search_by_reference_subject_or_company(agent_client, case_a, case_b):
    for term in (case_a.reference, "Webhooks", "Alpha Mail"):
        page = agent_client.get(CHANGELIST, {"q": term}).content.decode()
        assert case_a.reference in page and case_b.reference not in page


@pytest.mark.parametrize("query", ["", "?mine=none&o=3", "?q=%3Cb%3E", "?q=__case__"])
def test_queue_rows_are_the_markup_the_admin_itself_gives(
    agent_client, agent, file_case, case_b, query
):
    from django.contrib.admin.templatetags.admin_list import items_for_result

    from cases.templatetags.case_queue import case_queue_results

    assigned = file_case(
        subject="<b>Bold & loud</b>", api_all_failing=True, api_failure_cause="server"
    )
    services.case_assign(case=assigned, agent=agent, actor=agent)
    file_case(subject="<b>unassigned</b> __case__")
    waiting = file_case(subject="<b>waiting</b>")
    services.case_set_status(case=waiting, status=Status.WAITING_ON_CUSTOMER, actor=agent)
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        response = agent_client.get(CHANGELIST + query)
        cl = response.context_data["cl"]
        with timezone.override(zoneinfo.ZoneInfo(agent.time_zone)):  # as in the request
            ours = case_queue_results(cl)["results"]
            admins = [list(items_for_result(cl, case, None)) for case in cl.result_list]
    assert len(ours) == len(cl.result_list) >= 1
    assert ours == admins
    page = response.content.decode()
    assert all(cell in page for row in ours for cell in row)
    assert "<b>Bold" not in page and "&lt;b&gt;" in page


def test_the_queue_runs_a_fixed_number_of_queries(
    agent_client, file_case, agent, django_assert_num_queries
):
    file_case()
    agent_client.get(CHANGELIST)  # warm caches (content types)
    # session, user, permissions (own and groups), count, the page of cases
    with django_assert_num_queries(5) as first:
        agent_client.get(CHANGELIST)
    for i in range(20):
        case = file_case(subject=f"c{i}")
        services.case_assign(case=case, agent=agent, actor=agent)
    with django_assert_num_queries(len(first.captured_queries)) as full:
        agent_client.get(CHANGELIST)
    # The rows read only the columns the queue shows, not the long texts.
    page_query = full.captured_queries[-1]["sql"]
    assert '"cases_case"."subject"' in page_query
    assert '"cases_case"."description"' not in page_query


def test_the_case_page_shows_the_timeline_with_internal_notes(agent_client, case_a, agent):
    services.case_add_note(case=case_a, author=agent, body="staff eyes only")
    page = agent_client.get(reverse("admin:cases_case_change", args=[case_a.pk])).content.decode()
    assert "staff eyes only" in page
    assert 'data-action="propose"' in page


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
    assert "Alice" in response.content.decode()


def test_a_refused_action_shows_the_sentence(agent_client, case_a):
    response = act(agent_client, case_a, "close")
    assert "cannot become" in response.content.decode()


def test_a_refused_reply_keeps_what_the_agent_typed(agent_client, case_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    tool = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = act(
        agent_client, case_a, "reply", body="A long answer & <details>", attachments=[tool]
    )
    page = response.content.decode()
    assert "“tool.exe” is not a file type we accept" in page
    assert '<details data-action="reply" open>' in page
    assert ">\nA long answer &amp; &lt;details&gt;</textarea>" in page
    assert not case_a.messages.exists()
    # Typed text waits for one page only.
    page = agent_client.get(reverse("admin:cases_case_change", args=[case_a.pk])).content.decode()
    assert "A long answer" not in page


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
    page = response.content.decode()
    assert "Give a date in 2000 or later." in page
    assert 'value="Alice"' in page  # the name typed is kept
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLUTION_PROPOSED


def test_reclassify_from_the_admin_tells_the_customer(agent_client, case_a):
    act(agent_client, case_a, "reclassify", severity="critical", reason="All SMTP fails")
    case_a.refresh_from_db()
    assert case_a.severity == "critical"
    assert "All SMTP fails" in mail.outbox[-1].body


def test_a_bad_action_form_names_the_field(agent_client, case_a):
    response = act(agent_client, case_a, "reclassify", severity="critical", reason="")
    assert "Reason (the customer is told)" in response.content.decode()


def test_only_the_moves_the_status_allows_are_offered(agent_client, case_a, agent):
    url = reverse("admin:cases_case_change", args=[case_a.pk])
    page = agent_client.get(url).content.decode()
    assert 'data-action="propose"' in page and 'data-action="close"' not in page
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    page = agent_client.get(url).content.decode()
    assert 'data-action="record_agreement"' in page and 'data-action="propose"' not in page


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
    queue = agent_client.get(CHANGELIST).content.decode()
    other = agent_client.get(reverse("admin:cases_hotlinecall_changelist")).content.decode()
    assert 'id="nav-sidebar"' not in queue and case_a.reference in queue
    assert 'id="nav-sidebar"' in other


def test_an_agreed_update_is_the_next_deadline_of_an_answered_critical_case(
    agent_client, agent, file_case
):
    waiting = file_case(subject="non-critical")  # first response due 14:00
    critical = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    services.case_reply(case=critical, author=agent, body="On it.", now=NOW + timedelta(minutes=5))
    # The policy's 60-minute update interval runs from that reply: due 11:05.
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        page = agent_client.get(CHANGELIST).content.decode()
    assert page.index(critical.reference) < page.index(waiting.reference)
    row = page[page.index(critical.reference) : page.index("</tr>", page.index(critical.reference))]
    assert "next update" in row and 'data-due="soon"' in row  # within the hour
    with time_machine.travel(NOW + timedelta(minutes=70), tick=False):
        overdue = agent_client.get(CHANGELIST + "?due=overdue").content.decode()
    assert critical.reference in overdue and waiting.reference not in overdue


def test_a_hotline_callback_still_to_make_leads_the_queue_until_it_is_made(
    agent_client, agent, file_case, record_call
):
    from cases import critical

    waiting = file_case(subject="non-critical")  # first response due 14:00
    burning = file_case(subject="critical", api_all_failing=True, api_failure_cause="server")
    services.case_reply(case=burning, author=agent, body="On it.", now=NOW)  # update due 11:00
    call = record_call(case=burning, now=NOW + timedelta(minutes=2))
    burning.refresh_from_db()
    assert burning.callback_due_at == NOW + timedelta(minutes=17)

    def row_of(case):
        with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
            page = agent_client.get(CHANGELIST).content.decode()
        start = page.index(case.reference)
        assert start < page.index(waiting.reference)
        return page[start : page.index("</tr>", start)]

    assert "hotline callback" in row_of(burning)
    critical.callback_log_attempt(
        call=call, agent=agent, outcome="reached", at=NOW + timedelta(minutes=4)
    )
    burning.refresh_from_db()
    assert burning.callback_due_at is None
    assert "next update" in row_of(burning)


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
