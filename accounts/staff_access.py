"""What a staff member may do with customer accounts, their contacts and the customer
logins of those contacts: decided here, and only here, for every admin page and action.

The role table (portal/roles.py) says what kind of change a role may make; the scope
below says for which accounts. A Technical Account Manager changes only the accounts
where they are the TAM (and what belongs to them), unless they also hold a role that
works every account; Support Managers and superusers change every account. Reading is
left to the view permissions: TAMs read every account (oversight).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from . import roles
from .models import Account, Contact, User

# The roles that change every account's data, for the kinds decided in this module.
EVERY_ACCOUNT = (roles.SUPPORT_MANAGERS,)


# --- the scope ---------------------------------------------------------------------


def limited_to_own_accounts(user, every_account: Iterable[str] = EVERY_ACCOUNT) -> bool:
    """Whether `user` changes only the accounts where they are the TAM."""
    if user.is_superuser or not user.has_role(roles.TECHNICAL_ACCOUNT_MANAGERS):
        return False
    return not any(user.has_role(role) for role in every_account)


def accounts_in_scope(user, every_account: Iterable[str] = EVERY_ACCOUNT) -> QuerySet[Account]:
    """The accounts whose data `user` may change (their permissions permitting)."""
    if limited_to_own_accounts(user, every_account):
        return Account.objects.filter(tam=user)
    return Account.objects.all()


def account_in_scope(user, account, every_account: Iterable[str] = EVERY_ACCOUNT) -> bool:
    if account is None:
        return False
    return not limited_to_own_accounts(user, every_account) or account.tam_id == user.pk


# --- customer accounts ---------------------------------------------------------------


def may_assign_tam(user) -> bool:
    """Only Support Managers (and superusers) assign or change an account's TAM."""
    return user.is_active and (user.is_superuser or user.has_role(roles.SUPPORT_MANAGERS))


def may_add_account(user) -> bool:
    # A new account needs its TAM, which only those who assign TAMs may choose.
    return user.has_perm("accounts.add_account") and may_assign_tam(user)


def may_change_account(user, account: Account | None = None) -> bool:
    if not user.has_perm("accounts.change_account"):
        return False
    return account is None or account_in_scope(user, account)


def may_delete_account(user, account: Account | None = None) -> bool:
    if not user.has_perm("accounts.delete_account"):
        return False
    return account is None or account_in_scope(user, account)


# --- contacts ------------------------------------------------------------------------


def contact_permission(user, action: str, account: Account | None = None) -> bool:
    """May `user` view/add/change/delete contacts (of `account`, when given)?"""
    if not user.has_perm(f"accounts.{action}_contact"):
        return False
    return account is None or action == "view" or account_in_scope(user, account)


def may_add_contact(user, account: Account | None = None) -> bool:
    return contact_permission(user, "add", account)


def may_change_contact(user, contact: Contact | None = None) -> bool:
    return contact_permission(user, "change", contact.account if contact else None)


def may_delete_contact(user, contact: Contact | None = None) -> bool:
    return contact_permission(user, "delete", contact.account if contact else None)


def contact_accounts(user) -> QuerySet[Account]:
    """The accounts `user` may add a contact to or move one into."""
    return accounts_in_scope(user)


def attachable_logins(user) -> QuerySet[User]:
    """The customer logins `user` may make a contact: logins of no account yet, or of an
    account in their scope."""
    logins = User.objects.filter(is_staff=False)
    if not limited_to_own_accounts(user):
        return logins
    return logins.filter(Q(contact__isnull=True) | Q(contact__account__tam=user))


# --- single sign-on ------------------------------------------------------------------


def sign_on_permission(user, action: str, account: Account | None = None) -> bool:
    """May `user` view/add/change the single sign-on of `account` (when given)? Support
    Managers configure every account's; TAMs only read it (every account's, as they read
    contacts; the secret is never shown): a TAM who could point their account at a
    provider they run could sign in as its contacts."""
    if not user.has_perm(f"sso.{action}_accountsignon"):
        return False
    if action == "view":
        return True
    return user.is_superuser or user.has_role(roles.SUPPORT_MANAGERS)


def sign_on_accounts(user) -> QuerySet[Account]:
    """The accounts `user` may configure a single sign-on for: in scope, without one yet."""
    return accounts_in_scope(user).filter(sign_on__isnull=True)


# --- the audit record -----------------------------------------------------------------


def audited_accounts(user) -> QuerySet[Account]:
    """The accounts whose audit record `user` reads (their view permission permitting):
    a TAM reads their own accounts' only."""
    return accounts_in_scope(user)


# --- logins ---------------------------------------------------------------------------


def manages_staff(user) -> bool:
    """Staff logins, their roles and their passwords: Support Managers and superusers."""
    return user.is_active and (user.is_superuser or user.has_role(roles.SUPPORT_MANAGERS))


def may_grant_superuser(user) -> bool:
    return user.is_active and user.is_superuser


def _login_in_scope(user, login: User) -> bool:
    if login.is_superuser and not user.is_superuser:
        return False
    if login.is_staff:
        return manages_staff(user)
    try:
        contact = login.contact
    except Contact.DoesNotExist:
        return True  # a login of no account yet reaches no account's data
    return account_in_scope(user, contact.account)


def may_add_login(user) -> bool:
    return user.has_perm("accounts.add_user")


def may_change_login(user, login: User | None = None) -> bool:
    if not user.has_perm("accounts.change_user"):
        return False
    return login is None or _login_in_scope(user, login)


def may_delete_login(user, login: User | None = None) -> bool:
    if not user.has_perm("accounts.delete_user"):
        return False
    return login is None or _login_in_scope(user, login)


def is_customer_login(login: User) -> bool:
    return Contact.objects.filter(user=login).exists()


def may_set_password(user, login: User | None) -> bool:
    """Staff logins only: customers choose their own password (staff send a link)."""
    return (
        login is not None
        and login.is_staff
        and not is_customer_login(login)
        and may_change_login(user, login)
    )


def may_change_staff_status(user, login: User | None) -> bool:
    """Staff status is given once, to a login of no account: a customer's login never
    becomes staff, nor a staff login (whose password staff may set) a customer's."""
    if not manages_staff(user):
        return False
    return login is None or (not login.is_staff and not is_customer_login(login))


def may_send_password_link(user, login: User | None) -> bool:
    return login is not None and login.is_active and may_change_login(user, login)
