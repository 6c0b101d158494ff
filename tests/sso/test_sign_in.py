"""Signing in through the account's identity provider, end to end: the portal's pages,
the provider on loopback, the ID token checked in full, the person matched to a contact
of that account only."""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import AccountEvent, Contact, User
from accounts.signin import services as signin_services
from accounts.sso.models import AccountSignOn
from tests import html
from tests.factories import ContactFactory, StaffFactory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

from .conftest import signed_in_as, sso_sign_in, start, to_provider_and_back

pytestmark = pytest.mark.django_db


def refusal(response) -> str:
    return html.attr(response, "[data-testid=sso-refused]", "data-refusal")


def test_a_contact_of_the_account_signs_in_and_lands_on_their_home(
    client, customer_a, sign_on_a, oidc
):
    response = sso_sign_in(client, "Alice@Alpha.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == customer_a
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert home.wsgi_request.user == customer_a


def test_the_provider_is_asked_with_state_nonce_pkce_and_the_address(
    client, customer_a, sign_on_a, oidc
):
    response = start(client, "alice@alpha.example")
    asked = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    assert response["Location"].startswith(f"{oidc.issuer}/authorize?")
    assert asked["client_id"] == sign_on_a.client_id
    assert asked["login_hint"] == "alice@alpha.example"
    assert asked["code_challenge_method"] == "S256"
    assert len(asked["state"]) >= 32 and len(asked["nonce"]) >= 32
    assert asked["scope"] == "openid email profile"
    client.get(to_provider_and_back(response))
    (token_request,) = oidc.asked("/token")
    assert len(token_request["code_verifier"]) >= 43
    assert "client_secret" not in token_request  # sent as HTTP Basic, the standard's default


def test_the_page_named_in_next_is_where_they_land_and_no_other_site(
    client, customer_a, sign_on_a, oidc
):
    response = sso_sign_in(client, "alice@alpha.example", next="/cases/")
    assert response["Location"] == "/cases/"
    client.logout()
    response = sso_sign_in(client, "alice@alpha.example", next="https://evil.example/")
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ({"sign_with_other_key": True}, "token_invalid"),
        ({"sign_with_client_secret": True}, "token_invalid"),
        ({"claims": {"aud": "another-client"}}, "token_invalid"),
        ({"claims": {"iss": "https://impostor.example"}}, "token_invalid"),
        (
            {"claims": {"exp": int(time.time()) - 600, "iat": int(time.time()) - 900}},
            "token_expired",
        ),
        ({"nonce": "a-nonce-the-portal-never-asked-for"}, "token_invalid"),
        ({"claims": {"nonce": None}}, "token_invalid"),
        ({"claims": {"email_verified": False}}, "email_unverified"),
        ({"claims": {"email_verified": "true"}}, "email_unverified"),
        ({"claims": {"email": "alice@elsewhere.example"}}, "domain_not_configured"),
    ],
    ids=[
        "signed-with-another-key",
        "signed-with-the-client-secret",
        "wrong-audience",
        "wrong-issuer",
        "expired",
        "wrong-nonce",
        "no-nonce",
        "email-not-verified",
        "email-verified-as-a-string",
        "domain-not-configured",
    ],
)
def test_an_id_token_that_fails_a_check_signs_nobody_in(
    client, customer_a, sign_on_a, oidc, shape, expected
):
    for name, value in shape.items():
        setattr(oidc, name, value)
    response = sso_sign_in(client, "alice@alpha.example")
    assert refusal(response) == expected
    assert response.status_code in {"token_invalid": (400,), "token_expired": (400,)}.get(
        expected, (403,)
    )
    assert signed_in_as(client) is None


def test_a_wrong_state_or_a_replayed_answer_signs_nobody_in(client, customer_a, sign_on_a, oidc):
    callback = to_provider_and_back(start(client, "alice@alpha.example"))
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400
    assert refusal(response) == "stale"
    # The forged answer did not use up the real one, which works once.
    assert client.get(callback).status_code == 302
    client.logout()
    response = client.get(callback)
    assert refusal(response) == "stale"
    assert signed_in_as(client) is None


def test_an_answer_started_in_another_browser_signs_nobody_in(client, customer_a, sign_on_a, oidc):
    from django.test import Client

    callback = to_provider_and_back(start(Client(), "alice@alpha.example"))
    response = client.get(callback)
    assert refusal(response) == "stale"
    assert signed_in_as(client) is None


def test_the_providers_refusal_is_a_sentence(client, customer_a, sign_on_a, oidc):
    start(client, "alice@alpha.example")
    response = client.get(reverse("sso:callback"), {"error": "access_denied", "state": "x"})
    assert response.status_code == 403
    assert refusal(response) == "provider_error"
    assert "identity provider did not sign you in" in html.text(
        response, "[data-testid=sso-refused]"
    )


def test_a_deactivated_login_is_refused(client, customer_a, sign_on_a, oidc):
    customer_a.is_active = False
    customer_a.save()
    response = sso_sign_in(client, "alice@alpha.example")
    assert response.status_code == 403
    assert refusal(response) == "deactivated"
    assert signed_in_as(client) is None


def test_a_login_of_another_account_or_a_staff_login_is_refused(client, account_b, sign_on_a, oidc):
    ContactFactory(account=account_b, user__email="carol@alpha.example")
    StaffFactory(email="steve@alpha.example")
    for email, expected in [
        ("carol@alpha.example", "other_account"),
        ("steve@alpha.example", "staff"),
    ]:
        oidc.reset(email=email)
        response = sso_sign_in(client, email)
        assert response.status_code == 403
        assert refusal(response) == expected
        assert signed_in_as(client) is None


def test_a_new_colleague_is_told_to_ask_for_an_invitation_unless_joining_is_allowed(
    client, account_a, sign_on_a, oidc
):
    oidc.reset(email="dave@alpha.example", name="Dave de Vries")
    response = sso_sign_in(client, "dave@alpha.example")
    assert response.status_code == 403
    assert refusal(response) == "not_invited"
    assert "Ask your company's primary contact for an invitation" in html.text(response, "main")
    assert not User.objects.filter(email="dave@alpha.example").exists()

    sign_on_a.allow_joining = True
    sign_on_a.save()
    oidc.reset(email="Dave@alpha.example", name="Dave de Vries")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    response = sso_sign_in(client, "dave@alpha.example")
    assert response.status_code == 302
    dave = User.objects.get(email="dave@alpha.example")
    assert signed_in_as(client) == dave
    assert dave.full_name == "Dave de Vries"
    assert (dave.language, dave.time_zone) == ("nl", account_a.time_zone)
    assert not dave.has_usable_password()
    assert dave.contact.account == account_a
    assert dave.contact.role == Contact.Role.OTHER
    event = AccountEvent.objects.get(account=account_a, kind=AccountEvent.Kind.SSO_CONTACT_CREATED)
    assert event.subject == "dave@alpha.example"
    assert event.actor is None


def test_single_sign_on_asks_no_portal_code_after_it(client, customer_a, sign_on_a, oidc):
    device = signin_services.second_factor_start(user=customer_a)
    device.confirmed = True
    device.save()
    response = sso_sign_in(client, "alice@alpha.example")
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200  # not sent to the code page


def test_an_address_without_single_sign_on_is_told_so_on_the_form(client, customer_b, sign_on_a):
    response = start(client, "bob@bravo.example")
    assert response.status_code == 400
    assert "Single sign-on is not set up for this email address" in html.text(
        response, "#error_1_id_email"
    )


def test_a_switched_off_configuration_starts_nothing(client, customer_a, sign_on_a, oidc):
    callback = to_provider_and_back(start(client, "alice@alpha.example"))
    sign_on_a.enabled = False
    sign_on_a.save()
    assert refusal(client.get(callback)) == "not_enabled"
    assert start(client, "alice@alpha.example").status_code == 400
    assert signed_in_as(client) is None


def test_a_provider_that_cannot_be_read_is_a_sentence(client, customer_a, sign_on_a, oidc):
    sign_on_a.issuer = oidc.issuer + "/elsewhere"
    sign_on_a.save()
    response = start(client, "alice@alpha.example")
    assert response.status_code == 502
    assert refusal(response) == "provider_unreachable"


def test_a_provider_on_plain_http_is_refused_without_the_test_setting(
    client, customer_a, sign_on_a, oidc, settings
):
    settings.SSO_ALLOW_LOOPBACK_HTTP = False
    response = start(client, "alice@alpha.example")
    assert refusal(response) == "provider_unreachable"


def test_from_the_portals_own_form_a_page_goes_on_to_the_provider(
    client, customer_a, sign_on_a, oidc
):
    # A form's redirect to another site is refused by the browser (form-action 'self').
    response = start(client, "alice@alpha.example", via="form")
    assert response.status_code == 200
    link = html.attr(response, "[data-sso-continue]", "href")
    assert link.startswith(f"{oidc.issuer}/authorize?")
    assert html.attr(response, "script[src$='sso/continue.js']", "src")
    back = requests.get(link, allow_redirects=False, timeout=5).headers["Location"]
    client.get(back.removeprefix("http://testserver"))
    assert signed_in_as(client) == customer_a


def test_a_rotated_signing_key_is_read_again_at_once(client, customer_a, sign_on_a, oidc):
    sso_sign_in(client, "alice@alpha.example")
    client.logout()
    oidc.rotate_key()
    response = sso_sign_in(client, "alice@alpha.example")
    assert response.status_code == 302
    assert signed_in_as(client) == customer_a
    # Discovery once (kept in the cache); the key set once, then again for the new key.
    assert len(oidc.asked("/.well-known/openid-configuration")) == 1
    assert len(oidc.asked("/jwks")) == 2


def test_a_sign_in_left_at_the_provider_too_long_is_stale(client, customer_a, sign_on_a, oidc):
    import time_machine

    callback = to_provider_and_back(start(client, "alice@alpha.example"))
    with time_machine.travel(time.time() + 11 * 60):
        response = client.get(callback)
    assert refusal(response) == "stale"
    assert signed_in_as(client) is None


def test_the_sign_in_page_and_a_refusal_read_in_dutch(client, customer_a, sign_on_a, oidc):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    page = client.get(reverse("login"))
    assert html.text(page, "[data-testid=sso-form] button") == "Inloggen met single sign-on"
    oidc.claims = {"email_verified": False}
    response = sso_sign_in(client, "alice@alpha.example")
    assert html.text(response, "[data-testid=sso-refused]").startswith(
        "Uw identiteitsprovider heeft uw e-mailadres niet geverifieerd"
    )


def test_refusals_count_towards_no_password_lockout(client, customer_a, sign_on_a, oidc, settings):
    from axes.models import AccessAttempt

    oidc.claims = {"email_verified": False}
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        assert refusal(sso_sign_in(client, "alice@alpha.example")) == "email_unverified"
    assert not AccessAttempt.objects.exists()
    oidc.claims = {}
    assert sso_sign_in(client, "alice@alpha.example").status_code == 302
    assert signed_in_as(client) == customer_a


def test_an_issuer_ending_in_a_slash_is_kept_as_typed_and_signs_in(
    client, manager, account_a, customer_a, oidc
):
    oidc.issuer = oidc.base + "/"
    staff = Client()
    staff.force_login(manager)
    saved = staff.post(
        reverse("admin:sso_accountsignon_add"),
        {
            "account": account_a.pk,
            "issuer": f"  {oidc.issuer} ",
            "client_id": CLIENT_ID,
            "new_client_secret": CLIENT_SECRET,
            "domain_text": "alpha.example",
            "enabled": "on",
        },
    )
    assert saved.status_code == 302
    assert AccountSignOn.objects.get(account=account_a).issuer == oidc.issuer
    response = sso_sign_in(client, "alice@alpha.example")
    assert response["Location"] == reverse("home")
    assert signed_in_as(client) == customer_a
