"""Each service: the state it writes, its audit event, and the moves it refuses."""

from datetime import timedelta

import pytest
from django.core import mail

from cases import services
from cases.models import CaseEvent, OutboundMessage, ResolutionAgreement, Status

from .conftest import AMS, NOW

pytestmark = pytest.mark.django_db


def kinds(case):
    return list(case.events.values_list("kind", flat=True))


def test_filing_gives_a_reference_an_event_and_an_office_hours_deadline(case_a):
    assert case_a.reference == f"EE-{case_a.pk:06d}"
    assert case_a.status == Status.NEW
    assert case_a.severity == "non_critical"
    assert kinds(case_a) == ["opened"]
    # 240 office minutes from Wednesday 10:00 on a 09:00-17:00 calendar.
    assert case_a.first_response_due_at == NOW.replace(hour=14)


def test_filing_a_critical_case_sets_a_fifteen_minute_wall_clock_deadline(critical_case_a):
    assert critical_case_a.severity == "critical"
    assert critical_case_a.first_response_due_at == NOW + timedelta(minutes=15)


def test_filing_mails_the_requester_an_acknowledgement_with_the_hotline(file_case, settings):
    case = file_case(api_all_failing=True, api_failure_cause="server")
    assert len(mail.outbox) == 1
    assert case.reference in mail.outbox[0].subject
    assert settings.SEVERITY1_HOTLINE in mail.outbox[0].body


def test_a_staff_reply_is_the_first_response_and_starts_work(case_a, agent):
    later = NOW + timedelta(minutes=30)
    services.case_reply(case=case_a, author=agent, body="Looking into it", now=later)
    case_a.refresh_from_db()
    assert case_a.first_response_at == later
    assert case_a.status == Status.IN_PROGRESS
    assert case_a.assigned_agent == agent
    assert {"replied", "first_response", "assigned", "status_changed"} <= set(kinds(case_a))


def test_an_internal_note_is_never_mailed(case_a, agent):
    services.case_add_note(case=case_a, author=agent, body="secret")
    assert mail.outbox == []
    assert not case_a.events.get(kind="note_added").public


def test_waiting_on_the_customer_pauses_and_a_reply_resumes_with_a_later_deadline(case_a, agent):
    services.case_set_status(
        case=case_a, status=Status.WAITING_ON_CUSTOMER, actor=agent, now=NOW + timedelta(hours=1)
    )
    case_a.refresh_from_db()
    assert case_a.waiting_since == NOW + timedelta(hours=1)
    services.case_customer_reply(
        case=case_a, author=case_a.requester, body="Here you are", now=NOW + timedelta(hours=3)
    )
    case_a.refresh_from_db()
    assert case_a.status == Status.IN_PROGRESS
    assert case_a.waiting_since is None
    assert case_a.first_response_due_at == NOW.replace(hour=16)


def test_a_workaround_is_a_public_reply_and_a_milestone(case_a, agent):
    services.case_provide_workaround(case=case_a, actor=agent, body="Use the other host")
    case_a.refresh_from_db()
    assert case_a.status == Status.WORKAROUND_PROVIDED
    assert case_a.workaround_at and case_a.first_response_at
    assert "Use the other host" in mail.outbox[-1].body


def test_the_customer_accepting_a_proposal_resolves_by_mutual_agreement(case_a, agent, customer_a):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed in 4.2")
    agreement = services.case_accept_resolution(case=case_a, customer=customer_a)
    case_a.refresh_from_db()
    assert case_a.status == Status.RESOLVED and case_a.resolved_at
    assert agreement.outcome == ResolutionAgreement.Outcome.ACCEPTED
    assert agreement.customer == customer_a and agreement.method == "portal"


def test_rejecting_a_proposal_needs_a_reason_and_sends_the_case_back_to_work(
    case_a, agent, customer_a
):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    with pytest.raises(services.CaseError, match="why"):
        services.case_reject_resolution(case=case_a, customer=customer_a, reason=" ")
    services.case_reject_resolution(case=case_a, customer=customer_a, reason="Still broken")
    case_a.refresh_from_db()
    assert case_a.status == Status.IN_PROGRESS
    assert case_a.agreements.get().reason == "Still broken"


def test_staff_record_an_agreement_given_by_phone_with_who_when_and_how(case_a, agent):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed", now=NOW)
    agreed = NOW + timedelta(hours=1)
    services.case_record_agreement(
        case=case_a,
        actor=agent,
        customer_name="Alice Alpha",
        agreed_at=agreed,
        method="phone",
        now=NOW + timedelta(hours=2),
    )
    agreement = case_a.agreements.get()
    assert (agreement.customer_name, agreement.decided_at, agreement.method) == (
        "Alice Alpha",
        agreed,
        "phone",
    )
    assert agreement.recorded_by == agent


def test_an_agreement_cannot_predate_the_proposal(case_a, agent):
    services.case_propose_resolution(
        case=case_a, actor=agent, summary="Fixed", now=NOW + timedelta(minutes=30, seconds=40)
    )

    def agreed(minutes):
        return services.case_record_agreement(
            case=case_a,
            actor=agent,
            customer_name="Alice",
            agreed_at=NOW + timedelta(minutes=minutes),
            method="phone",
            now=NOW + timedelta(hours=1),
        )

    with pytest.raises(services.CaseError, match="before the resolution was proposed"):
        agreed(29)
    agreed(30)  # the minute of the proposal itself is fine: the form gives minutes
    assert case_a.agreements.get().outcome == "accepted"


def test_an_agreement_cannot_be_recorded_without_a_proposal(case_a, agent):
    with pytest.raises(services.CaseError, match="no proposed resolution"):
        services.case_record_agreement(
            case=case_a, actor=agent, customer_name="A", agreed_at=NOW, method="phone", now=NOW
        )


def test_reclassifying_needs_a_reason_recomputes_the_deadline_and_tells_the_customer(case_a, agent):
    with pytest.raises(services.CaseError, match="reason"):
        services.case_reclassify(case=case_a, actor=agent, severity="critical", reason="")
    services.case_reclassify(
        case=case_a, actor=agent, severity="critical", reason="All API calls fail", now=NOW
    )
    case_a.refresh_from_db()
    assert case_a.severity == "critical"
    assert case_a.first_response_due_at == NOW + timedelta(minutes=15)
    assert "All API calls fail" in mail.outbox[-1].body


def test_escalating_records_it_and_mails_the_tam(case_a, customer_a, tam_a):
    services.case_escalate(case=case_a, customer=customer_a, reason="No answer yet")
    case_a.refresh_from_db()
    assert case_a.escalated_at
    assert mail.outbox[-1].to == [tam_a.email]
    assert case_a.events.filter(kind="escalated").exists()


def test_close_and_reopen(case_a, agent, customer_a):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed")
    services.case_accept_resolution(case=case_a, customer=customer_a)
    services.case_close(case=case_a, actor=agent)
    case_a.refresh_from_db()
    assert case_a.status == Status.CLOSED and case_a.closed_at
    services.case_reopen(case=case_a, actor=agent, reason="It came back")
    case_a.refresh_from_db()
    assert case_a.status == Status.IN_PROGRESS
    assert case_a.closed_at is None and case_a.resolved_at is None


def test_an_illegal_move_is_refused_with_a_sentence(case_a, agent):
    with pytest.raises(services.CaseError) as error:
        services.case_close(case=case_a, actor=agent)
    assert error.value.message == f"Case {case_a.reference} is “New” and cannot become “Closed”."


def test_a_second_proposal_while_one_is_pending_is_refused(case_a, agent, manager):
    services.case_propose_resolution(case=case_a, actor=agent, summary="one")
    with pytest.raises(services.CaseError):
        services.case_propose_resolution(case=case_a, actor=manager, summary="two")
    assert case_a.agreements.count() == 1


def test_two_agents_taking_the_same_case_cannot_both_win(case_a, agent, manager):
    services.case_assign(case=case_a, agent=agent, actor=agent, only_if_unassigned=True)
    with pytest.raises(services.CaseError, match="already took"):
        services.case_assign(case=case_a, agent=manager, actor=manager, only_if_unassigned=True)
    case_a.refresh_from_db()
    assert case_a.assigned_agent == agent


def test_a_customer_reply_to_a_just_resolved_case_reopens_it(case_a, agent, customer_a):
    services.case_propose_resolution(case=case_a, actor=agent, summary="x")
    services.case_accept_resolution(case=case_a, customer=customer_a)
    message = services.case_customer_reply(case=case_a, author=customer_a, body="hi")
    case_a.refresh_from_db()
    assert (message.case_id, case_a.status) == (case_a.pk, Status.IN_PROGRESS)


ALL = list(Status)


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_the_transition_table(source, target):
    allowed = {
        ("new", "in_progress"),
        ("new", "waiting_on_customer"),
        ("new", "workaround_provided"),
        ("new", "resolution_proposed"),
        ("in_progress", "waiting_on_customer"),
        ("in_progress", "workaround_provided"),
        ("in_progress", "resolution_proposed"),
        ("waiting_on_customer", "in_progress"),
        ("waiting_on_customer", "workaround_provided"),
        ("waiting_on_customer", "resolution_proposed"),
        ("workaround_provided", "in_progress"),
        ("workaround_provided", "waiting_on_customer"),
        ("workaround_provided", "resolution_proposed"),
        ("resolution_proposed", "in_progress"),
        ("resolution_proposed", "resolved"),
        ("resolved", "closed"),
        ("resolved", "in_progress"),
        ("closed", "in_progress"),
    }
    assert services.can_move(source, target) == ((source, target) in allowed)


def test_mail_is_sent_once_per_event_and_its_message_id_stored(case_a, agent):
    from cases.mailing import send_event_mail

    services.case_reply(case=case_a, author=agent, body="Hello")
    event = case_a.events.get(kind=CaseEvent.Kind.REPLIED)
    assert send_event_mail(event.pk) == 0  # already sent on commit
    sent = OutboundMessage.objects.get(source_key=f"event:{event.pk}")
    message = mail.outbox[-1]
    assert message.extra_headers["Message-ID"] == sent.message_id
    assert message.reply_to == ["support@example.com"]
    assert f"[{case_a.reference}]" in message.subject
    assert message.alternatives[0][1] == "text/html"


def test_mail_speaks_the_recipients_language(file_case, customer_a):
    customer_a.language = "nl"
    customer_a.save()
    file_case()
    assert "Ernst 1 Hotline" in mail.outbox[-1].body


def test_the_deadline_follows_a_calendar_change(case_a, account_a):
    from accounts.models import Holiday

    Holiday.objects.create(calendar=account_a.office_hours, date=NOW.date(), name="Closed")
    from cases.deadlines import recompute_for_calendar

    recompute_for_calendar(account_a.office_hours_id)
    case_a.refresh_from_db()
    assert case_a.first_response_due_at == NOW.replace(day=26, hour=13, tzinfo=AMS)


def test_mail_waits_for_the_commit(case_a, agent, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.case_reply(case=case_a, author=agent, body="Hello")
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_changing_an_sla_policy_in_the_admin_moves_open_deadlines(case_a, change_sla_policy):
    response = change_sla_policy(60)
    assert response.status_code == 302
    case_a.refresh_from_db()
    assert case_a.first_response_due_at == NOW.replace(hour=11)


def test_the_periodic_task_recomputes_and_reports_what_moved(case_a):
    from cases.models import SlaPolicy
    from cases.tasks import recompute_deadlines_task

    assert recompute_deadlines_task() == 0
    SlaPolicy.objects.filter(severity="non_critical").update(first_response_minutes=120)
    assert recompute_deadlines_task() == 1


def test_met_or_breached_is_recomputed_from_the_recorded_events(case_a, agent, customer_a):
    from cases import selectors

    services.case_set_status(
        case=case_a, status=Status.WAITING_ON_CUSTOMER, actor=agent, now=NOW + timedelta(hours=1)
    )
    services.case_customer_reply(
        case=case_a, author=customer_a, body="info", now=NOW + timedelta(hours=2)
    )
    services.case_reply(case=case_a, author=agent, body="answer", now=NOW + timedelta(hours=5))
    case_a.refresh_from_db()
    due, fulfilled, verdict = selectors.first_response_from_events(case_a, NOW + timedelta(days=1))
    assert (due, fulfilled) == (case_a.first_response_due_at, case_a.first_response_at)
    assert due == NOW.replace(hour=15)  # 14:00 pushed by the hour spent waiting
    assert verdict == "met"
    late = NOW + timedelta(hours=6)
    assert selectors.first_response_verdict(case_a, late) == verdict


def test_going_back_to_work_withdraws_the_pending_proposal(case_a, agent):
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed?")
    services.case_set_status(case=case_a, status=Status.IN_PROGRESS, actor=agent)
    assert case_a.agreements.get().outcome == ResolutionAgreement.Outcome.WITHDRAWN
    services.case_propose_resolution(case=case_a, actor=agent, summary="Fixed now")
    assert case_a.agreements.filter(outcome="pending").count() == 1


def test_a_follower_who_moved_to_another_account_no_longer_gets_its_case_mail(
    case_a, agent, account_a, account_b
):
    from tests.factories import ContactFactory

    stayed = ContactFactory(account=account_a).user
    moved_contact = ContactFactory(account=account_a)
    removed_contact = ContactFactory(account=account_a)
    for person in (stayed, moved_contact.user, removed_contact.user):
        services.case_set_following(case=case_a, user=person, follow=True)
    moved_contact.account = account_b
    moved_contact.save()
    removed_user = removed_contact.user
    removed_contact.delete()
    mail.outbox.clear()

    services.case_reply(case=case_a, author=agent, body="Here is the fix")

    recipients = {address for message in mail.outbox for address in message.to}
    assert stayed.email in recipients
    assert case_a.requester.email in recipients
    assert moved_contact.user.email not in recipients
    assert removed_user.email not in recipients


def test_a_case_reclassified_to_critical_is_due_fifteen_minutes_after_the_reclassification(
    case_a, agent
):
    later = NOW + timedelta(hours=2)
    services.case_reclassify(
        case=case_a, actor=agent, severity="critical", reason="All API calls fail", now=later
    )
    case_a.refresh_from_db()
    assert case_a.first_response_due_at == later + timedelta(minutes=15)
    assert case_a.next_update_due_at == later + timedelta(minutes=60)
    assert services.sla_sweep(now=later + timedelta(minutes=1))["first_response_breach"] == 0

    from cases.deadlines import first_response_due

    # Derivable again from the recorded events.
    assert first_response_due(case_a) == later + timedelta(minutes=15)


FILING_TIMES = [
    NOW,  # Wednesday morning, open
    NOW.replace(day=27, hour=16, minute=30),  # Friday afternoon
    NOW.replace(day=28, hour=3),  # Saturday night
    NOW.replace(month=10, day=25, hour=1, minute=30),  # the night clocks go back
    NOW.replace(day=24, hour=12),  # a holiday (below)
]


@pytest.mark.parametrize("opened_at", FILING_TIMES)
@pytest.mark.parametrize("policies", ["migrated", "with update intervals", "none"])
@pytest.mark.parametrize("critical", [False, True])
def test_deadlines_at_filing_are_what_recomputing_them_gives(
    file_case, account_a, agent, opened_at, policies, critical
):
    from accounts.models import Holiday
    from cases import deadlines
    from cases.models import DeadlineKind, SlaPolicy
    from cases.services.update_interval import default_update_interval

    Holiday.objects.create(calendar=account_a.office_hours, date=NOW.date().replace(day=24))
    if policies == "with update intervals":
        SlaPolicy.objects.update(update_interval_minutes=90)
    elif policies == "none":
        SlaPolicy.objects.all().delete()
    answers = {"api_all_failing": True, "api_failure_cause": "server"} if critical else {}
    case = file_case(now=opened_at, **answers)
    columns = [
        "first_response_due_at",
        "agreed_update_interval",
        "next_update_due_at",
        "next_due_at",
        "next_due_kind",
    ]
    at_filing = {name: getattr(case, name) for name in columns}
    assert case.first_response_due_at > opened_at

    changed: set[str] = set()
    default_update_interval(case, changed)  # the general path, as on reclassification
    every_clock = [DeadlineKind.FIRST_RESPONSE, DeadlineKind.NEXT_UPDATE]
    deadlines.save(case, changed, recompute=every_clock)
    case.refresh_from_db()
    assert {name: getattr(case, name) for name in columns} == at_filing
    assert case.update_interval_office_hours is not critical
