"""Signals other layers receive; accounts cannot import them (the layers go one way).

`contact_deactivated` is sent inside the deactivation's transaction with `contact` and
`actor`: a receiver ends what the login may still hold (API tokens, say), and its
failure undoes the deactivation."""

from django.dispatch import Signal

contact_deactivated = Signal()
