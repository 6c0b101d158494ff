"""A customer escalates a case to the TAM at most once a day, told when they may again."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cases import services
from cases.models import CaseEvent
from tests.html import text

from .conftest import NOW

pytestmark = pytest.mark.django_db


def escalate(client, case, reason="Still no answer"):
    return client.post(reverse("cases:escalate", args=[case.reference]), {"reason": reason})


def test_a_second_escalation_within_a_day_is_refused_with_the_time_it_can_be_done(
    client_a, case_a, tam_a
):
    with time_machine.travel(NOW, tick=False):
        done = client_a.post(
            reverse("cases:escalate", args=[case_a.reference]), {"reason": "No answer"}, follow=True
        )
    assert (
        text(done, "[data-testid=message]")
        == f"{tam_a.full_name}, your Technical Account Manager, is told about the case."
    )
    mail.outbox.clear()
    with time_machine.travel(NOW + timedelta(hours=23, minutes=59), tick=False):
        refused = escalate(client_a, case_a, "Again")
    assert refused.status_code == 409
    # Alice reads Amsterdam time: escalated at 10:00 on 25 Nov, again from 10:00 on 26 Nov.
    assert text(refused, "[data-testid=message]") == (
        f"Case {case_a.reference} was escalated to your Technical Account Manager less than "
        "24 hours ago; you can escalate it again from 26 Nov 2026, 10:00."
    )
    assert CaseEvent.objects.filter(case=case_a, kind="escalated").count() == 1
    assert mail.outbox == []


def test_the_case_page_says_when_the_case_can_be_escalated_again(client_a, case_a):
    with time_machine.travel(NOW, tick=False):
        escalate(client_a, case_a)
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        page = client_a.get(reverse("cases:detail", args=[case_a.reference]))
    assert (
        text(page, "[data-testid=escalate-again]")
        == "You can escalate this case again from 26 Nov 2026, 10:00."
    )
    with time_machine.travel(NOW + timedelta(hours=24, seconds=1), tick=False):
        page = client_a.get(reverse("cases:detail", args=[case_a.reference]))
    assert "escalate-again" not in page.content.decode()
    assert 'action="{}"'.format(reverse("cases:escalate", args=[case_a.reference])) in (
        page.content.decode()
    )


def test_after_a_day_the_case_can_be_escalated_again(client_a, case_a, tam_a):
    with time_machine.travel(NOW, tick=False):
        escalate(client_a, case_a)
    with time_machine.travel(NOW + timedelta(hours=24, seconds=1), tick=False):
        assert escalate(client_a, case_a, "Now it is urgent").status_code == 302
    assert CaseEvent.objects.filter(case=case_a, kind="escalated").count() == 2
    assert mail.outbox[-1].to == [tam_a.email]


def test_the_limit_reads_the_escalations_on_record_not_a_process_cache(
    case_a, customer_a, settings
):
    """Another web process (or a cleared cache) sees the same escalation."""
    from django.core.cache import caches

    services.case_escalate(case=case_a, customer=customer_a, reason="First", now=NOW)
    for alias in settings.CACHES:
        caches[alias].clear()
    with pytest.raises(services.CaseError):
        services.case_escalate(
            case=case_a, customer=customer_a, reason="Second", now=NOW + timedelta(hours=1)
        )


def test_the_interval_is_a_setting(settings, case_a, customer_a):
    settings.CASES_ESCALATION_INTERVAL_HOURS = 1
    services.case_escalate(case=case_a, customer=customer_a, reason="First", now=NOW)
    services.case_escalate(
        case=case_a, customer=customer_a, reason="Second", now=NOW + timedelta(minutes=61)
    )
    assert CaseEvent.objects.filter(case=case_a, kind="escalated").count() == 2


def test_escalating_one_case_does_not_hold_back_another(file_case, customer_a):
    first, second = file_case(), file_case(subject="Another problem")
    services.case_escalate(case=first, customer=customer_a, reason="First", now=NOW)
    services.case_escalate(case=second, customer=customer_a, reason="Second", now=NOW)
    assert CaseEvent.objects.filter(kind="escalated").count() == 2
