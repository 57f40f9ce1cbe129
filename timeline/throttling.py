"""Admin sign-in throttling: too many failures from one address or for one user name lock it.

Written here rather than taken from django-axes: the app needs only a counter per address and
per user name with an expiry, which Django's cache does in a few lines, and no models,
middleware or authentication backend of its own.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def _keys(*, ip: str, username: str) -> list[str]:
    # Hashed so that a user name of any length or alphabet makes a valid cache key.
    name = hashlib.sha256(username.strip().lower().encode()).hexdigest()
    return [f"login-failures:ip:{ip}", f"login-failures:user:{name}"]


def client_ip(request: HttpRequest) -> str:
    """The peer address; X-Forwarded-For is ignored because a client can write it."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def login_is_locked(*, ip: str, username: str) -> bool:
    limit = settings.TIMELINE_LOGIN_FAILURE_LIMIT
    counts = cache.get_many(_keys(ip=ip, username=username))
    return any(count >= limit for count in counts.values())


def login_failure_record(*, ip: str, username: str) -> None:
    """Count a failure; the window starts at the first failure and is not extended by more."""
    for key in _keys(ip=ip, username=username):
        if not cache.add(key, 1, timeout=settings.TIMELINE_LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=settings.TIMELINE_LOGIN_LOCKOUT_SECONDS)


def login_failures_clear(*, ip: str, username: str) -> None:
    """A successful sign-in forgets the user name's failures (not the address's)."""
    cache.delete(_keys(ip=ip, username=username)[1])


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin sign-in form, refusing to check passwords while the address or name is locked."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": (
            "Too many failed sign-in attempts from this address or for this user name. "
            "Try again in %(minutes)d minutes."
        ),
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else "unknown"
        if login_is_locked(ip=ip, username=username):
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": max(1, settings.TIMELINE_LOGIN_LOCKOUT_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                login_failure_record(ip=ip, username=username)
            raise
        login_failures_clear(ip=ip, username=username)
        return cleaned
