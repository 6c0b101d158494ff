"""Signals other layers receive; accounts cannot import them (the layers go one way).

`contact_deactivated` is sent inside the deactivation's transaction with `contact` and
`actor`: a receiver ends what the login may still hold (API tokens, say), and its
failure undoes the deactivation.

`login_deactivated` is sent when staff untick "active" on any login in the admin (staff
logins included), inside the save's transaction, with `login` and `actor`."""

from django.dispatch import Signal

contact_deactivated = Signal()
login_deactivated = Signal()
