"""Customers search and filter their case list by its address: words of the case and its
public messages, status, severity and the days it was opened, in their own time zone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, Status
from tests.factories import open_case
from tests.html import Page

from .conftest import NOW

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


def _search(client, **params) -> Page:
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return Page(response)


def _listed(page: Page) -> list[str]:
    return page.texts("table.case-table tbody td:first-child a")


def test_words_of_the_subject_description_and_public_messages_find_the_case(
    client_a, file_case, agent
):
    bounce = file_case(subject="Bounces counted twice", description="Since Monday.")
    described = file_case(subject="Other", description="The webhook signature fails.")
    replied = file_case(subject="Quiet", description="Nothing here.")
    services.case_reply(case=replied, author=agent, body="The DKIM selector rotated.")
    file_case(subject="Unrelated", description="Nothing at all.")

    assert _listed(_search(client_a, q="bounces")) == [bounce.reference]
    assert _listed(_search(client_a, q="WEBHOOK signature")) == [described.reference]
    assert _listed(_search(client_a, q="dkim")) == [replied.reference]
    assert _listed(_search(client_a, q=replied.reference)) == [replied.reference]
    # Every word must be found, each anywhere in the case.
    assert _listed(_search(client_a, q="quiet rotated")) == [replied.reference]
    assert _listed(_search(client_a, q="bounces rotated")) == []


def test_another_account_s_matching_case_never_appears(client_a, client_b, file_case, case_b):
    mine = file_case(subject="Bravo's problem too")
    page = _search(client_a, q="Bravo's problem")
    assert _listed(page) == [mine.reference]
    assert case_b.reference not in page
    assert _listed(_search(client_a, q=case_b.reference)) == []
    assert _listed(_search(client_b, q="problem")) == [case_b.reference]


def test_the_words_of_an_internal_note_never_find_a_case(client_a, file_case, agent):
    case = file_case(subject="Slow sending")
    services.case_add_note(case=case, author=agent, body="Customer on the noisy shard.")
    page = _search(client_a, q="noisy")
    assert _listed(page) == []
    assert "No case matches your search:" in page.text("[data-testid=search-summary]")
    assert _listed(_search(client_a, q="slow")) == [case.reference]


def test_no_match_says_what_was_searched_and_offers_to_clear_it(client_a, file_case):
    file_case()
    page = _search(
        client_a,
        q="  warm-up   plan ",
        status="all_open",
        severity="critical",
        opened_from="2026-11-01",
    )
    summary = page.text("[data-testid=search-summary]")
    assert "No case matches your search:" in summary
    assert "Search: “warm-up plan”" in summary
    assert "Status: Open" in summary
    assert "Severity: Critical issue" in summary
    assert "Opened from: 1 Nov 2026" in summary
    assert page.attrs("[data-testid=clear-search-empty]", "href") == [reverse("cases:list")]
    # The form shows the search again, ready to change.
    assert page.attrs("input[name=q]", "value") == ["  warm-up   plan "]
    assert page.attrs("select[name=status] option[selected]", "value") == ["all_open"]
    assert page.text("label[for=id_q]") == "Search"


def test_the_status_filter_shows_open_closed_or_one_status(client_a, file_case, agent):
    waiting = file_case(subject="Waits")
    services.case_reply(case=waiting, author=agent, body="Which IP?", wait_on_customer=True)
    new = file_case(subject="New one")
    done = file_case(subject="Done")
    services.case_propose_resolution(case=done, actor=agent, summary="Fixed")
    services.case_accept_resolution(case=done, customer=done.requester)

    open_only = _search(client_a, status="all_open")
    assert _listed(open_only) == [new.reference, waiting.reference]
    assert not open_only.has("#closed-heading")
    closed_only = _search(client_a, status="all_closed")
    assert _listed(closed_only) == [done.reference] and not closed_only.has("#open-heading")
    assert _listed(_search(client_a, status=Status.WAITING_ON_CUSTOMER)) == [waiting.reference]
    assert _listed(_search(client_a, status=Status.RESOLVED)) == [done.reference]
    assert _listed(_search(client_a, status=Status.CLOSED)) == []


def test_the_severity_filter(client_a, file_case, critical_case_a):
    other = file_case(subject="Small thing")
    assert _listed(_search(client_a, severity="critical")) == [critical_case_a.reference]
    assert _listed(_search(client_a, severity="non_critical")) == [other.reference]


def test_the_days_are_the_reader_s_days(client_b, customer_b):
    # 03:00 UTC on 25 November is still the evening of the 24th in New York.
    late = open_case(customer_b, "Late", now=datetime(2026, 11, 25, 3, 0, tzinfo=UTC))
    early = open_case(customer_b, "Early", now=datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    assert _listed(_search(client_b, opened_to="2026-11-24")) == [late.reference]
    assert _listed(_search(client_b, opened_from="2026-11-25")) == [early.reference]
    both = _search(client_b, opened_from="2026-11-24", opened_to="2026-11-25")
    assert _listed(both) == [early.reference, late.reference]


@pytest.mark.parametrize(
    ("params", "field", "sentence"),
    [
        ({"opened_from": "25-11-2026"}, "opened_from", "Give the date as year-month-day"),
        ({"opened_to": "2026-02-30"}, "opened_to", "Give the date as year-month-day"),
        ({"opened_from": "0001-01-01"}, "opened_from", "Give a date in 2000 or later."),
        ({"opened_to": "9999-12-31"}, "opened_to", "Give a date before 3000."),
        (
            {"opened_from": "2026-11-25", "opened_to": "2026-11-01"},
            "opened_to",
            "“To” is before “from”: give a day on or after 2026-11-25.",
        ),
        ({"status": "lost"}, "status", "Choose a status from the list: “lost” is not one."),
        ({"severity": "1"}, "severity", "Choose a severity from the list: “1” is not one."),
        ({"q": "x" * 201}, "q", "Search for 200 characters at most; this search has 201."),
        ({"q": "a b c d e f g h i"}, "q", "Search for 8 words at most."),
        ({"q": "nul\x00byte"}, "q", "Null characters are not allowed."),
    ],
)
def test_bad_input_names_the_field_and_why(client_a, case_a, params, field, sentence):
    page = _search(client_a, **params)
    error = page.one(f"#id_{field}-error")
    assert sentence in error.text_content()
    assert page.attrs(f"[name={field}]", "aria-invalid") == ["true"]
    assert page.has("[data-testid=search-invalid]")
    assert case_a.reference not in page  # no list that would look like the search's answer


def test_an_odd_search_address_is_a_plain_list(client_a, case_a):
    page = _search(client_a, q="   ", utm_source="mail")
    assert _listed(page) == [case_a.reference]
    assert not page.has("[data-testid=search-summary]")


def test_paging_keeps_the_search(client_a, file_case, monkeypatch):
    from cases import selectors

    monkeypatch.setattr(selectors, "OPEN_PER_PAGE", 2)
    monkeypatch.setattr(selectors, "CLOSED_PER_PAGE", 2)
    found = [file_case(subject=f"Bounce {i}") for i in range(5)]
    file_case(subject="Other", description="Webhooks arrive late.")
    for age, case in enumerate(found):
        Case.objects.filter(pk=case.pk).update(opened_at=NOW - timedelta(days=age))
    first = _search(client_a, q="bounce")
    assert first.text("span.badge[data-testid=open-count]") == "5"
    assert "?q=bounce&open=2#open-heading" in first.links()
    second = _search(client_a, q="bounce", open="2")
    assert _listed(second) == [found[2].reference, found[3].reference]
    assert "?q=bounce&open=1#open-heading" in second.links()
    assert "?q=bounce&open=3#open-heading" in second.links()
    beyond = _search(client_a, q="bounce", open="9")
    assert "?q=bounce&open=1#open-heading" in beyond.links()


# Without a search: session, user with contact and account, open cases, open count,
# closed cases. A search is the same statements with more conditions; a status filter
# leaves out the list it excludes.
SEARCH_QUERIES = 5
ONE_LIST_QUERIES = {"all_open": 4, "all_closed": 3}
INVALID_QUERIES = 2  # session, user: no list is read


def test_a_search_runs_a_fixed_number_of_queries(
    client_a, file_case, agent, django_assert_num_queries
):
    def count(params, n):
        with django_assert_num_queries(n):
            assert client_a.get(reverse("cases:list"), params).status_code == 200

    everything = {"q": "bounce twice", "severity": "non_critical", "opened_from": "2026-11-01"}
    file_case(subject="Bounce twice")
    client_a.get(reverse("cases:list"))  # warm caches (the active platform incidents)
    count(everything, SEARCH_QUERIES)
    for status, n in ONE_LIST_QUERIES.items():
        count({**everything, "status": status}, n)
    for i in range(12):
        case = file_case(subject=f"Bounce twice {i}")
        services.case_reply(case=case, author=agent, body="bounce seen twice")
        if i % 2:
            services.case_propose_resolution(case=case, actor=agent, summary="done")
            services.case_accept_resolution(case=case, customer=case.requester)
    count(everything, SEARCH_QUERIES)
    for status, n in ONE_LIST_QUERIES.items():
        count({**everything, "status": status}, n)
    count({"q": "nothing matches this"}, SEARCH_QUERIES)
    count({"opened_from": "yesterday"}, INVALID_QUERIES)


def test_the_search_form_speaks_dutch(client_a, customer_a, file_case):
    file_case()
    customer_a.language = "nl"
    customer_a.save(update_fields=["language"])
    page = _search(client_a, q="onvindbaar", severity="critical")
    assert "Kritisch probleem" in page.text("[data-testid=search-summary]")
    assert "Geen zaak" in page.text("[data-testid=search-summary]")
    assert page.text("label[for=id_opened_from]") == "Geopend vanaf"
