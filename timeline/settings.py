"""Settings for the news-timeline app, read from the environment with safe local defaults."""

from __future__ import annotations

import ipaddress
import os
import secrets
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean such as DEBUG=true / False / 1 / 0 (any case); reject anything else."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false/1/0, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


DEBUG = env_bool("DEBUG", False)


def _local_secret_key() -> str:
    """A random key kept in a git-ignored file, so a checkout never runs on a published key."""
    path = BASE_DIR / ".local-secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "simple_history",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "timeline.apps.TimelineConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "timeline.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change to articles and events.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "timeline.urls"
WSGI_APPLICATION = "timeline.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "timeline.context_processors.csp_nonce",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Serve collected files; with DEBUG on, the finders' files too (runserver, no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "admin:login"
# Django 6 behaviour today: a URL typed without a scheme is taken as https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# Pasted articles can be long; keep requests bounded all the same.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
# Uploads above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# The largest file the "Add article" page accepts; a bigger request is refused unread.
TIMELINE_UPLOAD_MAX_BYTES = env_int("TIMELINE_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)

# Fetching pages and feeds: public addresses only unless this is set (tests, intranets).
TIMELINE_FETCH_ALLOW_PRIVATE = env_bool("TIMELINE_FETCH_ALLOW_PRIVATE", False)
TIMELINE_FETCH_ALLOWED_NETWORKS = env_list("TIMELINE_FETCH_ALLOWED_NETWORKS", [])
for _network in TIMELINE_FETCH_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TIMELINE_FETCH_ALLOWED_NETWORKS: {_network!r} is not a network such as 10.2.0.0/16"
        ) from exc
TIMELINE_FETCH_MAX_BYTES = env_int("TIMELINE_FETCH_MAX_BYTES", 5 * 1024 * 1024)
TIMELINE_FETCH_CONNECT_TIMEOUT = env_int("TIMELINE_FETCH_CONNECT_TIMEOUT", 5)
TIMELINE_FETCH_READ_TIMEOUT = env_int("TIMELINE_FETCH_READ_TIMEOUT", 10)
TIMELINE_FETCH_TOTAL_TIMEOUT = env_int("TIMELINE_FETCH_TOTAL_TIMEOUT", 30)

# A cache shared by every server process (the sign-in failure counts below live in it);
# without REDIS_URL each process keeps its own in memory, which suits one process.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        # Room for the drawn timeline entries (one per entry, embed mode and version: a page
        # holds 50), beside the counts and pages; Django's default of 300 would cull them.
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, not {REDIS_URL!r}")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "timeline"),
        }
    }

# Failed admin sign-ins: after this many per address or per user name within the window,
# further attempts are refused until the window has passed.
TIMELINE_LOGIN_FAILURE_LIMIT = env_int("TIMELINE_LOGIN_FAILURE_LIMIT", 5)
TIMELINE_LOGIN_LOCKOUT_SECONDS = env_int("TIMELINE_LOGIN_LOCKOUT_SECONDS", 15 * 60)

TIMELINE_PAGE_SIZE = env_int("TIMELINE_PAGE_SIZE", 50)
# How long the timeline's counts (filter choices, density chart) stay cached. A write to a story
# makes them obsolete at once whatever this is (the keys carry the story's revision); this only
# bounds the cache's size and how long a change made outside the service layer could go unseen.
TIMELINE_CACHE_SECONDS = env_int("TIMELINE_CACHE_SECONDS", 3600)


# Django 6 has the tasks API built in; Django 5.2 gets the same API from the django-tasks backport.
TASKS_API = "django.tasks" if find_spec("django.tasks") else "django_tasks"


def tasks_settings(backend: str) -> dict:
    """Django's TASKS setting for a backend name: database (default), rq or immediate."""
    backends = {
        # Tasks are rows in this project's database; `manage.py db_worker` runs them.
        "database": "django_tasks_db.DatabaseBackend",
        # Tasks are RQ jobs in Redis; `manage.py rqworker --with-scheduler` runs them, anywhere.
        "rq": "django_tasks_rq.RQBackend",
        # Tasks run at once, inside the request or command that enqueues them (tests, debugging).
        "immediate": f"{TASKS_API}.backends.immediate.ImmediateBackend",
    }
    if backend not in backends:
        raise ImproperlyConfigured(
            f"TIMELINE_TASKS_BACKEND must be one of {', '.join(backends)}, not {backend!r}"
        )
    return {"default": {"BACKEND": backends[backend], "QUEUES": ["default"]}}


TIMELINE_TASKS_BACKEND = os.environ.get("TIMELINE_TASKS_BACKEND", "database").strip().lower()
TASKS = tasks_settings(TIMELINE_TASKS_BACKEND)
# The rq backend needs a Redis even when the cache does without one (REDIS_URL unset).
RQ_REDIS_URL = REDIS_URL or "redis://127.0.0.1:6379/0"
RQ_QUEUES = {"default": {"URL": RQ_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
# RQ workers run Django tasks through this job class; set here so `rqworker` needs no flag.
RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
# A failing task is tried this many times in all, waiting TIMELINE_TASK_RETRY_DELAY seconds
# before the second attempt and twice as long before each later one.
TIMELINE_TASK_MAX_ATTEMPTS = env_int("TIMELINE_TASK_MAX_ATTEMPTS", 5)
TIMELINE_TASK_RETRY_DELAY = env_int("TIMELINE_TASK_RETRY_DELAY", 30)

# Behind HTTPS in production set SECURE_COOKIES=true; plain http://127.0.0.1 needs them off.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# HTTPS-only settings default off so http://127.0.0.1 keeps working; production turns them on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (only then: it can be forged).
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Scripts and styles only from the app itself; the nonce is for {% htmx_script %}'s tag.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
