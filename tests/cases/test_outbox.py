"""Nothing lost when the broker is down: the request succeeds, the notifications wait in
the outbox, and the sweep sends them once the broker is back."""

import pytest
from django.core import mail

from cases import services
from cases.models import OutboxTask
from portal.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(tmp_path):
    """Switch the broker between a dead port and a working filesystem queue."""
    queue = tmp_path / "queue"
    queue.mkdir()
    saved = (celery_app.conf.broker_url, celery_app.conf.broker_transport_options)
    celery_app.conf.task_always_eager = False

    def point_at(url, options=None):
        celery_app.close()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        # broker_url gives way to the CELERY_BROKER_URL variable; the write URL does not.
        celery_app.conf.broker_url = url
        celery_app.conf.broker_write_url = url
        celery_app.conf.broker_transport_options = options or {}
        celery_app.conf.broker_connection_retry = False
        celery_app.conf.broker_connection_max_retries = 0

    def down():
        point_at("redis://127.0.0.1:1/6", {"max_retries": 0})

    def up():
        point_at(
            "filesystem://",
            {
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "control_folder": str(tmp_path / "control"),
                "store_processed": False,
            },
        )

    yield type("Broker", (), {"down": staticmethod(down), "up": staticmethod(up), "queue": queue})
    point_at(*saved)
    celery_app.conf.broker_write_url = None
    celery_app.conf.task_always_eager = True


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
    held = list(OutboxTask.objects.values_list("task_name", flat=True))
    assert "accounts.tasks.deliver_alert" in held
    assert "cases.tasks.send_case_mail" not in held  # a hotline call mails no customer
    assert mail.outbox == []

    broker.up()
    done = services.sla_sweep()
    assert done["outbox_sent"] == len(held)
    assert OutboxTask.objects.count() == 0
    # The held alert, plus what the sweep itself found due on the older case.
    alerts = sum(done.values()) - done["outbox_sent"]
    assert len(list(broker.queue.iterdir())) == len(held) + alerts
    assert services.sla_sweep()["outbox_sent"] == 0


def test_a_case_filed_while_the_broker_is_down_is_mailed_after_it_returns(
    broker, client_a, account_a
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
    assert list(OutboxTask.objects.values_list("task_name", flat=True)) == [
        "cases.tasks.send_case_mail"
    ]
    broker.up()
    done = services.sla_sweep()
    assert done["outbox_sent"] == 1
    assert len(list(broker.queue.iterdir())) == 1 + sum(done.values()) - done["outbox_sent"]


def test_the_outbox_is_not_used_while_the_broker_works(broker, record_call, critical_case_a, agent):
    broker.up()
    record_call(case=critical_case_a)
    assert OutboxTask.objects.count() == 0
    assert len(list(broker.queue.iterdir())) >= 1


def test_an_sla_policy_changed_while_the_broker_is_down_moves_deadlines_after_it_returns(
    broker, change_sla_policy
):
    broker.down()
    response = change_sla_policy(60)
    assert response.status_code == 302
    held = OutboxTask.objects.get()
    assert (held.task_name, held.args) == ("cases.recompute_deadlines", ["non_critical"])
    broker.up()
    assert services.sla_sweep()["outbox_sent"] == 1
    assert OutboxTask.objects.count() == 0
    queued = [f.read_text() for f in broker.queue.iterdir()]
    assert any('"task": "cases.recompute_deadlines"' in message for message in queued)


def test_a_mailbox_failure_alert_raised_while_the_broker_is_down_is_kept(broker, manager):
    from cases.inbound.imap import ImapConfig, TlsMode
    from cases.inbound.polling import poll_mailbox

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
    assert services.sla_sweep()["outbox_sent"] == 1
    queued = [f.read_text() for f in broker.queue.iterdir()]
    assert any('"task": "accounts.tasks.deliver_alert"' in message for message in queued)
