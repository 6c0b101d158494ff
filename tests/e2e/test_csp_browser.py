"""In a real browser: no page of the portal or of the staff admin breaks its
Content-Security-Policy (no inline script, style element or style attribute), as the
browser itself reports it."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Account
from deliverability.models import CheckRun, WarmupPlan
from demo.accounts import DEMO_PASSWORD

from .conftest import csp_violations, sign_in, type_code

pytestmark = pytest.mark.django_db(transaction=True)

# Links not to follow: they change state, download files or leave the session.
SKIP = (
    "/accounts/logout",
    "/logout",
    "/attachments/",
    "format=csv",
    "/admin/logout",
    "mailto:",
    "tel:",
)


def crawl(page, start: list[str], *, prefix: str, limit: int) -> list[str]:
    """Visit the start pages and the same-site links they show, breadth first."""
    seen: list[str] = []
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        # Violations are reported as the page is parsed and its scripts start: "load" is enough.
        response = page.goto(url, wait_until="load")
        assert response is not None and response.status < 500, url
        for href in page.eval_on_selector_all(
            "a[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith(prefix):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if any(s in link for s in SKIP) or link in seen or link in queue:
                continue
            queue.append(link)
    return seen


def test_customer_pages_keep_their_content_security_policy(page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    # A check in progress shows the progress bar driven by its script.
    acme = Account.objects.get(name="Acme Mail BV")
    CheckRun.objects.create(account=acme, trigger="customer", status="running", chunks_total=4)
    violations = csp_violations(page)
    sign_in(page, "anna@acme.example", DEMO_PASSWORD)
    visited = crawl(
        page,
        ["/", "/cases/", "/cases/new/", "/deliverability/", "/me/profile/", "/no-such-page/"],
        prefix="/",
        limit=45,
    )
    assert len(visited) >= 20
    assert violations == []


def test_staff_admin_pages_keep_their_content_security_policy(page):
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    violations = csp_violations(page)
    sign_in(page, "admin@example.com", DEMO_PASSWORD)
    type_code(page, "admin@example.com")
    page.goto("/admin/")
    changelists = sorted(
        set(
            page.eval_on_selector_all(
                "#content-main a[href^='/admin/']", "els => els.map(e => e.getAttribute('href'))"
            )
        )
    )
    visited = []
    for url in changelists:
        page.goto(url, wait_until="load")
        visited.append(url)
        first = page.query_selector("#result_list tbody tr a[href*='/change/']")
        if first is not None:
            page.goto(first.get_attribute("href"), wait_until="load")
            visited.append(page.url)
    custom = [reverse("admin:cases_hotlinecall_intake"), reverse("admin:cases_sla_report")]
    plan = WarmupPlan.objects.first()
    if plan is not None:
        custom.append(reverse("admin:deliverability_warmupplan_upload", args=[plan.pk]))
    for url in custom:
        page.goto(url, wait_until="load")
    assert len(visited) >= 20
    assert violations == []
