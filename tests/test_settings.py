"""Settings read from the environment: booleans, lists, the database URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from timeline.settings import env_bool, env_list

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("True", True), ("1", True), ("FALSE", False), ("0", False), ("off", False)],
)
def test_debug_accepts_the_usual_spellings_of_a_boolean(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_a_boolean_that_is_not_one_is_refused(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_allowed_hosts_is_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "news.example.org, .example.net")
    assert env_list("X_HOSTS", []) == ["news.example.org", ".example.net"]


def _settings_in_a_fresh_process(**env) -> str:
    code = (
        "import django.conf as c, timeline.settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.STORAGES['staticfiles']['BACKEND'])"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_defaults_are_safe_sqlite_without_debug_and_with_a_compressed_manifest():
    assert _settings_in_a_fresh_process() == (
        "False django.db.backends.sqlite3 whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_database_url_selects_postgresql():
    output = _settings_in_a_fresh_process(
        DATABASE_URL="postgres://u@127.0.0.1:5432/news", DEBUG="TRUE"
    )
    assert output.startswith("True django.db.backends.postgresql")


def test_fetch_allowed_networks_must_be_networks():
    clean = {k: v for k, v in os.environ.items() if k != "TIMELINE_FETCH_ALLOWED_NETWORKS"}
    result = subprocess.run(
        [sys.executable, "-c", "import timeline.settings"],
        cwd=ROOT,
        env=clean | {"TIMELINE_FETCH_ALLOWED_NETWORKS": "10.2.0.0/16,intranet"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "'intranet' is not a network such as 10.2.0.0/16" in result.stderr
