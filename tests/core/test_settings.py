"""Configuration from the environment, with safe production defaults."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'outsidein.settings'; django.setup();"
    "from django.conf import settings; from django.db import connection;"
    "print(settings.DEBUG, connection.vendor, settings.SESSION_COOKIE_SECURE);"
    "cursor = connection.cursor();"
    "cursor.execute('PRAGMA journal_mode') if connection.vendor == 'sqlite' else None;"
    "print(cursor.fetchone()[0] if connection.vendor == 'sqlite' else '-')"
)


def run_probe(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OUTSIDEIN_")}
    clean.update(OUTSIDEIN_DATA_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", PROBE], env=clean, capture_output=True, text=True)


@pytest.mark.parametrize("secret", ["change-me", "django-insecure-abc", "short"])
def test_production_refuses_a_placeholder_secret(tmp_path, secret):
    result = run_probe(tmp_path, OUTSIDEIN_SECRET_KEY=secret)
    assert result.returncode != 0
    assert "OUTSIDEIN_SECRET_KEY is a placeholder" in result.stderr


def test_defaults_are_production_safe_with_sqlite_in_wal_mode(tmp_path):
    result = run_probe(tmp_path)
    assert result.returncode == 0, result.stderr
    debug, vendor, secure_cookies, journal = result.stdout.split()
    assert (debug, vendor, secure_cookies, journal) == ("False", "sqlite", "True", "wal")
    assert (tmp_path / "outsidein.sqlite3").exists()
    key_file = tmp_path / "secret_key"
    assert len(key_file.read_text()) >= 50 and oct(key_file.stat().st_mode)[-3:] == "600"


def test_debug_mode_accepts_a_development_secret(tmp_path):
    result = run_probe(tmp_path, OUTSIDEIN_DEBUG="1", OUTSIDEIN_SECRET_KEY="dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
