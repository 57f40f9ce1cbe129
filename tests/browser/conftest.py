"""The browser tests' shared story: the demo, loaded after Playwright starts, and its counts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

SLUG = "ever-given"


@pytest.fixture
def demo(page):
    """The 31-article Ever Given demo story.

    It asks for `page` first: the conftest `browser` fixture allows the ORM next to Playwright's
    event loop (DJANGO_ALLOW_ASYNC_UNSAFE), so every test's ORM calls come after it.
    """
    call_command("load_demo", stdout=io.StringIO())
    from timeline.models import Story

    return Story.objects.get(slug=SLUG)


@pytest.fixture
def story_url(live_server, demo) -> str:
    return f"{live_server.url}/stories/{SLUG}/"


def matching(story, **filters) -> int:
    """How many timeline entries match: those with at least one matching report."""
    from timeline.selectors import TimelineFilters, story_events

    reports = story_events(story=story, filters=TimelineFilters(**filters))
    return reports.order_by().values("group_id").distinct().count()


def matching_events(story, **filters) -> int:
    """How many events (reports) match: what the exports list, one per row."""
    from timeline.selectors import TimelineFilters, story_events

    return story_events(story=story, filters=TimelineFilters(**filters)).count()
