"""Check now has a cool-off per account: one check in BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES,
with a sentence giving the time of the next possible check."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from deliverability.blocklists import services
from deliverability.models import CheckRun
from tests.html import text

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HOME = reverse("deliverability:home")
CHECK = reverse("deliverability:check_now")


def test_a_second_check_within_the_cool_off_is_refused_with_the_next_possible_time(
    client_a, account_a, ip_a, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = client_a.post(CHECK)
        assert first.status_code == 302
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        refused = client_a.post(CHECK, follow=True)
    assert refused.redirect_chain == [(HOME, 302)]
    # Alice reads Amsterdam time (UTC+1 in November).
    assert text(refused, "[data-testid=message]") == (
        "Your sending IPs and domains were checked less than 15 minutes ago; "
        "the next check can start at 25 Nov 2026 10:15 CET."
    )
    assert (
        text(refused, "[data-testid=next-check]")
        == "The next check can start at 25 Nov 2026 10:15 CET."
    )
    assert 'id="check-now" disabled' in refused.content.decode()
    assert CheckRun.objects.count() == 1


def test_after_the_cool_off_the_customer_checks_again(
    client_a, account_a, ip_a, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client_a.post(CHECK)
    with time_machine.travel(T0 + timedelta(minutes=15, seconds=1), tick=False):
        page = client_a.get(HOME)
        assert "next-check" not in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            again = client_a.post(CHECK)
    assert again.status_code == 302
    assert CheckRun.objects.filter(account=account_a).count() == 2


def test_a_check_in_progress_is_shown_again_not_refused(client_a, account_a, ip_a):
    with time_machine.travel(T0, tick=False):
        running = CheckRun.objects.create(account=account_a, trigger="customer", status="running")
        response = client_a.post(CHECK)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?run={running.pk}")
    assert CheckRun.objects.count() == 1


def test_the_cool_off_is_per_account(client_a, client_b, account_a, ip_a, ip_b):
    with time_machine.travel(T0, tick=False):
        CheckRun.objects.create(account=account_a, trigger="customer", status="finished")
        assert client_b.post(CHECK).status_code == 302
    assert CheckRun.objects.filter(account__isnull=False).count() == 2


def test_the_cool_off_is_a_setting(settings, account_a, customer_a):
    settings.BLOCKLIST_CHECK_NOW_COOLOFF_MINUTES = 1
    CheckRun.objects.create(account=account_a, trigger="customer", status="finished")
    CheckRun.objects.filter(account=account_a).update(created_at=T0)
    with pytest.raises(services.CheckTooSoon) as too_soon:
        services.run_start_for_customer(
            account=account_a, requested_by=customer_a, now=T0 + timedelta(seconds=59)
        )
    assert too_soon.value.again_at == T0 + timedelta(minutes=1)
    run = services.run_start_for_customer(
        account=account_a, requested_by=customer_a, now=T0 + timedelta(seconds=61)
    )
    assert run.trigger == CheckRun.Trigger.CUSTOMER


def test_in_dutch_the_next_possible_time_has_a_dutch_month(
    client_a, customer_a, account_a, ip_a, django_capture_on_commit_callbacks
):
    customer_a.language = "nl"
    customer_a.save()
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client_a.post(CHECK)
    with time_machine.travel(T0 + timedelta(minutes=14), tick=False):
        refused = client_a.post(CHECK, follow=True)
    assert text(refused, "[data-testid=message]").endswith("25 nov 2026 10:15 CET.")
    assert text(refused, "[data-testid=next-check]").endswith("25 nov 2026 10:15 CET.")
