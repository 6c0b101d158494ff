"""The customer's team, managed by its primary contact: invitations, deactivation, who
receives what mail, and the account's audit record."""
