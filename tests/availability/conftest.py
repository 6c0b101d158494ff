"""Fixtures of the availability tests."""

from tests.availability.probe_fixtures import (  # noqa: F401 - fixtures
    api_probe,
    beat,
    eu_west,
    http_endpoint,
    smtp_endpoint,
    smtp_probe,
)
