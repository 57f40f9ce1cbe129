"""Hardening: the Content-Security-Policy, no inline script or style, deploy checks, limits."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def _nonce(response) -> str:
    found = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert found, response["Content-Security-Policy"]
    return found.group(1)


@pytest.mark.django_db
def test_pages_carry_a_policy_allowing_only_the_apps_scripts_and_styles(client):
    response = client.get("/")
    nonce = _nonce(response)
    directives = set(response["Content-Security-Policy"].split("; "))
    assert directives == set(POLICY.format(nonce=nonce).split("; "))


@pytest.mark.django_db
def test_the_htmx_script_tag_carries_the_requests_nonce_and_each_request_gets_a_new_one(client):
    first, second = client.get("/"), client.get("/")
    nonce = _nonce(first)
    assert f'nonce="{nonce}"' in first.content.decode()
    assert re.search(rf'<script src="[^"]*htmx[^"]*"[^>]* nonce="{re.escape(nonce)}"', first.text)
    assert _nonce(second) != nonce


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "style_attributes"),
    [
        ("/admin/", False),
        ("/admin/timeline/article/", False),
        ("/admin/timeline/article/{pk}/history/", True),
    ],
)
def test_only_admin_history_pages_may_use_style_attributes(
    admin_client, ingest, path, style_attributes
):
    article = ingest("The ship ran aground on Tuesday.")
    policy = admin_client.get(path.format(pk=article.pk))["Content-Security-Policy"]
    assert ("style-src-attr 'unsafe-inline'" in policy) is style_attributes
    assert "script-src 'self'" in policy and "unsafe" not in policy.split("style-src-attr")[0]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "an inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an on…= event handler"),
    (re.compile(r"\bhx-on", re.IGNORECASE), "an hx-on attribute (evaluated as script)"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def _markup_files() -> list[Path]:
    files = [*sorted((ROOT / "templates").rglob("*.html"))]
    files += sorted((ROOT / "timeline").rglob("*.py"))  # format_html in admin.py and friends
    return [f for f in files if "migrations" not in f.parts and "extraction" not in f.parts]


def test_nothing_in_templates_or_python_markup_relies_on_inline_script_or_style():
    problems = []
    for path in _markup_files():
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert problems == []


def test_the_app_scripts_do_not_write_inline_styles_or_evaluate_strings():
    for path in sorted((ROOT / "static").rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\beval\(|new Function\(|\.innerHTML\s*=", text), path


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this process; production never would.
    ignored = ("SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(ignored)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=keep | env,
        capture_output=True,
        text=True,
    )


PRODUCTION = {
    "DEBUG": "false",
    "ALLOWED_HOSTS": "news.example.org",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_the_deploy_checks_pass_under_production_settings_from_the_environment():
    result = _run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_name_what_a_laptop_setup_lacks():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], DEBUG="false")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stdout + result.stderr


def test_request_and_upload_sizes_are_bounded():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 5 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2 * 1024 * 1024
    assert settings.TIMELINE_UPLOAD_MAX_BYTES == 5 * 1024 * 1024


@pytest.mark.django_db
def test_a_post_body_over_the_data_limit_is_refused(admin_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = admin_client.post(
        "/articles/add/",
        {"new_story": "x", "title": "t", "published": "2021-03-24", "text": "a" * 20_000},
    )
    assert response.status_code == 400
