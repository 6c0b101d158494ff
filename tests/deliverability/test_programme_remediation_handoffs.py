"""Tier 1 remediation hand-offs: progress mailed to the account's contacts, pre-filled
texts with readable moments, the provider asked only for mailbox-provider blocks, and the
checklist reading the warm-up plan's flags."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cases.models import Case
from deliverability.models import RemediationRequest, RemediationStep
from deliverability.programme.services import remediation_step_mail, remediation_step_record
from tests.deliverability.programme_fixtures import (
    REMEDIATION_FIELDS,
    S3150,
    make_actual,
    make_plan,
)
from tests.factories import ContactFactory

from ..html import absent, attr, one, page, select, text, texts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ip_a", "domain_a")]


@pytest.fixture
def dutch_contact(account_a):
    return ContactFactory(
        account=account_a,
        user__email="bram@alpha.example",
        user__full_name="Bram de Vries",
        user__language="nl",
        user__time_zone="Europe/Amsterdam",
    ).user


def _admin_step(client, remediation, **step):
    """Record one step through the remediation request's admin page."""
    data = {k: v for k, v in REMEDIATION_FIELDS.items() if k != "provider_label"}
    data.update(
        {
            "first_seen": "2027-01-10",
            "steps-TOTAL_FORMS": 1,
            "steps-INITIAL_FORMS": 0,
            "steps-MIN_NUM_FORMS": 0,
            "steps-MAX_NUM_FORMS": 1000,
            "steps-0-channel": "",
            "steps-0-provider_reference": "",
            "steps-0-outcome": "",
            "steps-0-text": "",
            **{f"steps-0-{k}": v for k, v in step.items()},
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items()}
    url = reverse("admin:deliverability_remediationrequest_change", args=[remediation.pk])
    return client.post(url, data)


def _mails_about(remediation):
    return {
        m.to[0]: m for m in mail.outbox if m.subject.startswith(f"[{remediation.case.reference}]")
    }


# --- Progress mailed to the account's contacts -------------------------------------------


def test_a_submission_is_mailed_to_every_contact_with_the_providers_reference(
    remediation_a, customer_a, dutch_contact, agent_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _admin_step(
            agent_client,
            remediation_a,
            kind="submitted",
            on="2027-01-11",
            channel="form",
            provider_reference="SRX9",
        )
    assert response.status_code == 302
    mails = _mails_about(remediation_a)
    assert sorted(mails) == ["alice@alpha.example", "bram@alpha.example"]
    english, dutch = mails["alice@alpha.example"], mails["bram@alpha.example"]
    reference = remediation_a.case.reference
    assert english.subject == f"[{reference}] Remediation request submitted to Microsoft"
    assert english.body == (
        f"Hello {customer_a.full_name},\n"
        "\n"
        "We submitted your Tier 1 remediation request to Microsoft on 11 January 2027 "
        "(Provider's web form). Their reference: SRX9.\n"
        "\n"
        f"Case: {reference} · ISP-block remediation: Microsoft\n"
        "Affected IPs or ranges: 192.0.2.10\n"
        "\n"
        "Every step of the request in the portal: "
        f"http://127.0.0.1:8000/deliverability/remediation/{remediation_a.pk}/\n"
        "Reply to this mail to add information to the case (support@example.com).\n"
        "\n"
        "-- \n"
        "Email Enterprise Support\n\n"
    )
    assert english.reply_to == ["support@example.com"]
    assert dutch.subject == f"[{reference}] Remediatieverzoek ingediend bij Microsoft"
    assert "op 11 januari 2027" in dutch.body and "Hun kenmerk: SRX9." in dutch.body
    assert dutch.body.startswith("Beste Bram de Vries,")
    assert RemediationStep.objects.get().mailed_at is not None


def test_the_providers_answer_is_mailed_with_its_text(
    remediation_a, customer_a, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remediation_step_record(
            request=remediation_a,
            kind="answer",
            on=date(2027, 1, 12),
            recorded_by=agent,
            text="Not eligible for mitigation; reply to escalate.",
        )
    [answer] = _mails_about(remediation_a).values()
    assert answer.subject.endswith("Microsoft answered your remediation request")
    assert "Microsoft answered your Tier 1 remediation request on 12 January 2027." in answer.body
    assert "Not eligible for mitigation; reply to escalate." in answer.body


def test_tier_2_is_mailed_with_the_contracts_wording_in_the_readers_language(
    remediation_a, dutch_contact, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remediation_step_record(
            request=remediation_a, kind="tier2", on=date(2027, 1, 12), recorded_by=agent
        )
    mails = _mails_about(remediation_a)
    english, dutch = mails["alice@alpha.example"], mails["bram@alpha.example"]
    assert english.subject.endswith("Remediation request marked Tier 2 (out of scope)")
    sentence = "Tier 2 (custom) mediation are excluded from the support contract."
    assert english.body.count(sentence) == 1
    assert "Inbox placement rates are not guaranteed" in english.body
    assert "vallen buiten het supportcontract" in dutch.body
    assert sentence not in dutch.body


def test_a_step_task_that_runs_twice_mails_once_and_only_this_accounts_contacts(
    remediation_a, customer_b, agent, account_a
):
    ContactFactory(account=account_a, user__email="gone@alpha.example", user__is_active=False)
    step = remediation_step_record(
        request=remediation_a,
        kind="outcome",
        on=date(2027, 1, 13),
        recorded_by=agent,
        outcome="resolved",
    )
    assert remediation_step_mail(step_id=step.pk) == 1
    assert remediation_step_mail(step_id=step.pk) == 0
    [lifted] = mail.outbox
    assert lifted.to == ["alice@alpha.example"]
    assert lifted.subject.endswith("Microsoft lifted the block")
    assert "Inbox placement rates are not guaranteed" in lifted.body


# --- Pre-filled texts carry readable moments ---------------------------------------------

SINCE = datetime(2026, 12, 4, 16, 24, 28, 883634, tzinfo=UTC)


def test_a_listing_prefills_its_moment_in_the_readers_zone(client_a, listing_a):
    listing_a.since = SINCE
    listing_a.save()
    tree = page(client_a.get(reverse("deliverability:remediation_new"), {"listing": listing_a.pk}))
    bounce_text = text(tree, "textarea[name=bounce_text]")
    assert f"Listed on {listing_a.blocklist.name} since 4 December 2026, 17:24 CET." in bounce_text
    assert "+00:00" not in bounce_text and "28.883634" not in bounce_text
    assert attr(tree, "input[name=first_seen]", "value") == "2026-12-04"


def test_the_prefilled_moment_reads_in_dutch_and_in_new_york(
    client_a, customer_a, listing_a, client_b, customer_b, ip_b
):
    from deliverability.models import Blocklist, ListingState

    customer_a.language = "nl"
    customer_a.save()
    listing_a.since = SINCE
    listing_a.save()
    tree = page(client_a.get(reverse("deliverability:remediation_new"), {"listing": listing_a.pk}))
    assert "sinds 4 december 2026, 17:24 CET." in text(tree, "textarea[name=bounce_text]")
    assert attr(tree, "input[name=first_seen]", "value") == "2026-12-04"  # as a date input takes it
    listing_b = ListingState.objects.create(
        sending_ip=ip_b,
        blocklist=Blocklist.objects.filter(kind="ip").first(),
        state=ListingState.State.LISTED,
        since=SINCE,
    )
    tree = page(client_b.get(reverse("deliverability:remediation_new"), {"listing": listing_b.pk}))
    assert "since 4 December 2026, 11:24 EST." in text(tree, "textarea[name=bounce_text]")


def test_a_diagnosed_bounce_is_stamped_with_the_readers_moment(client_a):
    with time_machine.travel(SINCE, tick=False):
        tree = page(client_a.get(reverse("deliverability:remediation_new"), {"bounce_text": S3150}))
    assert text(tree, "textarea[name=bounce_text]").startswith(
        "4 December 2026, 17:24 CET 550 5.7.1"
    )


def test_the_case_description_gives_the_first_seen_date_in_words(client_a):
    data = {k: v for k, v in REMEDIATION_FIELDS.items() if k != "provider_label"}
    client_a.post(reverse("deliverability:remediation_new"), {**data, "first_seen": "2027-01-10"})
    assert "First seen: 10 January 2027" in Case.objects.get().description


# --- The provider is asked only for mailbox-provider blocks -------------------------------


def _form_data(**changes):
    data = {k: v for k, v in REMEDIATION_FIELDS.items() if k != "provider_label"}
    data.update(first_seen="2027-01-10", **changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_blocklist_listing_is_filed_without_a_mailbox_provider(client_a, listing_a):
    url = reverse("deliverability:remediation_new") + f"?listing={listing_a.pk}"
    tree = page(client_a.get(url))
    absent(tree, "#remediation-form [name=provider]")
    absent(tree, "#remediation-form label[for=id_provider]")
    response = client_a.post(url, _form_data(provider=None))
    remediation = RemediationRequest.objects.get()
    assert response.status_code == 302
    name = listing_a.blocklist.name
    assert (remediation.provider, remediation.listing, remediation.counterpart) == (
        "",
        listing_a,
        name,
    )
    assert remediation.case.subject == f"ISP-block remediation: {name}"
    assert f"Blocklist: {name}" in remediation.case.description
    detail = page(client_a.get(reverse("deliverability:remediation", args=[remediation.pk])))
    assert text(detail, "h1") == f"Tier 1 remediation with {name}"
    listing = page(client_a.get(reverse("deliverability:remediations")))
    assert texts(listing, "#remediations tbody td")[1] == name


def test_a_mailbox_provider_block_asks_for_the_provider(client_a):
    url = reverse("deliverability:remediation_new")
    one(page(client_a.get(url)), "#remediation-form select[name=provider]")
    response = client_a.post(url, _form_data(provider=None))
    assert response.status_code == 200
    field = one(response.content, "#remediation-form div:has(> #id_provider)")
    assert texts(field, ".text-danger") == ["Choose the mailbox provider that blocks the mail."]
    assert not RemediationRequest.objects.exists()


# --- The checklist reflects the warm-up plan's flags --------------------------------------


def test_the_checklist_lists_each_flagged_day_of_each_plan_and_marks_the_box(
    client_a, plan_a, actual_over_plan
):
    clean = make_plan(plan_a.account, list(plan_a.ips.all()), name="Clean IPs")
    make_actual(clean, date(2027, 1, 4))
    form = one(page(client_a.get(reverse("deliverability:remediation_new"))), "#remediation-form")
    plans = select(form, "#evidence-warmup .evidence-plan")
    assert [text(p, "a") for p in plans] == ["New IPs", "Clean IPs"]
    assert attr(plans[0], "a", "href") == reverse("deliverability:plan", args=[plan_a.pk])
    assert text(plans[1]).endswith("followed, without a flagged day.")
    [day] = select(plans[0], ".evidence-flagged li")
    assert day.get("data-date") == "2027-01-05"
    assert text(day) == "5 January 2027, hold: Microsoft: More sent than planned."
    assert one(form, "#id_warmup_followed").get("checked") is None
    assert "days flagged to hold or step back" in text(form, "#warmup-followed-note")
    absent(form, "#complaint-rate-note")
    one(form, "#id_complaint_rate_ok[checked]")


def test_a_complaint_flag_marks_the_complaint_box(client_a, plan_a):
    make_actual(plan_a, date(2027, 1, 4), complaints=1)
    form = one(page(client_a.get(reverse("deliverability:remediation_new"))), "#remediation-form")
    assert "Gmail: Complaint rate at or above 0.3%." in text(form, ".evidence-flagged li")
    assert "complaint rate at or above 0.1%" in text(form, "#complaint-rate-note")
    assert one(form, "#id_complaint_rate_ok").get("checked") is None


def test_without_actuals_the_checklist_says_so_and_marks_nothing(client_a, plan_a):
    form = one(page(client_a.get(reverse("deliverability:remediation_new"))), "#remediation-form")
    assert text(form, "#evidence-warmup") == "IP warm-up: no warm-up plan with actuals on record."
    absent(form, "#warmup-followed-note")
    absent(form, "#complaint-rate-note")


def test_the_service_asks_for_a_provider_unless_a_listing_names_the_list(account_a, customer_a):
    from django.core.exceptions import ValidationError

    from deliverability.programme.services import remediation_open

    with pytest.raises(ValidationError) as excinfo:
        remediation_open(
            account=account_a,
            requester=customer_a,
            fields={**REMEDIATION_FIELDS, "provider": "", "provider_label": ""},
        )
    assert excinfo.value.message_dict == {
        "provider": ["Choose the mailbox provider that blocks the mail."]
    }
    assert not Case.objects.exists()
