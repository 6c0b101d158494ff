"""Profile, language switch, and signing in by email."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from tests.factories import PASSWORD
from tests.html import Page

pytestmark = pytest.mark.django_db


def test_the_profile_page_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302


def test_a_customer_saves_language_and_time_zone(client_a, customer_a):
    response = client_a.post(
        reverse("accounts:profile"),
        {"full_name": "Alice A.", "phone": "+31 6 1", "language": "nl", "time_zone": "Asia/Tokyo"},
    )
    assert response.status_code == 302
    customer_a.refresh_from_db()
    assert (customer_a.full_name, customer_a.language, customer_a.time_zone) == (
        "Alice A.",
        "nl",
        "Asia/Tokyo",
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    page = Page(client_a.get(reverse("accounts:profile")))
    assert "Uw profiel is opgeslagen." in page


def test_an_unknown_time_zone_is_refused_with_a_sentence_naming_the_field(client_a, customer_a):
    response = client_a.post(
        reverse("accounts:profile"),
        {"full_name": "Alice", "phone": "", "language": "en", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "time_zone" in form.errors
    customer_a.refresh_from_db()
    assert customer_a.time_zone == "Europe/Amsterdam"


def test_switching_language_is_kept_on_the_profile(client_a, customer_a):
    response = client_a.post(
        reverse("accounts:set_language"), {"language": "nl", "next": "/me/profile/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/me/profile/"
    customer_a.refresh_from_db()
    assert customer_a.language == "nl"
    assert "Profiel" in Page(client_a.get(reverse("accounts:profile")))


def test_switching_language_never_redirects_off_site(client_a):
    response = client_a.post(
        reverse("accounts:set_language"), {"language": "nl", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_an_anonymous_visitor_can_switch_language_by_cookie(client):
    response = client.post(
        reverse("accounts:set_language"), {"language": "nl", "next": "/accounts/login/"}
    )
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert "Inloggen op het supportportaal" in Page(client.get("/accounts/login/"))


def test_login_is_by_email_whatever_its_case(client, customer_a):
    response = client.post(
        reverse("login"), {"username": "ALICE@Alpha.Example", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_wrong_password_gets_a_clear_sentence(client, customer_a):
    response = client.post(reverse("login"), {"username": customer_a.email, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in Page(response)


def test_password_reset_mails_a_working_link(client, customer_a):
    # The link is mailed by a task queued when the request's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": customer_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [customer_a.email]
    link = next(line for line in message.body.splitlines() if "/accounts/reset/" in line)
    path = urlsplit(link.strip()).path
    follow = client.get(path, follow=True)
    assert "Choose a new password" in Page(follow)
    form_url = follow.redirect_chain[-1][0]
    done = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert done.status_code == 302
    customer_a.refresh_from_db()
    assert customer_a.check_password("a-new-long-passphrase")
