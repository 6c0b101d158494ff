"""Staff search the queue by the words of a case and of its messages: full text on
PostgreSQL (its GIN indexes, websearch syntax, best matches first), every word on
SQLite; internal notes only for those who may read them."""

import pytest
from django.db import connection

from cases import services

from .conftest import NOW
from .test_admin import CHANGELIST, references
from .test_staff_scope import signed_in

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search and its GIN indexes are PostgreSQL's",
)


@pytest.fixture
def talking_cases(file_case, agent, customer_a):
    """Three cases: one says 'greylisting' in its description, one in a public reply,
    one only in an internal note; a fourth says nothing of the kind."""
    described = file_case(
        subject="Slow delivery", description="Greylisting at the mailbox provider"
    )
    replied = file_case(subject="Deferred mail", description="Deferrals since Monday")
    services.case_customer_reply(
        case=replied, author=customer_a, body="The log says greylisting 451", now=NOW
    )
    noted = file_case(subject="Quiet case", description="Nothing much")
    services.case_add_note(case=noted, author=agent, body="Probably greylisting again", now=NOW)
    other = file_case(subject="Webhooks arrive twice", description="Each bounce twice")
    return described, replied, noted, other


def found(client, query, extra="&open=all") -> set[str]:
    return set(references(client, f"?q={query}{extra}"))


def test_an_agent_finds_cases_by_their_description_replies_and_internal_notes(
    agent_client, talking_cases
):
    described, replied, noted, _other = talking_cases
    assert found(agent_client, "greylisting") == {
        described.reference,
        replied.reference,
        noted.reference,
    }
    assert found(agent_client, "greylisting 451") == {replied.reference}


def test_the_hotline_role_does_not_find_a_case_by_its_internal_note(representative, talking_cases):
    described, replied, _noted, _other = talking_cases
    assert found(signed_in(representative), "greylisting") == {
        described.reference,
        replied.reference,
    }


def test_the_reference_and_company_still_find_a_case(agent_client, talking_cases, case_b):
    described = talking_cases[0]
    assert found(agent_client, described.reference) == {described.reference}
    assert found(agent_client, "Bravo") == {case_b.reference}


def test_search_keeps_the_queue_s_filters(tam_a, tam_b, talking_cases, case_b, customer_b):
    services.case_customer_reply(
        case=case_b, author=customer_b, body="greylisting here too", now=NOW
    )
    # Oversight: every TAM reads every case, and "my accounts" narrows the search too.
    assert case_b.reference in found(signed_in(tam_a), "greylisting")
    assert found(signed_in(tam_b), "greylisting", "&open=all&tam=me") == {case_b.reference}


def test_a_customer_cannot_search_the_queue(client_a, talking_cases):
    response = client_a.get(CHANGELIST + "?q=greylisting")
    assert response.status_code == 302
    assert "greylisting" not in response.content.decode().lower()


@pytest.mark.parametrize("query", ['"unclosed', "-", "or or", "!!!", "a" * 5000, "é\u0000x"])
def test_odd_queries_show_the_queue_not_an_error(agent_client, talking_cases, query):
    response = agent_client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200


def test_a_search_over_many_messages_runs_a_fixed_number_of_queries(
    agent_client, file_case, agent, customer_a, django_assert_num_queries
):
    first = file_case(subject="one")
    services.case_customer_reply(case=first, author=customer_a, body="bounce storm", now=NOW)
    agent_client.get(CHANGELIST + "?q=storm")  # warm caches (content types)
    with django_assert_num_queries(5) as one:
        agent_client.get(CHANGELIST + "?q=storm")
    for i in range(15):
        case = file_case(subject=f"c{i}")
        services.case_customer_reply(case=case, author=customer_a, body="bounce storm", now=NOW)
        services.case_add_note(case=case, author=agent, body="storm again", now=NOW)
    with django_assert_num_queries(len(one.captured_queries)):
        response = agent_client.get(CHANGELIST + "?q=storm")
    assert len(references(agent_client, "?q=storm")) == 16
    assert response.status_code == 200


@postgresql_only
def test_websearch_syntax_phrases_exclusions_and_or(agent_client, talking_cases):
    described, replied, noted, other = talking_cases
    assert found(agent_client, '"mailbox provider"') == {described.reference}
    assert found(agent_client, '"provider mailbox"') == set()
    assert found(agent_client, "greylisting -451") == {described.reference, noted.reference}
    assert found(agent_client, "bounce or deferrals") == {other.reference, replied.reference}


@postgresql_only
def test_the_case_s_own_words_rank_before_a_match_in_its_messages(
    agent_client, file_case, customer_a
):
    by_message = file_case(subject="First filed", description="Nothing to see")
    services.case_customer_reply(case=by_message, author=customer_a, body="tarpit", now=NOW)
    by_subject = file_case(subject="Tarpit at a provider", description="tarpit everywhere")
    # Without a search the newest (the same deadline: filed at the same moment) is first
    # by id; the search puts the case about it first whatever the default order.
    assert references(agent_client, "?q=tarpit&open=all") == [
        by_subject.reference,
        by_message.reference,
    ]


@postgresql_only
def test_the_search_uses_the_gin_indexes(agent_client, talking_cases):
    from cases.models import Case
    from cases.staff_search import staff_searched

    cases = staff_searched(Case.objects.all(), "greylisting", internal_notes=True)
    with connection.cursor() as cursor:
        # Few rows: a sequential scan would win; the indexes must still be usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = cases.explain()
    assert "case_search" in plan
    assert "case_message_search" in plan


def test_a_bare_number_or_part_of_a_reference_finds_the_case(agent_client, talking_cases):
    described = talking_cases[0]
    number = described.reference.rsplit("-", 1)[-1]  # "000123"
    assert found(agent_client, number) == {described.reference}
    assert found(agent_client, number.lstrip("0")) >= {described.reference}
    assert found(agent_client, described.reference.lower()) == {described.reference}


def test_reference_terms_are_the_words_that_look_like_one():
    from cases.staff_search import reference_terms

    assert reference_terms('EE-000123 123 greylisting "a b" x-1 -451') == [
        "EE-000123",
        "123",
        "x-1",
    ]
