"""Browser tests: Playwright driving Debian's Chromium, headless, against live_server.

Playwright's browsers cannot be downloaded here, so Chromium is launched by its path.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OUTPUT_DIR = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's live server and the
# test's database calls are still synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium')."
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "Playwright for Python is not installed."
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


# Per module, not per session: Playwright's sync API keeps an event loop running in this
# thread while it is open, and tests that run asyncio code must not find it there.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def screenshot(page):
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = OUTPUT_DIR / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}


def within_phone_width(locator, what: str) -> None:
    """The element is shown and fits a phone's width, nothing cut or scrolled aside."""
    assert locator.is_visible(), what
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (what, box)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def answer_critical(page) -> None:
    """On the form for filing a case: a bug with every API call failing on our side."""
    page.goto("/cases/new/")
    page.fill("input[name=subject]", "All API calls fail with 503")
    page.select_option("select[name=need]", "software_bug")
    page.check("input[name=api_all_failing][value=yes]")
    page.check("input[name=api_failure_cause][value=server]")


def current_code(user_email: str, *, confirmed: bool = True, ahead: int = 0) -> str:
    """The code the person's authenticator app shows now, or `ahead` seconds from now
    (computed from its secret)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__email=user_email, confirmed=confirmed)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + ahead
    return f"{totp.token():0{device.digits}d}"


def type_code(page, user_email: str, *, confirmed: bool = True, ahead: int = 0) -> None:
    """On the sign-in code page (or the set-up page): type the code the app shows."""
    page.fill("input[name=code]", current_code(user_email, confirmed=confirmed, ahead=ahead))
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def csp_violations(page) -> list[str]:
    """Start collecting the page's Content-Security-Policy violations (console errors)."""
    found: list[str] = []

    def on_console(message):
        text = message.text
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            found.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return found


def file_critical(customer):
    """The customer's critical case, filed through the service: every API call fails on
    our side."""
    from cases import services

    return services.case_open(
        account=customer.contact.account,
        requester=customer,
        subject="All API calls fail with 503",
        description="Every call answers 503.",
        category="software_bug",
        api_all_failing=True,
        api_failure_cause="server",
    )
