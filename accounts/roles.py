"""Staff roles: Django groups named here. What each role may do is one table for every
app, in portal/roles.py, applied exactly after every `migrate`."""

from django.utils.translation import gettext_lazy as _

TECHNICAL_ACCOUNT_MANAGERS = "Technical Account Managers"
SUPPORT_AGENTS = "Support Agents"
CUSTOMER_SERVICE = "Customer Service"
SUPPORT_MANAGERS = "Support Managers"

STAFF_ROLES = (TECHNICAL_ACCOUNT_MANAGERS, SUPPORT_AGENTS, CUSTOMER_SERVICE, SUPPORT_MANAGERS)
ROLE_LABELS = {
    TECHNICAL_ACCOUNT_MANAGERS: _("Technical Account Managers"),
    SUPPORT_AGENTS: _("Support Agents"),
    CUSTOMER_SERVICE: _("Customer Service"),
    SUPPORT_MANAGERS: _("Support Managers"),
}
