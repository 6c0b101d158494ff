"""Deliveries against a real HTTPS receiver on loopback: signed, sent once, retried with
backoff while it fails or hangs, delivered when it recovers, and the endpoint paused
with its primary contacts mailed after 24 hours of failures."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import AccountEvent
from tests.factories import open_case
from webhooks import addresses, retry, services, tasks
from webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

T0 = "2026-12-01 09:00Z"


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Beat's retry sweep, its queued attempts run as the worker would."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.send_due_task.apply(throw=True).result

    return run


@pytest.fixture
def file_case(customer_a, django_capture_on_commit_callbacks):
    def file(subject="Bounces from a mailbox provider"):
        with django_capture_on_commit_callbacks(execute=True):
            return open_case(customer_a, subject)

    return file


def test_a_filed_case_is_posted_once_signed_as_documented(endpoint_for, receiver, file_case):
    endpoint = endpoint_for(["case.filed"])
    case = file_case()
    (got,) = receiver.received
    delivery = Delivery.objects.get()
    assert got.signed is True
    assert got.path == "/hooks/portal?source=support"
    assert got.headers["X-Portal-Delivery"] == str(delivery.delivery_id)
    assert got.headers["X-Portal-Event"] == "case.filed"
    assert got.headers["Content-Type"] == "application/json"
    body = json.loads(got.body)
    assert body["type"] == "case.filed"
    assert body["account"] == {"id": endpoint.account_id, "name": "Alpha Mail BV"}
    assert body["data"]["case"]["reference"] == case.reference
    assert body["data"]["case"]["url"].endswith(f"/cases/{case.reference}/")
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 1, 200)
    assert delivery.response_ms is not None and delivery.next_attempt_at is None

    # The task handed on twice, and the sweep: a delivered event is not sent again.
    assert tasks.deliver_task.apply(args=[delivery.pk]).result is False
    assert services.deliveries_send_due() == 0
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_retried_with_backoff_until_it_recovers(
    endpoint_for, receiver, file_case, sweep
):
    endpoint_for(["case.filed"])
    receiver.answer = "fail"
    with time_machine.travel(T0, tick=False):
        t0 = timezone.now()
        file_case()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    assert delivery.error == "The endpoint answered 500; a 2xx answer was expected."
    assert delivery.next_attempt_at == t0 + timedelta(minutes=1)

    with time_machine.travel(t0 + timedelta(seconds=59), tick=False):
        assert sweep() == 0
    assert len(receiver.received) == 1
    with time_machine.travel(t0 + timedelta(minutes=1), tick=False):
        assert sweep() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2
    assert delivery.next_attempt_at == t0 + timedelta(minutes=6)

    receiver.answer = "ok"
    with time_machine.travel(t0 + timedelta(minutes=6), tick=False):
        assert sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 3, 200)
    assert delivery.error == ""
    # Each attempt carried the same delivery id and body, each signed afresh.
    assert len({r.headers["X-Portal-Delivery"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    assert all(r.signed for r in receiver.received)


def test_a_receiver_that_does_not_answer_is_given_up_on_at_the_timeout(
    endpoint_for, receiver, file_case, settings
):
    endpoint_for(["case.filed"])
    receiver.answer = "hang"
    started = timezone.now()
    file_case()
    took = timezone.now() - started
    delivery = Delivery.objects.get()
    assert len(receiver.received) == 1
    assert delivery.status == "pending" and delivery.response_status is None
    assert delivery.error == "No answer within 1 seconds."
    assert took < timedelta(seconds=settings.WEBHOOKS_TIMEOUT + 1.5)


def test_a_redirect_is_not_followed(endpoint_for, receiver, file_case):
    endpoint_for(["case.filed"])
    receiver.answer = "redirect"
    file_case()
    delivery = Delivery.objects.get()
    assert len(receiver.received) == 1
    assert delivery.response_status == 302
    assert delivery.error == "The endpoint answered 302, a redirect; redirects are not followed."


def test_a_certificate_no_authority_vouches_for_is_refused(
    endpoint_for, receiver, file_case, settings
):
    endpoint_for(["case.filed"])
    settings.WEBHOOKS_CA_BUNDLE = ""  # the system's authorities: not the test's own
    file_case()
    delivery = Delivery.objects.get()
    assert receiver.received == []
    assert delivery.error.startswith("The certificate was refused:")


def test_a_missing_certificate_bundle_is_a_sentence_not_a_crash(
    endpoint_for, receiver, file_case, settings, tmp_path
):
    endpoint_for(["case.filed"])
    settings.WEBHOOKS_CA_BUNDLE = str(tmp_path / "gone.pem")
    file_case()
    delivery = Delivery.objects.get()
    assert receiver.received == []
    assert delivery.error == "The portal's certificate authorities could not be read."


def test_the_address_is_checked_again_at_each_delivery(endpoint_for, receiver, file_case, settings):
    endpoint_for(["case.filed"])
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    file_case()
    delivery = Delivery.objects.get()
    assert receiver.received == []
    assert delivery.status == "pending"
    assert "127.0.0.1 is not at a public internet address" in delivery.error


def test_the_delivery_connects_to_the_address_it_checked(
    endpoint_for, receiver, file_case, monkeypatch
):
    """The name is resolved once, checked, and that address connected to; TLS and the
    Host header still use the name."""
    port = receiver.url.split(":")[2].split("/")[0]
    looked_up = []

    def resolve(host, port):
        looked_up.append(host)
        return ["127.0.0.1"]

    monkeypatch.setattr(addresses, "resolve", resolve)
    endpoint_for(["case.filed"], url=f"https://hooks.alpha.example:{port}/in")
    file_case()
    (got,) = receiver.received
    assert got.headers["Host"] == f"hooks.alpha.example:{port}"
    assert got.signed is True
    assert looked_up == ["hooks.alpha.example", "hooks.alpha.example"]  # registered, sent


def test_two_workers_never_send_the_same_attempt(endpoint_for, receiver, file_case, monkeypatch):
    endpoint_for(["case.filed"])
    receiver.answer = "fail"
    file_case()
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    send, second = services._send, []

    def while_sending(row, endpoint):
        # A second worker with the same task arrives mid-send: the claim stops it.
        second.append(services.delivery_attempt(delivery_pk=row.pk))
        return send(row, endpoint)

    monkeypatch.setattr(services, "_send", while_sending)
    assert services.delivery_attempt(delivery_pk=delivery.pk) is not None
    assert second == [None]
    assert len(receiver.received) == 2  # the first attempt, and this one: no third
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_after_24_hours_of_failures_the_endpoint_is_paused_and_its_primary_contacts_mailed(
    endpoint_for, receiver, file_case, sweep, customer_a, technical_a, account_a
):
    customer_a.language = "nl"
    customer_a.save()
    endpoint = endpoint_for(["case.filed"])
    receiver.answer = "fail"
    with time_machine.travel(T0, tick=False):
        t0 = timezone.now()
        file_case()
    attempts_at = retry.schedule(t0)
    for at in attempts_at[1:]:
        with time_machine.travel(at, tick=False):
            assert sweep() == 1
    assert len(receiver.received) == len(attempts_at) == 9
    assert attempts_at[-1] - t0 < timedelta(hours=24)

    delivery = Delivery.objects.get()
    endpoint.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 9, None)
    assert endpoint.status == Endpoint.Status.PAUSED
    assert endpoint.paused_reason == (
        "Deliveries failed for 24 hours. "
        "The last error: The endpoint answered 500; a 2xx answer was expected."
    )
    paused = AccountEvent.objects.get(account=account_a, kind=AccountEvent.Kind.WEBHOOK_PAUSED)
    assert paused.actor is None and paused.subject == endpoint.url

    # The primary contact only (not the technical contact), in their language.
    (message,) = [m for m in mail.outbox if endpoint.url in m.subject]
    assert message.to == [customer_a.email]
    assert message.subject == f"Webhook-endpoint gepauzeerd: {endpoint.url}"
    assert "mislukten 24 uur lang, dus het endpoint is gepauzeerd" in message.body
    assert f"/me/webhooks/{endpoint.pk}/" in message.body

    # Paused: new events and the sweep send nothing; the new event is logged, not sent.
    file_case("Another one")
    with time_machine.travel(attempts_at[-1] + timedelta(hours=2), tick=False):
        assert sweep() == 0
    assert len(receiver.received) == 9
    missed = Delivery.objects.exclude(pk=delivery.pk).get()
    assert (missed.status, missed.attempts, missed.next_attempt_at) == ("failed", 0, None)


def test_the_paused_mail_is_sent_once_however_often_its_task_runs(endpoint_for, customer_a):
    endpoint = endpoint_for(["case.filed"])
    for _ in range(2):
        tasks.mail_endpoint_paused_task.apply(args=[endpoint.pk, "2026-12-02T09:00:00Z"])
    assert len(mail.outbox) == 1


def test_beat_deletes_finished_deliveries_past_retention_and_keeps_the_rest(
    endpoint_for, customer_a, settings
):
    from portal.schedule import beat_schedule

    (entry,) = [e for e in beat_schedule() if e.task == "webhooks.purge_deliveries"]
    assert (entry.every, entry.period) == (1, "days")
    settings.WEBHOOKS_DELIVERY_RETENTION_DAYS = 30
    endpoint = endpoint_for(["case.filed"])
    now = timezone.now()

    def delivery(status, age_days):
        return Delivery.objects.create(
            endpoint=endpoint,
            event_id="e",
            event_type="case.filed",
            body="{}",
            status=status,
            created_at=now - timedelta(days=age_days),
        )

    old_ok, old_failed = delivery("succeeded", 31), delivery("failed", 40)
    kept = [delivery("succeeded", 29), delivery("failed", 1), delivery("pending", 31)]
    redelivered = delivery("succeeded", 2)
    redelivered.redelivery_of = old_failed
    redelivered.save()
    assert tasks.purge_deliveries_task.apply(throw=True).result == 2
    assert not Delivery.objects.filter(pk__in=[old_ok.pk, old_failed.pk]).exists()
    assert set(Delivery.objects.values_list("pk", flat=True)) == {
        *(d.pk for d in kept),
        redelivered.pk,
    }
    redelivered.refresh_from_db()
    assert redelivered.redelivery_of is None
    assert tasks.purge_deliveries_task.apply(throw=True).result == 0
