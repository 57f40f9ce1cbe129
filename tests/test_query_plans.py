"""The timeline's queries are served by the indexes designed for them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from timeline.selectors import TimelineFilters, story_entries, story_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def events_story(story, ingest):
    for n in range(5):
        ingest(
            f"Report {n}: talks were held on Monday.", published=dt.date(2021, 3, 30), source="Wire"
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Tiny test tables make a scan and a sort cheapest; ask which index serves the
            # query in order, as it must at a million events.
            cursor.execute("SET enable_seqscan = off")
            cursor.execute("SET enable_sort = off")
    return story


def plan(queryset) -> str:
    return queryset.explain()


def test_a_storys_timeline_page_uses_the_partial_timeline_index(events_story):
    query = story_events(story=events_story, filters=TimelineFilters())[:51]
    assert "event_story_timeline" in plan(query)


def test_a_source_filter_uses_the_story_source_index(events_story):
    from timeline.models import Source

    query = story_events(story=events_story, filters=TimelineFilters(source=Source.objects.get()))[
        :51
    ]
    assert "event_story_source_timeline" in plan(query)


def test_a_page_of_timeline_entries_uses_the_partial_entry_index(events_story):
    query = story_entries(story=events_story, filters=TimelineFilters(q="talks"))[:51]
    assert "group_story_timeline" in plan(query)


@pytest.mark.postgres
def test_the_postgresql_server_answers_and_the_postgresql_pass_uses_it():
    """Both passes check the server; the PostgreSQL pass (DATABASE_URL) must really be on it."""
    import os

    import psycopg

    from tests.conftest import missing

    url = os.environ.get("DATABASE_URL", "")
    on_postgres = url.startswith(("postgres://", "postgresql://"))
    try:
        with psycopg.connect(
            url if on_postgres else "postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3
        ) as conn:
            version = conn.execute("SELECT version()").fetchone()[0]
    except psycopg.OperationalError as exc:
        missing(f"no PostgreSQL server on 127.0.0.1:5432 ({exc})")
    assert "PostgreSQL" in version
    if on_postgres:
        assert connection.vendor == "postgresql"
