"""Sign-in by a customer account's identity provider: mozilla-django-oidc's backend, its
provider settings read from the account's configuration, the ID token checked in full, and
the person matched to a contact of that account only."""

from __future__ import annotations

import logging

import jwt
import requests
from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from requests.auth import HTTPBasicAuth

from accounts.backends import PortalBackend
from accounts.models import Contact, User
from accounts.team.selectors import open_invitation_for
from accounts.team.services import TeamError, invitation_accept

from . import connections, provider, services
from .domains import email_domain
from .models import AccountSignOn
from .oidc import ALGORITHMS, oidc_setting
from .refusals import Refusal, SignOnRefused

logger = logging.getLogger(__name__)
# Clocks differ a little between the provider and the portal.
LEEWAY_SECONDS = 60


class SignOnBackend(OIDCAuthenticationBackend):
    """Called only by the single sign-on callback (with `sign_on`); a password sign-in
    never reaches it. A refusal is left on the request (`request.sso_refusal`) for the
    page to say why."""

    def __init__(self, *args, **kwargs):
        # The library's own __init__ reads the provider from Django settings.
        self.UserModel = User

    def get_settings(self, attr, *default):
        if attr == "OIDC_TOKEN_USE_BASIC_AUTH":
            return getattr(self, "basic_auth", False)
        return oidc_setting(attr, *default)

    def authenticate(self, request, sign_on=None, nonce=None, code_verifier=None):
        if request is None or sign_on is None:
            return None
        try:
            self._use(sign_on)
            return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SignOnRefused as refused:
            logger.info("single sign-on refused for %s: %s", sign_on.account, refused)
            request.sso_refusal = refused.refusal
        except requests.HTTPError as exc:
            logger.warning("single sign-on: the token endpoint refused: %s", exc)
            request.sso_refusal = Refusal.PROVIDER_ERROR
        except (provider.ProviderError, requests.RequestException) as exc:
            logger.warning("single sign-on: provider of %s unreachable: %s", sign_on.account, exc)
            request.sso_refusal = Refusal.PROVIDER_UNREACHABLE
        return None

    def _use(self, sign_on: AccountSignOn) -> None:
        configuration = provider.configuration(sign_on.issuer)
        self.sign_on = sign_on
        self.issuer = sign_on.issuer
        self.jwks_uri = configuration["jwks_uri"]
        self.OIDC_OP_TOKEN_ENDPOINT = configuration["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = configuration.get("userinfo_endpoint")
        self.OIDC_RP_CLIENT_ID = sign_on.client_id
        self.OIDC_RP_CLIENT_SECRET = sign_on.client_secret
        # client_secret_basic is the default of the standard when a provider names none.
        methods = configuration.get("token_endpoint_auth_methods_supported") or []
        self.basic_auth = not methods or "client_secret_basic" in methods

    def get_token(self, payload):
        """The library's token request, made to a public address only, with a timeout and
        no redirect followed: a 307 would send the client secret on to wherever it points."""
        auth = None
        if self.basic_auth:
            auth = HTTPBasicAuth(payload["client_id"], payload.pop("client_secret"))
        with connections.session() as http:
            response = http.post(
                self.OIDC_OP_TOKEN_ENDPOINT,
                data=payload,
                auth=auth,
                timeout=settings.SSO_HTTP_TIMEOUT,
                allow_redirects=False,
            )
        self.raise_token_response_error(response)
        try:
            answer = response.json()
        except ValueError as exc:
            raise SignOnRefused(Refusal.TOKEN_INVALID, "the token answer is not JSON") from exc
        if not isinstance(answer, dict):
            raise SignOnRefused(Refusal.TOKEN_INVALID, "the token answer is not an object")
        return answer

    # --- the ID token ------------------------------------------------------------------

    def verify_token(self, token, **kwargs):
        """Signature (the provider's key set), issuer, audience (our client id), expiry
        and nonce; the library checks the signature and nonce only."""
        if not isinstance(token, str) or not token:
            raise SignOnRefused(Refusal.TOKEN_INVALID, "no ID token")
        key = self.retrieve_matching_jwk(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=list(ALGORITHMS),
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise SignOnRefused(Refusal.TOKEN_EXPIRED, str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise SignOnRefused(Refusal.TOKEN_INVALID, str(exc)) from exc
        audience = claims["aud"]
        if isinstance(audience, list) and len(audience) > 1:
            # Several audiences: the token must have been issued to us (OIDC Core 3.1.3.7).
            if claims.get("azp") != self.OIDC_RP_CLIENT_ID:
                raise SignOnRefused(Refusal.TOKEN_INVALID, "azp is not our client id")
        nonce = kwargs.get("nonce")
        if not nonce or not constant_time_compare(str(claims.get("nonce", "")), nonce):
            raise SignOnRefused(Refusal.TOKEN_INVALID, "nonce")
        return claims

    def retrieve_matching_jwk(self, token):
        """The provider's key that signed the token, from its key set (kept in the cache,
        read again once when the key is not in it: providers rotate keys)."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise SignOnRefused(Refusal.TOKEN_INVALID, str(exc)) from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in ALGORITHMS:
            raise SignOnRefused(Refusal.TOKEN_INVALID, f"algorithm {algorithm!r}")
        for fresh in (False, True):
            keys = [
                k
                for k in provider.signing_keys(self.jwks_uri, fresh=fresh)
                if k.get("use", "sig") == "sig"
                and k.get("alg", algorithm) == algorithm
                and (kid is None or k.get("kid") == kid)
            ]
            if len(keys) == 1:
                try:
                    return jwt.PyJWK(keys[0], algorithm=algorithm)
                except jwt.PyJWTError as exc:
                    raise SignOnRefused(Refusal.TOKEN_INVALID, str(exc)) from exc
        raise SignOnRefused(Refusal.TOKEN_INVALID, f"no single key {kid!r} in the key set")

    # --- the person ----------------------------------------------------------------------

    def get_or_create_user(self, access_token, id_token, payload):
        """The contact of this account with the token's email address; a new contact when
        the account lets colleagues join."""
        if payload.get("email_verified") is not True:
            raise SignOnRefused(Refusal.EMAIL_UNVERIFIED)
        email = payload.get("email")
        domain = email_domain(email if isinstance(email, str) and len(email) <= 254 else None)
        sign_on = (
            AccountSignOn.objects.select_related("account")
            .prefetch_related("domains")
            .filter(pk=self.sign_on.pk)
            .first()
        )
        if sign_on is None or not sign_on.enabled:
            raise SignOnRefused(Refusal.NOT_ENABLED)
        if domain is None or domain not in sign_on.domain_names:
            raise SignOnRefused(Refusal.DOMAIN_NOT_CONFIGURED, str(email)[:254])
        user = self._login(email)
        if user is None:
            invitation = open_invitation_for(sign_on.account, email, now=timezone.now())
            if invitation is not None:
                return self._accept(invitation, payload)
            if not sign_on.allow_joining:
                raise SignOnRefused(Refusal.NOT_INVITED)
            name = payload.get("name")
            try:
                return services.sign_on_contact_create(
                    sign_on=sign_on,
                    email=email,
                    full_name=name if isinstance(name, str) else "",
                    language=translation.get_language() or "",
                )
            except IntegrityError:
                # The same person's second tab joined first.
                user = self._login(email)
        if user.is_staff:
            raise SignOnRefused(Refusal.STAFF, email)
        if not user.is_active:
            raise SignOnRefused(Refusal.DEACTIVATED, email)
        try:
            account_id = user.contact.account_id
        except Contact.DoesNotExist:
            account_id = None
        if account_id != sign_on.account_id:
            raise SignOnRefused(Refusal.OTHER_ACCOUNT, email)
        return user

    def _accept(self, invitation, payload) -> User:
        """An invited colleague's first sign-in accepts their invitation: the provider has
        proved the address the link was sent to."""
        name = payload.get("name")
        try:
            return invitation_accept(
                invitation=invitation,
                full_name=(name if isinstance(name, str) else "").strip()[:150]
                or invitation.email.split("@")[0][:150],
                password=None,
                now=timezone.now(),
            )
        except TeamError as error:
            raise SignOnRefused(Refusal.NOT_INVITED) from error

    def _login(self, email: str) -> User | None:
        return User.objects.select_related("contact__account").filter(email__iexact=email).first()

    def get_user(self, user_id):
        return PortalBackend().get_user(user_id)
