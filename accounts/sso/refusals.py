"""Why a single sign-on did not sign someone in, and the sentence they read."""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _


class Refusal(enum.Enum):
    PROVIDER_ERROR = "provider_error"
    PROVIDER_UNREACHABLE = "provider_unreachable"
    STALE = "stale"
    TOKEN_INVALID = "token_invalid"  # noqa: S105 - a reason, not a secret
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 - a reason, not a secret
    EMAIL_UNVERIFIED = "email_unverified"
    DOMAIN_NOT_CONFIGURED = "domain_not_configured"
    NOT_ENABLED = "not_enabled"
    STAFF = "staff"
    DEACTIVATED = "deactivated"
    OTHER_ACCOUNT = "other_account"
    NOT_INVITED = "not_invited"

    def sentence(self) -> str:
        return {
            Refusal.PROVIDER_ERROR: _(
                "Your company's identity provider did not sign you in. Try again, or ask your "
                "company's IT department."
            ),
            Refusal.PROVIDER_UNREACHABLE: _(
                "Your company's identity provider could not be reached. Please try again in a "
                "few minutes; for a critical issue, call the Severity 1 hotline."
            ),
            Refusal.STALE: _(
                "This sign-in has expired or was used already. Start again from the sign-in page."
            ),
            Refusal.TOKEN_INVALID: _(
                "The answer of your company's identity provider could not be verified, so you "
                "are not signed in. Try again; if it happens again, tell your Technical Account "
                "Manager."
            ),
            Refusal.TOKEN_EXPIRED: _(
                "The answer of your company's identity provider had expired. Start again from "
                "the sign-in page; if it happens again, check your computer's clock."
            ),
            Refusal.EMAIL_UNVERIFIED: _(
                "Your identity provider has not verified your email address, so the portal "
                "cannot sign you in with it. Ask your company's IT department."
            ),
            Refusal.DOMAIN_NOT_CONFIGURED: _(
                "Your identity provider signed you in with an email address of a domain that "
                "does not sign in with this single sign-on."
            ),
            Refusal.NOT_ENABLED: _(
                "Single sign-on is not set up for this email address. Sign in with your password."
            ),
            Refusal.STAFF: _(
                "Staff sign in with their password and second factor, never with a customer's "
                "single sign-on."
            ),
            Refusal.DEACTIVATED: _(
                "Your login is deactivated. Ask your company's primary contact to reactivate it."
            ),
            Refusal.OTHER_ACCOUNT: _(
                "Your email address belongs to a login that does not sign in with this "
                "company's single sign-on. Ask your Technical Account Manager."
            ),
            Refusal.NOT_INVITED: _(
                "You have no login for the support portal yet. Ask your company's primary "
                "contact for an invitation."
            ),
        }[self]


class SignOnRefused(Exception):
    def __init__(self, refusal: Refusal, detail: str = ""):
        super().__init__(f"{refusal.value}: {detail}" if detail else refusal.value)
        self.refusal = refusal
