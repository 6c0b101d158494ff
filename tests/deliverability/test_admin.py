"""Staff see blocklist monitoring across accounts in the admin, newest listings first."""

import pytest
from django.test import Client
from django.urls import reverse

from deliverability.models import Blocklist, CheckRun, ListingState, SendingIP

from ..html import attr, select, text


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def _state(ip, zone, state, since):
    return ListingState.objects.create(
        sending_ip=ip, blocklist=Blocklist.objects.get(zone=zone), state=state, since=since
    )


def test_listings_across_accounts_come_first_newest_on_top(agent_client, ip_a, ip_b):
    _state(ip_a, "zen.spamhaus.org", "listed", "2026-11-01T00:00Z")
    _state(ip_b, "bl.spamcop.net", "listed", "2026-11-20T00:00Z")
    _state(ip_a, "psbl.surriel.com", "clean", "2026-11-25T00:00Z")
    body = agent_client.get(reverse("admin:deliverability_listingstate_changelist")).content
    body = body.decode()
    newest, older, clean = (
        body.index("Bravo Sending Ltd"),
        body.index("Spamhaus ZEN"),
        body.index("PSBL"),
    )
    assert newest < older < clean


def test_the_listing_list_runs_a_fixed_number_of_queries(
    agent_client, account_a, django_assert_max_num_queries
):
    for i in range(15):
        ip = SendingIP.objects.create(account=account_a, address=f"192.0.2.{i + 1}")
        _state(ip, "zen.spamhaus.org", "listed", "2026-11-01T00:00Z")
    with django_assert_max_num_queries(12):
        agent_client.get(reverse("admin:deliverability_listingstate_changelist"))


def test_staff_start_a_check_of_an_account_from_the_ip_list(
    agent, ip_a, django_capture_on_commit_callbacks, dns_zones
):
    dns_zones()
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(agent).post(
            reverse("admin:deliverability_sendingip_changelist"),
            {"action": "check_now", "_selected_action": [ip_a.pk]},
            follow=True,
        )
    run = CheckRun.objects.get()
    assert (run.trigger, run.account, run.requested_by) == ("staff", ip_a.account, agent)
    assert run.status == "finished"
    [done] = select(response.content, "ul.messagelist li.success")
    assert text(done) == f"{ip_a.account.name} follow the check's progress"
    assert attr(done, "a", "href") == reverse("admin:deliverability_checkrun_change", args=[run.pk])


@pytest.mark.parametrize(
    ("persona", "url_name", "status"),
    [
        ("agent", "admin:deliverability_listingstate_changelist", 200),
        ("agent", "admin:deliverability_sendingip_add", 200),
        ("agent", "admin:deliverability_blocklist_add", 403),
        ("representative", "admin:deliverability_sendingip_changelist", 200),
        ("representative", "admin:deliverability_sendingip_add", 403),
        ("representative", "admin:deliverability_checkrun_changelist", 403),
        ("manager", "admin:deliverability_blocklist_add", 200),
        ("manager", "admin:deliverability_checkrun_changelist", 200),
        ("tam_a", "admin:deliverability_sendingdomain_add", 200),
        ("tam_a", "admin:deliverability_blocklist_add", 403),
        ("customer_a", "admin:deliverability_listingstate_changelist", 302),
    ],
)
def test_each_role_gets_what_it_needs_in_the_admin(db, request, persona, url_name, status):
    user = request.getfixturevalue(persona)
    assert _client(user).get(reverse(url_name)).status_code == status
