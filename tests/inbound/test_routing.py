"""Where a message goes: duplicates, delivery failures, machine mail, DMARC, replies
matched by thread or reference with the sender checked, new cases, quarantine."""

from hypothesis import given
from hypothesis import strategies as st

from inbound.classify import Classification, Verdict, classify
from inbound.routing import Decision, Route, RoutingFacts, route

ACME, NORTHWIND = 1, 2
CASE_123 = 123


def decide(corpus, name, **facts) -> Decision:
    parsed = corpus(name)
    return route(
        parsed, classify(parsed, own_addresses=["support@example.com"]), RoutingFacts(**facts)
    )


def test_a_message_stored_before_is_a_duplicate_whatever_else_holds(corpus):
    decision = decide(corpus, "gmail-reply.eml", already_stored=True, case_by_thread=CASE_123)
    assert decision.route is Route.DUPLICATE


def test_a_contacts_reply_in_the_thread_is_posted_on_its_case(corpus):
    decision = decide(
        corpus, "gmail-reply.eml",
        case_by_thread=CASE_123, case_by_thread_account=ACME, sender_account=ACME, dmarc="pass",
    )  # fmt: skip
    assert decision == Decision(Route.CASE_REPLY, "a reply matched by its thread", case=CASE_123)


def test_without_thread_ids_the_subject_reference_matches(corpus):
    decision = decide(
        corpus, "wrong-charset-declared-utf8.eml",
        case_by_reference=CASE_123, case_by_reference_account=ACME, sender_account=ACME,
    )  # fmt: skip
    assert decision.route is Route.CASE_REPLY
    assert decision.reason == "a reply matched by its reference EE-000123"


def test_the_thread_wins_over_the_subject_reference(corpus):
    decision = decide(
        corpus, "gmail-reply.eml",
        case_by_thread=7, case_by_thread_account=ACME,
        case_by_reference=CASE_123, case_by_reference_account=NORTHWIND, sender_account=ACME,
    )  # fmt: skip
    assert (decision.route, decision.case) == (Route.CASE_REPLY, 7)


def test_staff_may_reply_to_any_case_with_a_dmarc_pass(corpus):
    decision = decide(
        corpus, "thunderbird-reply.eml",
        case_by_thread=CASE_123, case_by_thread_account=ACME, sender_is_staff=True,
        dmarc="pass",
    )  # fmt: skip
    assert decision.route is Route.CASE_REPLY
    assert not decision.internal


def test_staff_answering_a_mail_to_staff_post_an_internal_note(corpus):
    facts = {"case_by_thread": CASE_123, "case_by_thread_account": ACME, "dmarc": "pass"}
    staff = decide(
        corpus, "thunderbird-reply.eml", sender_is_staff=True, thread_to_staff=True, **facts
    )
    assert (staff.route, staff.case, staff.internal) == (Route.CASE_REPLY, CASE_123, True)
    # A contact cannot reach the note by replying in that thread: theirs is a reply.
    contact = decide(
        corpus, "thunderbird-reply.eml", sender_account=ACME, thread_to_staff=True, **facts
    )
    assert (contact.route, contact.internal) == (Route.CASE_REPLY, False)


def test_a_stranger_quoting_a_real_reference_goes_to_quarantine_not_onto_the_case(corpus):
    decision = decide(
        corpus, "stranger-quoting-reference.eml",
        case_by_reference=CASE_123, case_by_reference_account=ACME, dmarc="pass",
    )  # fmt: skip
    assert decision.route is Route.QUARANTINE
    assert decision.reason == (
        "mallory@evil.example is not a contact of the account of the case matched by its "
        "reference EE-000123"
    )
    assert decision.case == CASE_123
    assert decision.send_access_reply


def test_a_contact_of_another_account_cannot_post_on_a_case(corpus):
    decision = decide(
        corpus, "gmail-reply.eml",
        case_by_thread=CASE_123, case_by_thread_account=NORTHWIND, sender_account=ACME,
    )  # fmt: skip
    assert decision.route is Route.QUARANTINE
    assert not decision.send_access_reply


def test_a_failing_dmarc_result_is_quarantined_without_a_reply(corpus):
    decision = decide(
        corpus, "spoofed-contact-dmarc-fail.eml",
        case_by_thread=CASE_123, case_by_thread_account=ACME, sender_account=ACME, dmarc="fail",
    )  # fmt: skip
    assert decision.route is Route.QUARANTINE
    assert decision.reason == "DMARC failed: the sender address may be forged"
    assert not (decision.send_access_reply or decision.send_acknowledgement)


def test_a_new_message_from_a_contact_opens_a_case_with_an_acknowledgement(corpus):
    decision = decide(corpus, "missing-message-id.eml", sender_account=ACME)
    assert decision == Decision(
        Route.NEW_CASE, "a new message from a contact", account=ACME, send_acknowledgement=True
    )


def test_an_unknown_sender_gets_quarantine_and_one_access_reply(corpus):
    decision = decide(corpus, "html-only-script.eml")
    assert decision.route is Route.QUARANTINE
    assert decision.reason == "nick@northwind.example is not a contact of any account"
    assert decision.send_access_reply


def test_a_bounce_of_our_notification_is_a_delivery_failure_on_its_case(corpus):
    decision = decide(corpus, "dsn-bounce.eml", reported_case=CASE_123)
    assert decision == Decision(
        Route.DELIVERY_FAILURE, "a delivery report about one of our notifications", case=CASE_123
    )


def test_a_bounce_about_mail_we_did_not_send_is_quarantined(corpus):
    decision = decide(corpus, "dsn-bounce.eml")
    assert decision.route is Route.QUARANTINE
    assert decision.reason.startswith("a delivery report about a message we did not send (")


def test_an_out_of_office_reply_in_a_thread_is_not_posted(corpus):
    decision = decide(
        corpus, "out-of-office-en.eml",
        case_by_thread=CASE_123, case_by_thread_account=ACME, sender_account=ACME,
    )  # fmt: skip
    assert decision.route is Route.QUARANTINE
    assert decision.reason.startswith("an out-of-office reply (Auto-Submitted: auto-replied")
    assert not decision.send_access_reply


@given(
    verdict=st.sampled_from(Verdict),
    facts=st.builds(
        RoutingFacts,
        already_stored=st.booleans(),
        case_by_thread=st.none() | st.integers(1, 3),
        case_by_thread_account=st.none() | st.integers(1, 3),
        case_by_reference=st.none() | st.integers(1, 3),
        case_by_reference_account=st.none() | st.integers(1, 3),
        sender_account=st.none() | st.integers(1, 3),
        sender_is_staff=st.booleans(),
        reported_case=st.none() | st.integers(1, 3),
        dmarc=st.sampled_from([None, "pass", "fail", "none", "FAIL"]),
    ),
)
def test_every_message_ends_in_exactly_one_place_and_machines_are_never_answered(
    corpus, verdict, facts
):
    parsed = corpus("gmail-reply.eml")
    reasons = () if verdict is Verdict.PERSON else ("x",)
    decision = route(parsed, Classification(verdict, reasons), facts)
    assert decision.route in Route
    assert decision.reason
    if verdict is not Verdict.PERSON or (facts.dmarc or "").lower() == "fail":
        assert not (decision.send_access_reply or decision.send_acknowledgement)
        assert decision.route in (Route.DUPLICATE, Route.QUARANTINE, Route.DELIVERY_FAILURE)
    if decision.route is Route.CASE_REPLY:
        account = (
            facts.case_by_thread_account
            if facts.case_by_thread is not None
            else facts.case_by_reference_account
        )
        assert facts.sender_is_staff or facts.sender_account == account is not None
    if decision.route is Route.NEW_CASE:
        assert decision.account == facts.sender_account is not None
