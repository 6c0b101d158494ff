"""A check run from start to alert, against the loopback DNS server."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import outbox
from deliverability import tasks
from deliverability.blocklists import alerts, services
from deliverability.models import (
    Blocklist,
    CheckChunk,
    CheckRun,
    ListingEvent,
    ListingState,
)

LISTED_A = {"10.2.0.192.zen.spamhaus.org": ["127.0.0.2"]}


def _run(capture, account=None):
    with capture(execute=True):
        run = services.run_start(trigger=CheckRun.Trigger.SCHEDULE, account=account)
    run.refresh_from_db()
    return run


@pytest.fixture
def run_check(django_capture_on_commit_callbacks):
    return lambda account=None: _run(django_capture_on_commit_callbacks, account)


def _state(ip, zone="zen.spamhaus.org"):
    return ListingState.objects.get(sending_ip=ip, blocklist__zone=zone)


def test_listings_found_at_the_first_check_are_mailed_as_there_when_monitoring_started(
    dns_zones, ip_a, customer_a, account_a, django_capture_on_commit_callbacks
):
    customer_a.language = "nl"
    customer_a.save()
    dns_zones({**LISTED_A, "10.2.0.192.psbl.surriel.com": ["127.0.0.2"]})
    with (
        time_machine.travel("2026-11-26 12:00Z"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.scheduled_check_task.apply(throw=True)
    assert _state(ip_a).state == ListingState.State.LISTED
    event = ListingEvent.objects.get(blocklist__zone="zen.spamhaus.org")
    assert event.baseline and event.kind == ListingEvent.Kind.LISTED
    assert not ListingEvent.objects.filter(notified_at__isnull=True).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer_a.email, account_a.tam.email])
    en = next(m for m in mail.outbox if m.to == [account_a.tam.email])
    assert en.subject == "Alpha Mail BV: 2 blocklist listings found when monitoring started"
    assert en.body == (
        f"Hello {account_a.tam.full_name},\n\n"
        "Our blocklist monitoring found these changes for Alpha Mail BV in its check of "
        "26 Nov 2026 13:00 CET.\n\n"
        "Listed when monitoring started\n"
        "- 192.0.2.10 on Spamhaus ZEN (major list): SBL: Spamhaus Block List (spam source)\n"
        "  Delisting: https://check.spamhaus.org/\n"
        "- 192.0.2.10 on PSBL: Passive spam trap hit (self-service removal)\n"
        "  Delisting: https://psbl.org/\n\n"
        f"Status of every sending IP and domain: {settings.PORTAL_BASE_URL}/deliverability/\n\n"
        "Your Technical Account Manager can help with ISP-block remediation.\n"
        "Email Enterprise Support\n\n"
    )
    nl = next(m for m in mail.outbox if m.to == [customer_a.email])
    assert nl.subject == (
        "Alpha Mail BV: 2 vermeldingen op blocklists bij de start van de monitoring"
    )
    assert "Vermeld bij de start van de monitoring\n- 192.0.2.10 op Spamhaus ZEN" in nl.body


def test_a_first_check_that_finds_nothing_mails_no_one(dns_zones, run_check, ip_a, customer_a):
    dns_zones()
    run_check()
    assert not ListingEvent.objects.exists()
    assert mail.outbox == []


def test_a_first_check_listing_on_a_minor_list_alone_sends_no_mail(
    dns_zones, run_check, ip_a, customer_a
):
    dns_zones({"10.2.0.192.psbl.surriel.com": ["127.0.0.2"]})
    run = run_check()
    assert ListingEvent.objects.get(run=run).baseline
    assert mail.outbox == []


def test_a_new_major_listing_mails_contacts_and_tam_once_in_their_language(
    dns_zones, run_check, ip_a, domain_a, customer_a, account_a
):
    customer_a.language = "nl"
    customer_a.save()
    server = dns_zones()
    run_check()
    assert _state(ip_a).state == ListingState.State.CLEAN
    server.update(
        {
            **server.records,
            **LISTED_A,
            "10.2.0.192.b.barracudacentral.org": ["127.0.0.2"],
            "alpha.example.dbl.spamhaus.org": ["127.0.1.2"],
        }
    )
    with time_machine.travel("2026-11-26 12:00Z"):
        run_check()
    state = _state(ip_a)
    assert state.state == ListingState.State.LISTED
    assert state.reasons == ["SBL: Spamhaus Block List (spam source)"]
    assert state.since.isoformat().startswith("2026-11-26T12:00")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer_a.email, account_a.tam.email])
    nl = next(m for m in mail.outbox if m.to == [customer_a.email])
    en = next(m for m in mail.outbox if m.to == [account_a.tam.email])
    assert nl.subject == "Alpha Mail BV: 3 nieuwe vermeldingen op blocklists"
    assert nl.body == (
        f"Beste {customer_a.full_name},\n\n"
        "Onze blocklist monitoring vond deze wijzigingen voor Alpha Mail BV bij de controle van "
        "26 nov 2026 13:00 CET.\n\n"
        "Nieuwe vermeldingen\n"
        "- 192.0.2.10 op Barracuda (belangrijke lijst): "
        "Vermeld op de Barracuda Reputation Block List\n"
        "  Verwijdering aanvragen: https://www.barracudacentral.org/rbl/removal-request\n"
        "- 192.0.2.10 op Spamhaus ZEN (belangrijke lijst): "
        "SBL: Spamhaus Block List (bron van spam)\n"
        "  Verwijdering aanvragen: https://check.spamhaus.org/\n"
        "- news.alpha.example (gecontroleerd als alpha.example) op Spamhaus DBL "
        "(belangrijke lijst): Spamdomein\n"
        "  Verwijdering aanvragen: https://check.spamhaus.org/\n\n"
        f"Status van elk verzend-IP en -domein: {settings.PORTAL_BASE_URL}/deliverability/\n\n"
        "Uw Technische Accountmanager helpt u graag met ISP-block remediatie.\n"
        "Email Enterprise Support\n\n"
    )
    assert en.subject == "Alpha Mail BV: 3 new blocklist listings"
    assert en.body == (
        f"Hello {account_a.tam.full_name},\n\n"
        "Our blocklist monitoring found these changes for Alpha Mail BV in its check of "
        "26 Nov 2026 13:00 CET.\n\n"
        "New listings\n"
        "- 192.0.2.10 on Barracuda (major list): Listed on the Barracuda Reputation Block List\n"
        "  Delisting: https://www.barracudacentral.org/rbl/removal-request\n"
        "- 192.0.2.10 on Spamhaus ZEN (major list): SBL: Spamhaus Block List (spam source)\n"
        "  Delisting: https://check.spamhaus.org/\n"
        "- news.alpha.example (checked as alpha.example) on Spamhaus DBL (major list): "
        "Spam domain\n"
        "  Delisting: https://check.spamhaus.org/\n\n"
        f"Status of every sending IP and domain: {settings.PORTAL_BASE_URL}/deliverability/\n\n"
        "Your Technical Account Manager can help with ISP-block remediation.\n"
        "Email Enterprise Support\n\n"
    )
    assert ListingEvent.objects.filter(baseline=False, notified_at__isnull=True).count() == 0


def test_a_delisting_is_reported(dns_zones, run_check, ip_a, customer_a):
    customer_a.full_name = ""  # greeted by address
    customer_a.save()
    server = dns_zones(LISTED_A)
    run_check()
    mail.outbox.clear()  # the listing found at the first check
    server.update({k: v for k, v in server.records.items() if k not in LISTED_A})
    with time_machine.travel("2026-11-26 12:00Z"):
        run_check()
    assert _state(ip_a).state == ListingState.State.CLEAN
    assert ListingEvent.objects.filter(kind=ListingEvent.Kind.DELISTED).count() == 1
    assert len(mail.outbox) == 2
    [sent] = [m for m in mail.outbox if m.to == [customer_a.email]]
    assert sent.subject == "Alpha Mail BV: removed from a blocklist"
    assert sent.body == (
        "Hello alice@alpha.example,\n\n"
        "Our blocklist monitoring found these changes for Alpha Mail BV in its check of "
        "26 Nov 2026 13:00 CET.\n\n"
        "Removed from lists\n"
        "- 192.0.2.10 is no longer on Spamhaus ZEN\n\n"
        f"Status of every sending IP and domain: {settings.PORTAL_BASE_URL}/deliverability/\n\n"
        "Your Technical Account Manager can help with ISP-block remediation.\n"
        "Email Enterprise Support\n\n"
    )


def test_a_listing_on_a_minor_list_alone_sends_no_mail(dns_zones, run_check, ip_a, customer_a):
    server = dns_zones()
    run_check()
    server.update({**server.records, "10.2.0.192.psbl.surriel.com": ["127.0.0.2"]})
    run_check()
    assert _state(ip_a, "psbl.surriel.com").state == ListingState.State.LISTED
    assert mail.outbox == []


def test_a_zone_that_lists_the_world_raises_no_alarm(dns_zones, run_check, ip_a, customer_a):
    server = dns_zones()
    run_check()
    server.update(
        {
            **server.records,
            **LISTED_A,
            "1.0.0.127.zen.spamhaus.org": ["127.0.0.2"],
        }
    )
    run = run_check()
    assert run.zone_health["zen.spamhaus.org"] is False
    state = _state(ip_a)
    assert state.state == ListingState.State.CLEAN
    assert state.error_kind == "unhealthy_zone"
    assert mail.outbox == []


def test_an_error_answer_is_kept_as_an_error_and_changes_nothing(dns_zones, run_check, ip_a):
    server = dns_zones()
    run_check()
    server.update({**server.records, "10.2.0.192.zen.spamhaus.org": ["127.255.255.254"]})
    run_check()
    state = _state(ip_a)
    assert (state.state, state.error_kind) == (ListingState.State.CLEAN, "refused")
    assert not ListingEvent.objects.exists()


def test_an_error_moves_the_last_check_but_not_the_last_answer(
    dns_zones, run_check, ip_a, time_machine
):
    server = dns_zones()
    time_machine.move_to("2026-11-20T08:00Z")
    run_check()
    answered = _state(ip_a).answered_at
    # When that check ran (the clock ticks on from where it was moved).
    assert timedelta(0) <= answered - datetime(2026, 11, 20, 8, tzinfo=UTC) < timedelta(minutes=1)
    server.update({**server.records, "10.2.0.192.zen.spamhaus.org": ["127.255.255.254"]})
    time_machine.move_to("2026-11-26T08:00Z")
    run_check()
    state = _state(ip_a)
    assert state.answered_at == answered
    assert state.last_checked_at > answered and state.error_since == state.last_checked_at


def test_a_repeated_answer_is_stamped_in_one_update_and_keeps_what_it_said(
    dns_zones, run_check, ip_a, time_machine
):
    server = dns_zones()
    time_machine.move_to("2026-11-20T08:00Z")
    first_run = run_check()
    first = _state(ip_a)
    time_machine.move_to("2026-11-20T09:00Z")
    with CaptureQueriesContext(connection) as ctx:
        second_run = run_check()
    again = _state(ip_a)
    assert (again.state, again.since, again.reasons) == (first.state, first.since, first.reasons)
    assert again.last_checked_at > first.last_checked_at
    assert again.answered_at == again.last_checked_at
    assert (first.last_run_id, again.last_run_id) == (first_run.pk, second_run.pk)
    # Django's bulk_update (a CASE per field and row) is for changed answers only.
    assert not [q for q in ctx.captured_queries if "CASE WHEN" in q["sql"]]

    server.update({**server.records, "10.2.0.192.zen.spamhaus.org": ["127.255.255.254"]})
    time_machine.move_to("2026-11-20T10:00Z")
    run_check()
    failed = _state(ip_a)
    time_machine.move_to("2026-11-20T11:00Z")
    run_check()
    still = _state(ip_a)
    assert (still.error_kind, still.error_since) == ("refused", failed.error_since)
    assert still.answered_at == again.answered_at
    assert still.last_checked_at > failed.last_checked_at


def test_retired_lists_are_never_queried(dns_zones, run_check, ip_a):
    dns_zones()
    run_check()
    retired = Blocklist.objects.filter(retired=True)
    assert retired.filter(zone="dnsbl.sorbs.net").exists()
    assert not ListingState.objects.filter(blocklist__in=retired).exists()


def test_ipv6_addresses_are_checked_only_on_lists_that_answer_for_ipv6(dns_zones, run_check, ip6_a):
    dns_zones()
    run_check()
    zones = set(ListingState.objects.values_list("blocklist__zone", flat=True))
    assert zones == {"zen.spamhaus.org"}


def test_a_run_is_cut_into_chunks_and_a_chunk_that_runs_twice_works_once(
    dns_zones, run_check, settings, account_a, ip_a, ip6_a, domain_a
):
    settings.BLOCKLIST_CHUNK_SIZE = 1
    dns_zones(LISTED_A)
    run = run_check()
    assert run.chunks_total == 3 and run.chunks_done == 3
    chunk = CheckChunk.objects.filter(run=run).first()
    services.chunk_execute(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert run.chunks_done == 3
    assert ListingEvent.objects.count() == 1


def test_a_chunk_left_by_a_dead_worker_is_redone(
    dns_zones, ip_a, django_capture_on_commit_callbacks
):
    dns_zones()
    run = services.run_start(trigger=CheckRun.Trigger.COMMAND, enqueue=False)
    services.run_execute(run_id=run.pk, enqueue_chunks=False)
    chunk = CheckChunk.objects.get(run=run)
    CheckChunk.objects.filter(pk=chunk.pk).update(status="running")
    CheckRun.objects.filter(pk=run.pk).update(status="running", chunks_done=0)
    with time_machine.travel("2099-01-01T00:00Z"):
        services.chunk_execute(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert run.status == CheckRun.Status.FINISHED


def test_a_check_of_one_account_leaves_the_others_alone(
    dns_zones, run_check, ip_a, ip_b, account_a
):
    dns_zones()
    run_check(account_a)
    assert ListingState.objects.filter(sending_ip=ip_b).count() == 0
    assert ListingState.objects.filter(sending_ip=ip_a).count() == 6


def test_a_second_request_while_a_run_waits_gets_the_same_run(ip_a, account_a):
    first = services.run_start(trigger=CheckRun.Trigger.CUSTOMER, account=account_a, enqueue=False)
    second = services.run_start(trigger=CheckRun.Trigger.CUSTOMER, account=account_a, enqueue=False)
    assert first.pk == second.pk


def test_spamhaus_is_asked_through_dqs_when_a_key_is_set(settings, db):
    settings.SPAMHAUS_DQS_KEY = "abc123"
    zen = Blocklist.objects.get(zone="zen.spamhaus.org")
    assert zen.spec(settings.SPAMHAUS_DQS_KEY).zone == "abc123.zen.dq.spamhaus.net"
    barracuda = Blocklist.objects.get(zone="b.barracudacentral.org")
    assert barracuda.spec(settings.SPAMHAUS_DQS_KEY).zone == "b.barracudacentral.org"


def test_a_new_major_listing_opens_a_case_when_the_setting_is_on(
    dns_zones, run_check, ip_a, customer_a, account_a, settings
):
    from cases.models import Case

    settings.BLOCKLIST_OPEN_CASE_ON_MAJOR_LISTING = True
    server = dns_zones()
    run_check()
    server.update({**server.records, **LISTED_A})
    run_check()
    case = Case.objects.get(account=account_a)
    assert "192.0.2.10" in case.subject and "Spamhaus ZEN" in case.description


def test_no_case_is_opened_when_the_setting_is_off(dns_zones, run_check, ip_a, account_a):
    from cases.models import Case

    server = dns_zones()
    run_check()
    server.update({**server.records, **LISTED_A})
    run_check()
    assert not Case.objects.exists()


def test_the_schedule_requeues_chunks_that_a_lost_task_left_behind(
    dns_zones, ip_a, django_capture_on_commit_callbacks
):
    dns_zones()
    run = services.run_start(trigger=CheckRun.Trigger.SCHEDULE, enqueue=False)
    CheckRun.objects.filter(pk=run.pk).update(status="running", started_at="2026-11-26T08:00Z")
    CheckRun.objects.filter(pk=run.pk).update(zone_health={"zen.spamhaus.org": True})
    with (
        time_machine.travel("2026-11-26T09:00Z"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.runs_resume() == 1
    run.refresh_from_db()
    assert run.status == CheckRun.Status.FINISHED
    assert ListingState.objects.filter(sending_ip=ip_a, blocklist__zone="zen.spamhaus.org").exists()


def test_a_run_whose_first_task_never_reached_the_broker_is_queued_again(
    dns_zones, ip_a, django_capture_on_commit_callbacks
):
    dns_zones()
    with time_machine.travel("2026-11-26T08:00Z"):
        run = services.run_start(trigger=CheckRun.Trigger.SCHEDULE, enqueue=False)
    with time_machine.travel("2026-11-26T08:05Z"):
        assert services.runs_resume() == 0  # not stale yet
    with (
        time_machine.travel("2026-11-26T09:00Z"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.runs_resume() == 1
    run.refresh_from_db()
    assert run.status == CheckRun.Status.FINISHED
    assert ListingState.objects.filter(sending_ip=ip_a).exists()


def test_unreported_events_of_a_finished_run_are_alerted_by_a_later_sweep(
    dns_zones, run_check, ip_a, customer_a, django_capture_on_commit_callbacks
):
    server = dns_zones()
    run_check()
    server.update({**server.records, **LISTED_A})
    real_enqueue = outbox.enqueue

    def lose_alerts(task_name, *args):
        if task_name != "deliverability.alert_account":
            real_enqueue(task_name, *args)

    with mock.patch.object(outbox, "enqueue", lose_alerts):
        run = run_check()
    assert mail.outbox == []
    assert ListingEvent.objects.filter(run=run, notified_at__isnull=True).exists()
    later = timezone.now() + services.STALE_CHUNK_AFTER * 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.runs_resume(now=later) == 1
    assert len(mail.outbox) == 2
    assert not ListingEvent.objects.filter(run=run, notified_at__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.runs_resume(now=later) == 0
    assert len(mail.outbox) == 2


def test_events_of_minor_lists_only_are_marked_reported_without_a_mail(
    dns_zones, run_check, ip_a, customer_a
):
    server = dns_zones()
    run_check()
    server.update({**server.records, "10.2.0.192.psbl.surriel.com": ["127.0.0.2"]})
    run = run_check()
    assert mail.outbox == []
    assert ListingEvent.objects.filter(run=run).exists()
    assert not ListingEvent.objects.filter(run=run, notified_at__isnull=True).exists()


def test_a_run_still_in_time_is_left_alone(ip_a):
    run = services.run_start(trigger=CheckRun.Trigger.SCHEDULE, enqueue=False)
    CheckRun.objects.filter(pk=run.pk).update(status="running", started_at="2026-11-26T08:55Z")
    with time_machine.travel("2026-11-26T09:00Z"):
        assert services.runs_resume() == 0


def test_an_alert_task_that_runs_twice_mails_once(dns_zones, run_check, ip_a, customer_a):
    server = dns_zones()
    run_check()
    server.update({**server.records, **LISTED_A})
    run = run_check()
    sent = len(mail.outbox)
    assert sent == 2
    assert alerts.alert_account(run_id=run.pk, account_id=ip_a.account_id) == 0
    assert len(mail.outbox) == sent


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_an_alert_the_mail_server_refused_is_sent_by_a_later_sweep(
    dns_zones, run_check, ip_a, customer_a, settings, django_capture_on_commit_callbacks
):
    server = dns_zones()
    run_check()
    server.update({**server.records, **LISTED_A})
    settings.EMAIL_BACKEND = f"{__name__}.MailServerDown"
    with pytest.raises((ConnectionRefusedError, Retry)):  # the task is retried later
        run_check()
    run = CheckRun.objects.get(status="finished", events__isnull=False)
    assert ListingEvent.objects.filter(run=run, notified_at__isnull=True).count() == 1

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = timezone.now() + services.STALE_CHUNK_AFTER * 2
    with django_capture_on_commit_callbacks(execute=True):
        assert services.runs_resume(now=later) == 1
    assert len(mail.outbox) == 2
    assert not ListingEvent.objects.filter(run=run, notified_at__isnull=True).exists()
