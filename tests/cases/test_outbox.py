"""Nothing lost when the broker is down: the request succeeds, the notifications wait in
the outbox, and the outbox's drain sends them once the broker is back."""

import pytest
from django.core import mail

from core import outbox
from core.models import OutboxTask

pytestmark = pytest.mark.django_db


def test_a_call_recorded_while_the_broker_is_down_is_alerted_after_it_returns(
    broker, representative, critical_case_a, agent, client, account_a
):
    broker.down()
    client.force_login(representative)
    response = client.post(
        "/admin/cases/hotlinecall/intake/",
        {
            "company_name": "Alpha Mail",
            "contact_person": "Anna",
            "phone": "+31 20 555 0100",
            "email": "anna@alpha.example",
            "description": "Everything fails with 503.",
            "record": "1",
            "target": f"case:{critical_case_a.pk}",
        },
    )
    assert response.status_code == 302
    held = sorted(OutboxTask.objects.values_list("task_name", flat=True))
    assert "accounts.tasks.deliver_alert" in held
    assert "cases.tasks.send_case_mail" not in held  # a hotline call mails no customer
    assert mail.outbox == []

    broker.up()
    assert outbox.drain() == len(held)
    assert OutboxTask.objects.count() == 0
    assert broker.queued() == held
    assert outbox.drain() == 0
    assert len(broker.queued()) == len(held)


def test_a_case_filed_while_the_broker_is_down_is_mailed_after_it_returns(
    broker, client_a, account_a, agent
):
    broker.down()
    response = client_a.post(
        "/cases/new/",
        {
            "subject": "API down",
            "need": "software_bug",
            "api_all_failing": "yes",
            "api_failure_cause": "server",
            "smtp_all_failing": "no",
            "description": "Everything returns 503",
        },
    )
    assert response.status_code == 302
    # The customer's acknowledgement and the on-call alert of a critical case.
    kept = ["accounts.tasks.deliver_alert", "cases.tasks.send_case_mail"]
    assert sorted(OutboxTask.objects.values_list("task_name", flat=True)) == kept
    broker.up()
    assert outbox.drain() == 2
    assert sorted(broker.queued()) == kept


def test_the_outbox_is_not_used_while_the_broker_works(broker, record_call, critical_case_a, agent):
    broker.up()
    record_call(case=critical_case_a)
    assert OutboxTask.objects.count() == 0
    assert "accounts.tasks.deliver_alert" in broker.queued()


def test_an_sla_policy_changed_while_the_broker_is_down_moves_deadlines_after_it_returns(
    broker, change_sla_policy
):
    broker.down()
    response = change_sla_policy(60)
    assert response.status_code == 302
    held = OutboxTask.objects.get()
    assert (held.task_name, held.args) == ("cases.recompute_deadlines", ["non_critical"])
    broker.up()
    assert outbox.drain() == 1
    assert OutboxTask.objects.count() == 0
    assert broker.queued() == ["cases.recompute_deadlines"]


def test_a_mailbox_failure_alert_raised_while_the_broker_is_down_is_kept(broker, manager):
    from inbound.imap_config import ImapConfig, TlsMode
    from inbound.polling import poll_mailbox

    broker.down()
    unreachable = ImapConfig(
        host="127.0.0.1",
        port=9,
        username="support",
        password="x",
        tls=TlsMode.NONE,
        allow_plaintext=True,
        timeout=2,
    )
    assert poll_mailbox(config=unreachable)["failures"] == 1
    held = OutboxTask.objects.get()
    assert held.task_name == "accounts.tasks.deliver_alert"
    assert held.args[0]["recipients"] == [manager.email]
    assert held.args[1] == "email"
    broker.up()
    assert outbox.drain() == 1
    assert broker.queued() == ["accounts.tasks.deliver_alert"]
