"""A listing served by the loopback DNS server reaches the customer's page and mailbox."""

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from deliverability.models import SendingDomain, SendingIP
from portal.celery import app as celery_app
from tests.deliverability.conftest import ZONES, healthy_records
from tests.dns_server import DnsServer, dnsmasq_missing_reason
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD

LISTING = {
    "10.2.0.192.zen.spamhaus.org": ["127.0.0.2"],
    "alpha.example.dbl.spamhaus.org": ["127.0.1.2"],
}


@pytest.fixture
def dns(settings):
    if reason := dnsmasq_missing_reason():
        pytest.skip(reason)
    server = DnsServer(ZONES, healthy_records()).start()
    settings.BLOCKLIST_NAMESERVERS = [server.nameserver]
    settings.BLOCKLIST_TIMEOUT_SECONDS = 0.5
    yield server
    server.stop()


def _beat_runs_the_scheduled_check():
    task = PeriodicTask.objects.get(task="deliverability.scheduled_blocklist_check")
    celery_app.loader.import_default_modules()  # what a worker does when it starts
    celery_app.tasks[task.task].apply_async()


@pytest.mark.django_db(transaction=True)
def test_a_new_listing_shows_on_the_page_and_in_the_mail_after_a_scheduled_run(
    page, screenshot, dns, customer_a, account_a
):
    SendingIP.objects.create(account=account_a, address="192.0.2.10", stream="transactional")
    SendingIP.objects.create(account=account_a, address="2001:db8::10", stream="transactional")
    SendingDomain.objects.create(account=account_a, name="news.alpha.example", purpose="from")
    _beat_runs_the_scheduled_check()
    assert mail.outbox == []  # nothing was listed at the first check

    dns.update({**healthy_records(), **LISTING})
    _beat_runs_the_scheduled_check()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([customer_a.email, account_a.tam.email])
    assert "192.0.2.10" in mail.outbox[0].body

    sign_in(page, customer_a.email, PASSWORD)
    page.goto("/deliverability/")
    ip_row = page.locator("#ip-matrix tbody tr", has_text="192.0.2.10")
    assert ip_row.locator("[data-state=listed]").count() == 1
    assert "SBL" in ip_row.inner_text()
    domain_row = page.locator("#domain-matrix tbody tr", has_text="news.alpha.example")
    assert domain_row.locator("[data-state=listed]").count() == 1
    screenshot("blocklist-matrix")

    page.click("text=Check now")
    page.wait_for_url("**/deliverability/**")
    assert page.locator("#ip-matrix").is_visible()

    ip_row.locator("a").first.click()
    page.wait_for_selector("svg.blocklist-history")
    assert page.locator("svg.blocklist-history rect[data-listed='1']").count() >= 1
    screenshot("blocklist-history")


@pytest.mark.django_db(transaction=True)
def test_a_customer_adds_a_domain_and_sees_the_error_for_a_bad_one(page, customer_a):
    sign_in(page, customer_a.email, PASSWORD)
    page.goto("/deliverability/domains/add/")
    page.fill("input[name=name]", "not a domain")
    page.select_option("select[name=purpose]", "from")
    page.click("main button[type=submit]")
    assert "Enter a domain name such as mail.example.com." in page.content()
    page.fill("input[name=name]", "mail.alpha.example")
    page.click("main button[type=submit]")
    page.wait_for_url("**/deliverability/")
    assert page.locator("#domain-matrix", has_text="mail.alpha.example").is_visible()
