"""Admin sign-in throttling: failures counted per address and per user name, then refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.TIMELINE_LOGIN_FAILURE_LIMIT = 3
    settings.TIMELINE_LOGIN_LOCKOUT_SECONDS = 600
    # A deliberately slow password hash would make each attempt here cost a second of CPU.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor():
    return User.objects.create_user("editor", password="correct horse battery", is_staff=True)


def sign_in(client, username, password, ip="203.0.113.5"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_a_wrong_password_below_the_limit_gets_the_usual_message(client, editor):
    response = sign_in(client, "editor", "wrong")
    html = response.content.decode()
    assert "Please enter the correct username and password" in html and LOCKED not in html


def test_after_the_limit_even_the_right_password_is_refused_with_a_clear_message(client, editor):
    for _ in range(3):
        sign_in(client, "editor", "wrong")
    response = sign_in(client, "editor", "correct horse battery")
    assert response.status_code == 200
    assert f"{LOCKED} from this address or for this user name. Try again in 10 minutes." in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("second_ip", "second_user", "locked"),
    [
        ("203.0.113.5", "someone-else", True),  # same address, other names: the address locks
        ("198.51.100.7", "editor", True),  # same name from elsewhere: the name locks
        ("198.51.100.7", "someone-else", False),  # neither: unaffected
    ],
)
def test_failures_lock_both_the_address_and_the_user_name(
    client, editor, second_ip, second_user, locked
):
    for _ in range(3):
        sign_in(client, "editor", "wrong", ip="203.0.113.5")
    User.objects.create_user("someone-else", password="another good password", is_staff=True)
    password = "another good password" if second_user == "someone-else" else "correct horse battery"
    response = sign_in(client, second_user, password, ip=second_ip)
    assert (LOCKED in response.content.decode()) is locked
    assert (response.status_code == 302) is not locked


def test_the_user_name_is_matched_whatever_its_case(client, editor):
    for name in ("Editor", "EDITOR", "editor"):
        sign_in(client, name, "wrong", ip=f"198.51.100.{len(name) + ord(name[1])}")
    assert LOCKED in sign_in(client, "editor", "x", ip="192.0.2.1").content.decode()


def test_the_lock_lifts_when_the_window_has_passed(client, editor):
    for _ in range(3):
        sign_in(client, "editor", "wrong")
    cache.clear()  # what the expiry does after TIMELINE_LOGIN_LOCKOUT_SECONDS
    assert sign_in(client, "editor", "correct horse battery").status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures_of_that_name(client, editor):
    sign_in(client, "editor", "wrong")
    sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", "correct horse battery").status_code == 302
    client.logout()
    sign_in(client, "editor", "wrong", ip="192.0.2.9")
    sign_in(client, "editor", "wrong", ip="192.0.2.9")
    assert sign_in(client, "editor", "correct horse battery", ip="192.0.2.10").status_code == 302
