"""Shared fixtures: small factories, the shared/ folder, and a real Chromium for browser tests."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

# The two-article story several page tests share (its `timeline_story` fixture).
pytest_plugins = ["tests.stories"]

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing(reason: str) -> None:
    """Skip a test whose outside dependency is absent, but fail in CI, where it must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run in CI)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _static_files_without_a_manifest(settings):
    """Tests render pages without running collectstatic first (one test checks the manifest)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks run inside the request or command that enqueues them, as before they
    were background tasks; tests of the workers choose their backend themselves."""
    from timeline.settings import tasks_settings

    settings.TASKS = tasks_settings("immediate")


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        missing(f"../shared is not next to the project ({SHARED})")
    return SHARED


@pytest.fixture
def story(db):
    from timeline import services

    return services.story_get_or_create(slug="suez", title="Suez Canal blockage")


@pytest.fixture
def ingest(story):
    """Store an article through the service layer, extracting its events."""
    from timeline import services

    def _ingest(
        text: str,
        *,
        published=dt.date(2021, 3, 25),
        title="A report",
        source="Wire",
        url="",
        language="en",
        into=None,
    ):
        outcome = services.article_ingest(
            story=into or story,
            data=services.ArticleInput(
                title=title,
                text=text,
                published=published,
                source=source,
                url=url,
                language=language,
            ),
        )
        return outcome.article

    return _ingest


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if not path:
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous, so Django's async-safety guard does not apply.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 serving whatever each test routes to it; never the internet."""
    from tests.local_server import LocalServer

    with LocalServer() as server:
        yield server
