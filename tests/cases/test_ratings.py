"""After a resolution by mutual agreement the customer rates it, 1 to 5 with a comment,
from the case page or from the mail that confirms it; a low score tells the account's
TAM; the rating is on the staff's case page and in the SLA report."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from cases import services, sla_report
from cases.models import CaseEvent, ResolutionRating
from tests.factories import ContactFactory, StaffFactory

from ..html import absent, one, page, select, text
from .test_staff_scope import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(case_a, agent, customer_a):
    """Case A, resolved by the customer's agreement to the agent's proposal."""
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed the retries")
    services.case_accept_resolution(case=case_a, customer=customer_a)
    case_a.refresh_from_db()
    return case_a


def detail(case) -> str:
    return reverse("cases:detail", args=[case.reference])


def rate(client, case, **data):
    return client.post(reverse("cases:rate", args=[case.reference]), data)


def tam_mails(tam):
    return [m for m in mail.outbox if m.to == [tam.email]]


def test_the_customer_rates_a_resolution_from_the_case_page(client_a, resolved, customer_a):
    form = one(page(client_a.get(detail(resolved))), "[data-testid=rating] form")
    assert form.get("action") == reverse("cases:rate", args=[resolved.reference])
    response = rate(client_a, resolved, score="4", comment="Quick and clear")
    assert response.status_code == 302
    rating = ResolutionRating.objects.get(case=resolved)
    assert (rating.score, rating.comment, rating.rated_by) == (4, "Quick and clear", customer_a)
    event = CaseEvent.objects.get(case=resolved, kind=CaseEvent.Kind.RESOLUTION_RATED)
    assert event.data["score"] == 4 and event.actor == customer_a and not event.public
    assert event.detail == "4/5 · Quick and clear"
    shown = text(page(client_a.get(detail(resolved))), "[data-testid=rating-given]")
    assert "4/5" in shown


def test_the_mail_that_confirms_the_resolution_links_to_the_form_with_the_score_chosen(
    client_a, case_a, agent, customer_a
):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    mail.outbox.clear()
    services.case_accept_resolution(case=case_a, customer=customer_a)
    [confirmation] = [m for m in mail.outbox if m.to == [customer_a.email]]
    links = re.findall(r"(http\S+\?rate=(\d)#rating)", confirmation.body)
    assert [score for _link, score in links] == ["1", "2", "3", "4", "5"]
    html = confirmation.alternatives[0][0]
    assert html.count("?rate=") == 5
    path = links[1][0].split("8000", 1)[-1].split("#")[0]
    # Following the link shows the form with 2 chosen and rates nothing: only a POST does.
    tree = page(client_a.get(path))
    checked = select(tree, "[data-testid=rating] input[name=score][checked]")
    assert [e.get("value") for e in checked] == ["2"]
    assert not ResolutionRating.objects.exists()


def test_a_low_rating_mails_the_tam_in_the_tam_s_language(client_a, resolved, tam_a):
    tam_a.language = "nl"
    tam_a.save()
    mail.outbox.clear()
    rate(client_a, resolved, score="1", comment="Took a week")
    [alert] = tam_mails(tam_a)
    assert resolved.reference in alert.subject and "1/5" in alert.subject
    assert "klant" in alert.subject  # Dutch
    assert "Took a week" in alert.body


def test_a_good_rating_and_a_low_one_changed_tell_the_tam_once(client_a, resolved, tam_a):
    mail.outbox.clear()
    rate(client_a, resolved, score="5")
    assert tam_mails(tam_a) == []
    rate(client_a, resolved, score="2")
    rate(client_a, resolved, score="1")
    assert len(tam_mails(tam_a)) == 1


def test_the_rater_may_change_the_rating_for_seven_days_then_it_stays(client_a, resolved):
    rate(client_a, resolved, score="3")
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        assert rate(client_a, resolved, score="5").status_code == 302
    assert ResolutionRating.objects.get().score == 5
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        tree = page(client_a.get(detail(resolved)))
        absent(tree, "[data-testid=rating] form")
        response = rate(client_a, resolved, score="1")
    assert response.status_code == 409
    assert "can be changed for 7 days" in response.content.decode()
    assert ResolutionRating.objects.get().score == 5


def test_a_follower_sees_the_rating_but_cannot_change_it(client_a, resolved, account_a):
    rate(client_a, resolved, score="4")
    colleague = ContactFactory(account=account_a, user__email="carol@alpha.example").user
    resolved.followers.add(colleague)
    client = signed_in(colleague)
    tree = page(client.get(detail(resolved)))
    assert "4/5" in text(tree, "[data-testid=rating-given]")
    absent(tree, "[data-testid=rating] form")
    response = rate(client, resolved, score="1")
    assert response.status_code == 409
    assert "rated already" in response.content.decode()
    assert ResolutionRating.objects.get().score == 4


def test_a_contact_not_on_the_case_is_not_offered_the_form_and_cannot_rate(resolved, account_a):
    colleague = ContactFactory(account=account_a, user__email="carol@alpha.example").user
    client = signed_in(colleague)
    absent(page(client.get(detail(resolved) + "?rate=1")), "[data-testid=rating]")
    response = rate(client, resolved, score="1")
    assert response.status_code == 403
    assert "rated by its requester, its followers" in response.content.decode()
    assert not ResolutionRating.objects.exists()


def test_a_follower_and_the_contact_who_agreed_may_rate(
    case_a, agent, account_a, django_capture_on_commit_callbacks
):
    follower = ContactFactory(account=account_a, user__email="carol@alpha.example").user
    case_a.followers.add(follower)
    agreed = ContactFactory(account=account_a, user__email="erin@alpha.example").user
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    services.case_accept_resolution(case=case_a, customer=agreed)
    one(page(signed_in(agreed).get(detail(case_a))), "[data-testid=rating] form")
    one(page(signed_in(follower).get(detail(case_a))), "[data-testid=rating] form")
    assert rate(signed_in(agreed), case_a, score="4").status_code == 302
    assert ResolutionRating.objects.get().rated_by == agreed


def test_a_low_rating_on_an_account_whose_tam_left_mails_the_support_managers(
    client_a, resolved, manager, tam_a
):
    tam_a.is_active = False
    tam_a.save()
    mail.outbox.clear()
    rate(client_a, resolved, score="1", comment="Took a week")
    [alert] = [m for m in mail.outbox if m.to == [manager.email]]
    assert resolved.reference in alert.subject and "1/5" in alert.subject
    assert "Took a week" in alert.body
    assert tam_mails(tam_a) == []


def test_another_account_s_case_cannot_be_rated_or_seen(client_b, resolved):
    assert rate(client_b, resolved, score="1").status_code == 404
    assert client_b.get(detail(resolved) + "?rate=1").status_code == 404
    missing = reverse("cases:rate", args=["EE-999999"])
    assert client_b.post(missing, {"score": "1"}).status_code == 404
    assert not ResolutionRating.objects.exists()


def test_a_case_not_resolved_by_agreement_cannot_be_rated(client_a, file_case, agent):
    original, duplicate = file_case(), file_case()
    absent(page(client_a.get(detail(original) + "?rate=5")), "[data-testid=rating]")
    response = rate(client_a, original, score="5")
    assert response.status_code == 409
    assert "not resolved by mutual agreement" in response.content.decode()
    # Closed by staff as a duplicate: closed, never agreed.
    services.case_merge_duplicate(case=duplicate, original=original, actor=agent)
    assert (
        "not resolved by mutual agreement" in rate(client_a, duplicate, score="5").content.decode()
    )
    assert not ResolutionRating.objects.exists()


def test_a_resolved_case_closed_since_can_still_be_rated(client_a, resolved, agent):
    services.case_close(case=resolved, actor=agent)
    assert rate(client_a, resolved, score="5").status_code == 302
    assert ResolutionRating.objects.get().score == 5


def test_a_reopened_case_cannot_be_rated_until_resolved_again(client_a, resolved, agent):
    services.case_reopen(case=resolved, actor=agent, reason="Came back")
    assert rate(client_a, resolved, score="5").status_code == 409
    assert not ResolutionRating.objects.exists()


def test_staff_cannot_rate(agent_client, resolved):
    response = rate(agent_client, resolved, score="1")
    assert response.status_code == 200  # the notice that customer pages are for customers
    assert not ResolutionRating.objects.exists()


@pytest.mark.parametrize(
    ("data", "sentence"),
    [
        ({"score": "9"}, "Select a valid choice"),
        ({"score": ""}, "Choose a score from 1 to 5."),
        ({"score": "3", "comment": "x" * 2001}, "At most 2,000 characters"),
    ],
)
def test_bad_input_names_the_field_and_why(client_a, resolved, data, sentence):
    response = rate(client_a, resolved, **data)
    assert response.status_code == 400
    assert sentence in text(page(response), "[data-testid=rating]")
    assert not ResolutionRating.objects.exists()


def test_a_get_never_rates(client_a, resolved):
    assert client_a.get(reverse("cases:rate", args=[resolved.reference])).status_code == 405
    assert not ResolutionRating.objects.exists()


def test_the_rating_is_on_the_staff_case_page(agent_client, agent, client_a, resolved):
    rate(client_a, resolved, score="2", comment="Slow")
    response = agent_client.get(reverse("admin:cases_case_change", args=[resolved.pk]))
    shown = text(page(response), "[data-testid=rating]")
    assert "2/5" in shown and "Slow" in shown and agent.full_name in shown


def test_a_rated_case_page_reads_the_rating_in_one_query(
    client_a, resolved, django_assert_num_queries
):
    client_a.get(detail(resolved))  # the timeline rendered and kept
    with CaptureQueriesContext(connection) as unrated:
        client_a.get(detail(resolved))
    unrated_count = len(unrated.captured_queries)  # before the next request resets the log
    rate(client_a, resolved, score="4")
    client_a.get(detail(resolved))
    # The rating with its rater, read only for a case that has one.
    with django_assert_num_queries(unrated_count + 1):
        assert "4/5" in client_a.get(detail(resolved)).content.decode()


def test_the_sla_report_gives_the_average_and_count_per_account_and_agent(
    resolved, client, client_a, client_b, case_b, customer_b, agent, manager, tam_b
):
    services.case_propose_resolution(case=case_b, actor=agent, summary="Answered")
    services.case_accept_resolution(case=case_b, customer=customer_b)
    rate(client_a, resolved, score="2")
    rate(client_b, case_b, score="5")
    month = f"?month={timezone.now():%Y-%m}"
    client.force_login(manager)
    tree = page(client.get(reverse("admin:cases_sla_report") + month))
    by_account = [text(tr) for tr in select(tree, "[data-testid=ratings-account] tbody tr")]
    assert by_account == ["Alpha Mail BV 1 2.00 1", "Bravo Sending Ltd 1 5.00 0"]
    by_agent = [text(tr) for tr in select(tree, "[data-testid=ratings-agent] tbody tr")]
    assert by_agent == [f"{agent.full_name} 2 3.50 1"]
    # A TAM's report covers their own accounts only.
    client.force_login(tam_b)
    tree = page(client.get(reverse("admin:cases_sla_report") + month))
    assert [text(tr) for tr in select(tree, "[data-testid=ratings-account] tbody tr")] == [
        "Bravo Sending Ltd 1 5.00 0"
    ]


def test_the_sla_report_reads_the_ratings_in_one_query_whatever_their_number(
    file_case, client, client_a, agent, customer_a, manager, django_assert_num_queries
):
    url = reverse("admin:cases_sla_report") + f"?month={timezone.now():%Y-%m}"
    client.force_login(manager)

    def rated_case(score):
        case = file_case()
        services.case_propose_resolution(case=case, actor=agent, summary="Done")
        services.case_accept_resolution(case=case, customer=customer_a)
        rate(client_a, case, score=str(score))

    rated_case(4)
    client.get(url)  # warm caches (content types, the SLA policy's first read)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    count = len(one.captured_queries)  # before the next request resets the log
    for score in (1, 3, 5):
        rated_case(score)
    with django_assert_num_queries(count):
        response = client.get(url)
    assert "4 3.25 1" in text(page(response), "[data-testid=ratings-account]")


def test_rating_rows_count_average_and_low_scores():
    ratings = [
        {"account_id": 2, "account": "B", "agent_id": 7, "agent": "x", "score": 1},
        {"account_id": 1, "account": "A", "agent_id": 7, "agent": "x", "score": 4},
        {"account_id": 1, "account": "A", "agent_id": 8, "agent": "y", "score": 5},
        # Another agent of the same name: a row of their own.
        {"account_id": 1, "account": "A", "agent_id": 9, "agent": "x", "score": 2},
    ]
    assert sla_report.rating_rows(ratings, "account") == [
        sla_report.RatingRow("A", 3, 3.67, 1),
        sla_report.RatingRow("B", 1, 1.0, 1),
    ]
    assert sla_report.rating_rows(ratings, "agent") == [
        sla_report.RatingRow("x", 2, 2.5, 1),
        sla_report.RatingRow("x", 1, 2.0, 1),
        sla_report.RatingRow("y", 1, 5.0, 0),
    ]
    assert sla_report.rating_rows([], "agent") == []


def test_the_sla_report_keeps_two_agents_of_the_same_name_apart(
    file_case, client, client_a, agent, customer_a, manager
):
    namesake = StaffFactory(
        email="agent2@example.com", full_name=agent.full_name, role=roles.SUPPORT_AGENTS
    )
    for proposer, score in ((agent, 1), (namesake, 5)):
        case = file_case()
        services.case_propose_resolution(case=case, actor=proposer, summary="Done")
        services.case_accept_resolution(case=case, customer=customer_a)
        assert rate(client_a, case, score=str(score)).status_code == 302
    client.force_login(manager)
    url = reverse("admin:cases_sla_report") + f"?month={timezone.now():%Y-%m}"
    tree = page(client.get(url))
    by_agent = [text(tr) for tr in select(tree, "[data-testid=ratings-agent] tbody tr")]
    assert sorted(by_agent) == [f"{agent.full_name} 1 1.00 1", f"{agent.full_name} 1 5.00 0"]
