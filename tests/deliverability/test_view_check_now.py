"""Check now: a customer starts a check of their account and follows its progress."""

import pytest
from django.urls import reverse

from core.models import OutboxTask
from deliverability.models import CheckRun, ListingState
from tests.html import Page


def test_check_now_checks_the_customers_account_and_shows_progress(
    client_a, account_a, ip_a, ip_b, dns_zones, django_capture_on_commit_callbacks
):
    dns_zones({"10.2.0.192.zen.spamhaus.org": ["127.0.0.2"]})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("deliverability:check_now"))
    run = CheckRun.objects.get()
    assert response["Location"].endswith(f"?run={run.pk}")
    assert (run.account, run.trigger) == (account_a, CheckRun.Trigger.CUSTOMER)
    progress = client_a.get(reverse("deliverability:check_progress", args=[run.pk])).json()
    assert progress["status"] == "finished" and progress["percent"] == 100
    assert ListingState.objects.filter(sending_ip=ip_a, state="listed").count() == 1
    assert not ListingState.objects.filter(sending_ip=ip_b).exists()


def test_a_check_in_progress_shows_a_progress_bar(client_a, account_a, ip_a):
    CheckRun.objects.create(
        account=account_a, trigger="customer", status="running", chunks_total=4, chunks_done=1
    )
    body = Page(client_a.get(reverse("deliverability:home")))
    assert body.has("#check-progress")
    assert body.attrs("#check-bar", "data-percent") == ["25"]


def test_another_accounts_run_is_not_found(client_b, account_a):
    run = CheckRun.objects.create(account=account_a, trigger="customer")
    assert client_b.get(reverse("deliverability:check_progress", args=[run.pk])).status_code == 404


def test_check_now_needs_a_post(client_a):
    assert client_a.get(reverse("deliverability:check_now")).status_code == 405


@pytest.mark.django_db
def test_check_now_answers_with_a_redirect_when_the_broker_is_down(
    broker, client_a, account_a, ip_a, django_capture_on_commit_callbacks
):
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(reverse("deliverability:check_now"))
    run = CheckRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?run={run.pk}")
    kept = OutboxTask.objects.get()
    assert (kept.task_name, kept.args) == ("deliverability.run_execute", [run.pk])
    assert run.status == CheckRun.Status.QUEUED
