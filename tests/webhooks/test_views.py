"""The primary contact's webhook pages, walked as the primary contact, another contact of
the account, and a customer of another account."""

import json

import pytest

from accounts.models import AccountEvent
from tests.html import absent, attr, one, page, select, text, texts
from webhooks import services
from webhooks.models import Delivery, Endpoint

from .conftest import signed_in

pytestmark = pytest.mark.django_db

LIST, NEW = "/me/webhooks/", "/me/webhooks/new/"


def audit(account) -> list[tuple[str, str]]:
    return list(
        AccountEvent.objects.filter(account=account)
        .order_by("at", "id")
        .values_list("kind", "detail")
    )


def test_the_profile_leads_the_primary_contact_and_only_them_to_webhooks(client_a, technical_a):
    assert attr(page(client_a.get("/me/profile/")), "[data-testid=webhooks-link]", "href") == LIST
    absent(page(signed_in(technical_a).get("/me/profile/")), "[data-testid=integrations]")


@pytest.mark.parametrize("url", [LIST, NEW])
def test_another_contact_of_the_account_is_told_who_manages_webhooks(technical_a, url):
    response = signed_in(technical_a).get(url)
    assert response.status_code == 403
    assert text(page(response), "h1") == "This page is for your company's primary contact"


def test_the_primary_contact_registers_an_endpoint_and_sees_its_secret_once(
    client_a, receiver, account_a, customer_a
):
    response = client_a.post(
        NEW, {"url": receiver.url, "event_types": ["case.filed", "case.resolved"]}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    endpoint = Endpoint.objects.get(account=account_a)
    secret = attr(page(response), "[data-testid=secret]", "value")
    assert secret == endpoint.secret and secret.startswith("whsec_")
    assert endpoint.event_types == ["case.filed", "case.resolved"]
    assert endpoint.created_by == customer_a
    assert audit(account_a) == [("webhook_added", "case.filed, case.resolved")]

    detail = client_a.get(f"{LIST}{endpoint.pk}/")
    assert secret not in detail.content.decode()
    listing = page(client_a.get(LIST))
    assert texts(listing, "[data-testid=endpoints] tbody td a") == [receiver.url]


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (
            "http://hooks.example.com/in",
            "The URL must start with https://: deliveries are encrypted.",
        ),
        (
            "https://user:pw@hooks.example.com/in",
            "The URL may not contain a user name or password; use the signing secret.",
        ),
        ("https://" + "a" * 500 + ".example.com/", "Ensure this value has at most 500 characters"),
        ("not a url", "The URL may not contain spaces or control characters."),
        (
            "https://10.0.0.5/in",
            "The host 10.0.0.5 is not at a public internet address",
        ),
        (
            "https://169.254.169.254/latest/meta-data",
            "The host 169.254.169.254 is not at a public internet address",
        ),
    ],
)
def test_a_url_that_cannot_be_used_is_refused_with_a_sentence_on_its_field(
    client_a, account_a, settings, url, sentence
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    response = client_a.post(NEW, {"url": url, "event_types": ["case.filed"]})
    assert response.status_code == 200
    assert sentence in text(page(response), "#div_id_url .invalid-feedback")
    assert not Endpoint.objects.exists()
    assert audit(account_a) == []


def test_no_event_type_is_refused_with_a_sentence(client_a, receiver):
    response = client_a.post(NEW, {"url": receiver.url, "event_types": ["case.deleted"]})
    assert "Choose event types from the list." in text(page(response), "#div_id_event_types")
    response = client_a.post(NEW, {"url": receiver.url})
    assert "Choose at least one event type." in text(page(response), "#div_id_event_types")
    assert not Endpoint.objects.exists()


def test_each_change_to_an_endpoint_is_on_the_accounts_audit_record(
    client_a, endpoint_for, account_a
):
    endpoint = endpoint_for(["case.filed"])
    page_url = f"{LIST}{endpoint.pk}/"
    old_secret = endpoint.secret
    response = client_a.post(f"{page_url}event-types/", {"event_types": ["case.replied"]})
    assert response.status_code == 302
    assert client_a.post(f"{page_url}pause/").status_code == 302
    assert text(page(client_a.get(page_url)), "[data-testid=endpoint-status]") == "Paused"
    assert client_a.post(f"{page_url}resume/").status_code == 302
    rotated = client_a.post(f"{page_url}rotate/")
    new_secret = attr(page(rotated), "[data-testid=secret]", "value")
    endpoint.refresh_from_db()
    assert new_secret == endpoint.secret != old_secret
    assert endpoint.event_types == ["case.replied"]
    assert client_a.post(f"{page_url}delete/").status_code == 302
    assert not Endpoint.objects.exists()
    assert [kind for kind, _ in audit(account_a)] == [
        "webhook_added",
        "webhook_changed",
        "webhook_paused",
        "webhook_resumed",
        "webhook_changed",
        "webhook_removed",
    ]
    assert audit(account_a)[-2][1] == "Signing secret rotated."
    assert AccountEvent.objects.filter(subject=endpoint.url).count() == 6


def test_a_test_event_and_a_redelivery_reach_the_receiver_signed(
    client_a, endpoint_for, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(["case.filed"])
    page_url = f"{LIST}{endpoint.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client_a.post(f"{page_url}test/").status_code == 302
    (ping,) = receiver.received
    assert ping.signed is True
    assert json.loads(ping.body)["type"] == "ping"

    log = page(client_a.get(page_url))
    (row,) = select(log, "[data-testid=delivery]")
    assert text(row, "[data-testid=status-code]") == "200"
    first = Delivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"{page_url}deliveries/{first.pk}/redeliver/")
    assert response.status_code == 302
    again = Delivery.objects.exclude(pk=first.pk).get()
    assert again.redelivery_of == first and again.event_id == first.event_id
    assert again.delivery_id != first.delivery_id and again.status == "succeeded"
    assert [r.headers["X-Portal-Delivery"] for r in receiver.received] == [
        str(first.delivery_id),
        str(again.delivery_id),
    ]
    assert receiver.received[1].body == ping.body


def test_an_event_while_paused_is_logged_unsent_and_redelivered_after_resuming(
    client_a, endpoint_for, receiver, customer_a, django_capture_on_commit_callbacks
):
    from core.models import OutboxTask
    from tests.factories import open_case

    endpoint = endpoint_for(["case.filed"])
    page_url = f"{LIST}{endpoint.pk}/"
    assert client_a.post(f"{page_url}pause/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True) as queued:
        open_case(customer_a, "Filed while paused")
    missed = Delivery.objects.get()
    assert missed.status == "failed" and missed.next_attempt_at is None
    assert missed.error == (
        "Not sent: the endpoint was paused. Redeliver it once the endpoint is resumed."
    )
    assert json.loads(missed.body)["data"]["case"]["subject"] == "Filed while paused"
    assert receiver.received == [] and not OutboxTask.objects.exists()
    assert not any("webhooks" in repr(callback) for callback in queued)
    (row,) = select(page(client_a.get(page_url)), "[data-testid=delivery]")
    assert "Redeliver it once the endpoint is resumed." in text(row)

    assert client_a.post(f"{page_url}resume/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(f"{page_url}deliveries/{missed.pk}/redeliver/")
    assert response.status_code == 302
    (received,) = receiver.received
    assert received.signed is True and received.body == missed.body.encode()
    assert Delivery.objects.get(redelivery_of=missed).status == "succeeded"


def test_a_paused_endpoint_is_sent_no_test_event(client_a, endpoint_for, receiver, customer_a):
    endpoint = endpoint_for(["case.filed"])
    services.endpoint_pause(endpoint=endpoint, actor=customer_a)
    response = client_a.post(f"{LIST}{endpoint.pk}/test/", follow=True)
    assert "The endpoint is paused: resume it first." in texts(page(response), ".alert")
    assert not Delivery.objects.exists()


def test_another_accounts_endpoint_and_delivery_are_not_found_by_any_url(
    endpoint_for, account_b, client_a, client_b, customer_b, django_capture_on_commit_callbacks
):
    theirs = endpoint_for(["case.filed"], account=account_b)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(endpoint=theirs, actor=customer_b)
    mine = endpoint_for(["case.filed"])
    missing = Endpoint.objects.order_by("-pk").first().pk + 100
    for pk in (theirs.pk, missing):
        assert client_a.get(f"{LIST}{pk}/").status_code == 404
        for action in ("event-types", "pause", "resume", "rotate", "test", "delete"):
            assert client_a.post(f"{LIST}{pk}/{action}/").status_code == 404
    # Their delivery under their endpoint, or smuggled under mine.
    for pk in (theirs.pk, mine.pk):
        response = client_a.post(f"{LIST}{pk}/deliveries/{delivery.pk}/redeliver/")
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and Delivery.objects.count() == 1
    assert client_b.get(f"{LIST}{theirs.pk}/").status_code == 200


def _endpoints(account, n, customer):
    for i in range(n):
        Endpoint.objects.create(
            account=account,
            url=f"https://hooks{i}.alpha.example/in",
            event_types=["case.filed"],
            secret="s",
            created_by=customer,
        )


def test_the_list_runs_the_same_queries_for_one_endpoint_or_ten(
    client_a, account_a, customer_a, django_assert_num_queries
):
    _endpoints(account_a, 1, customer_a)
    client_a.get(LIST)
    with django_assert_num_queries(3):
        client_a.get(LIST)
    _endpoints(account_a, 9, customer_a)
    with django_assert_num_queries(3):
        response = client_a.get(LIST)
    assert len(select(page(response), "[data-testid=endpoints] tbody tr")) == 10
    one(page(response), "[data-testid=endpoint-cap]")


def test_the_delivery_log_runs_the_same_queries_for_one_delivery_or_many(
    client_a, endpoint_for, customer_a, django_assert_num_queries
):
    endpoint = endpoint_for(["case.filed"])
    url = f"{LIST}{endpoint.pk}/"
    services.endpoint_send_test(endpoint=endpoint, actor=customer_a)
    client_a.get(url)  # the first request also fills the session's caches
    with django_assert_num_queries(4):
        client_a.get(url)
    Delivery.objects.bulk_create(
        Delivery(endpoint=endpoint, event_id=f"e{n}", event_type="case.filed", body="{}")
        for n in range(20)
    )
    with django_assert_num_queries(4):
        response = client_a.get(url)
    assert len(select(page(response), "[data-testid=delivery]")) == 21


def test_test_events_cannot_be_piled_up_against_a_host(client_a, endpoint_for, customer_a):
    endpoint = endpoint_for(["case.filed"])
    for _ in range(10):  # none delivered yet: the outbox has not sent them
        services.endpoint_send_test(endpoint=endpoint, actor=customer_a)
    response = client_a.post(f"{LIST}{endpoint.pk}/test/", follow=True)
    assert (
        "10 test events and redeliveries to this endpoint are still waiting to be delivered; "
        "send more once they are."
    ) in texts(page(response), ".alert")
    assert Delivery.objects.count() == 10
