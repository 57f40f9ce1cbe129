"""REDIS_URL: sign-in failure counts shared by every server process through Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import missing

ROOT = Path(__file__).resolve().parents[1]
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _settings(**env: str) -> subprocess.CompletedProcess:
    code = "import timeline.settings as s; print(s.CACHES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True
    )


def test_without_redis_url_each_process_keeps_its_own_memory_cache():
    assert _settings().stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_url_selects_the_redis_cache_and_anything_else_is_refused():
    assert _settings(REDIS_URL=REDIS).stdout.strip() == (
        "django.core.cache.backends.redis.RedisCache"
    )
    refused = _settings(REDIS_URL="memcached://127.0.0.1:11211")
    assert refused.returncode != 0 and "REDIS_URL must be a redis:// URL" in refused.stderr


@pytest.fixture
def redis_cache(settings):
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing(f"no Redis server at {REDIS} ({exc})")
    # A prefix of our own: the server is shared, so only these keys are touched and removed.
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    client = redis.Redis.from_url(REDIS)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_failures_counted_by_one_process_lock_the_sign_in_for_another(redis_cache, settings):
    from django.core.cache.backends.redis import RedisCache

    from timeline import throttling

    settings.TIMELINE_LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        throttling.login_failure_record(ip="203.0.113.5", username="editor")
    # A second server process: its own connection to the same Redis, nothing in memory.
    other = RedisCache(REDIS, {"KEY_PREFIX": redis_cache})
    assert other.get("login-failures:ip:203.0.113.5") == 2
    assert throttling.login_is_locked(ip="203.0.113.5", username="someone")
    assert not throttling.login_is_locked(ip="198.51.100.1", username="someone")
