"""Benchmarks of the portal, one management command each (`make bench` runs most of them).

They seed their own rows and may use every app; no app imports them."""
