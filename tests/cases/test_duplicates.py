"""A duplicate case merged into its original: staff do it on the case page, the customer
sees one case, and what the customer sends later reaches the original."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from accounts import roles
from cases import services
from cases.models import Case, CaseEvent, CaseMessage, HotlineCall, Status
from tests.factories import StaffFactory

from ..html import absent, one, page, select, text, texts
from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def original(file_case):
    case = file_case(subject="All API calls fail", api_all_failing=True, api_failure_cause="server")
    mail.outbox.clear()
    return case


@pytest.fixture
def duplicate(file_case):
    case = file_case(subject="API down again?", now=NOW + timedelta(minutes=20))
    mail.outbox.clear()
    return case


def _merge(client, case, reference):
    url = reverse("admin:cases_case_act", args=[case.pk, "merge_duplicate"])
    return client.post(url, {"merge_duplicate-original": reference})


def refusals(client) -> list[str]:
    return [str(m) for m in client.get("/admin/").context["messages"] if m.level_tag == "error"]


def test_an_agent_merges_a_duplicate_into_its_original_on_the_case_page(
    agent_client, agent, original, duplicate, customer_a
):
    case_page = page(agent_client.get(reverse("admin:cases_case_change", args=[duplicate.pk])))
    one(case_page, "details[data-action=merge_duplicate] input[name=merge_duplicate-original]")
    response = _merge(agent_client, duplicate, original.reference.lower())
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original
    assert duplicate.status == Status.CLOSED
    merged = duplicate.events.get(kind=CaseEvent.Kind.MERGED_AS_DUPLICATE)
    assert (merged.detail, merged.data, merged.actor) == (
        original.reference,
        {"original": original.pk},
        agent,
    )
    assert original.events.get(kind=CaseEvent.Kind.DUPLICATE_MERGED).detail == duplicate.reference
    # The duplicate's page links to the original.
    tree = page(agent_client.get(reverse("admin:cases_case_change", args=[duplicate.pk])))
    link = one(tree, f".field-duplicate_of a[href='/admin/cases/case/{original.pk}/change/']")
    assert original.reference in text(link)
    absent(tree, "details[data-action=merge_duplicate]")
    # The customer is told where the case went.
    (sent,) = mail.outbox
    assert sent.to == [customer_a.email]
    assert (
        f"Case {duplicate.reference} reports what case {original.reference} already does: "
        f"we merged it into {original.reference}." in sent.body
    )


def test_the_customer_sees_one_case(agent, original, duplicate, client_a):
    services.case_merge_duplicate(case=duplicate, original=original, actor=agent)
    listed = page(client_a.get(reverse("cases:list")))
    shown = " ".join(texts(listed, "main"))
    assert original.reference in shown
    assert duplicate.reference not in shown
    response = client_a.get(reverse("cases:detail", args=[duplicate.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[original.reference])
    timeline = text(client_a.get(response["Location"]).content, "main")
    assert f"A duplicate case was merged into this one: {duplicate.reference}" in timeline


def test_the_customers_reply_to_the_duplicate_reaches_the_original(
    agent, original, duplicate, client_a
):
    services.case_merge_duplicate(case=duplicate, original=original, actor=agent)
    response = client_a.post(
        reverse("cases:reply", args=[duplicate.reference]), {"body": "Still failing."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[original.reference])
    message = CaseMessage.objects.get(body="Still failing.")
    assert message.case == original
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED
    shown = texts(client_a.get(response["Location"]).content, ".alert-success")
    assert shown == [
        f"Case {duplicate.reference} is merged into case {original.reference}: "
        "your reply is added there."
    ]


def test_a_reply_by_mail_to_the_duplicate_reaches_the_original(
    agent, original, duplicate, customer_a
):
    services.case_merge_duplicate(case=duplicate, original=original, actor=agent)
    message = services.case_customer_reply(
        case=duplicate.pk, author=customer_a, body="By mail.", channel="email"
    )
    assert message.case_id == original.pk


def test_a_duplicates_hotline_calls_move_to_the_original(
    agent, representative, original, duplicate
):
    call = services.hotline_record_call(
        recorded_by=representative,
        case=duplicate,
        company_name="Alpha",
        contact_person="Alice",
        phone="+31 20 555 0100",
        email="alice@alpha.example",
        description="Down",
        now=NOW + timedelta(minutes=30),
    )
    services.case_merge_duplicate(
        case=duplicate, original=original, actor=agent, now=NOW + timedelta(minutes=32)
    )
    call.refresh_from_db()
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert call.case == original
    assert original.callback_due_at == call.callback_due_at
    assert duplicate.callback_due_at is None


def test_a_case_of_another_account_is_refused(agent_client, original, case_b):
    response = _merge(agent_client, original, case_b.reference)
    assert response.status_code == 302
    assert refusals(agent_client) == [
        f"Case {case_b.reference} belongs to another account: merge only cases of one account."
    ]
    original.refresh_from_db()
    assert original.duplicate_of is None
    assert original.is_open


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("EE-999999", "No case has the reference EE-999999."),
        (
            "nonsense",
            "The original case (its reference): Give the reference of a case, such as EE-000123.",
        ),
    ],
)
def test_an_unknown_or_malformed_reference_is_refused_with_a_sentence(
    agent_client, duplicate, typed, said
):
    _merge(agent_client, duplicate, typed)
    assert refusals(agent_client) == [said]
    assert not Case.objects.filter(duplicate_of__isnull=False).exists()


def test_a_case_is_never_its_own_duplicate_and_merges_make_no_chains(
    agent, original, duplicate, file_case
):
    with pytest.raises(services.CaseError, match="itself"):
        services.case_merge_duplicate(case=original, original=original, actor=agent)
    third = file_case(subject="Third report")
    services.case_merge_duplicate(case=third, original=duplicate, actor=agent)
    services.case_merge_duplicate(case=duplicate, original=original, actor=agent)
    third.refresh_from_db()
    assert third.duplicate_of == original
    with pytest.raises(services.CaseError, match="already merged"):
        services.case_merge_duplicate(case=duplicate, original=original, actor=agent)


def test_a_reopened_duplicate_is_a_case_of_its_own_again(agent, original, duplicate, client_a):
    services.case_merge_duplicate(case=duplicate, original=original, actor=agent)
    services.case_reopen(case=duplicate, actor=agent, reason="Not the same problem after all.")
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of is None
    assert client_a.get(reverse("cases:detail", args=[duplicate.reference])).status_code == 200


def test_a_tam_merges_only_on_their_own_accounts(client, original, case_b, customer_b):
    other = services.case_open(
        account=case_b.account,
        requester=customer_b,
        subject="Bravo again",
        description="Same",
        category="information",
    )
    client.force_login(StaffFactory(role=roles.TECHNICAL_ACCOUNT_MANAGERS))
    response = _merge(client, other, case_b.reference)
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.duplicate_of is None


def test_the_representative_is_offered_no_merge(client, representative, duplicate):
    client.force_login(representative)
    tree = page(client.get(reverse("admin:cases_case_change", args=[duplicate.pk])))
    assert select(tree, "details[data-action=merge_duplicate]") == []
    assert not HotlineCall.objects.exists()
