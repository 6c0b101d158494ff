"""Settings fail at start-up with a sentence; the clock settings are enforced by a check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_real_secret_key():
    result = run_manage("check", DEBUG="false", ALLOWED_HOSTS="support.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_manage(
        "check", DEBUG="false", SECRET_KEY="k" * 20 + "random-enough-value-1234567890abc"
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_starts_with_both_set():
    result = run_manage(
        "check",
        DEBUG="false",
        SECRET_KEY="x7-Q!r9s" * 8,
        ALLOWED_HOSTS="support.example.com",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [("TIME_ZONE", "Europe/Amsterdam", "portal.E001"), ("USE_TZ", False, "portal.E002")],
)
def test_the_clock_settings_are_enforced_by_a_system_check(settings, name, value, error):
    setattr(settings, name, value)
    with pytest.raises(SystemCheckError, match=error):
        call_command("check")
