"""Search: English full-text search on PostgreSQL, words ANDed elsewhere; the same URL on both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from timeline import services
from timeline.models import Event
from timeline.selectors import Cursor, TimelineFilters, story_events, story_timeline_page

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search runs on PostgreSQL only"
)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the substring fallback runs on SQLite only"
)

REPORTS = [
    "The grounding of the Ever Given blocked the canal on 23 March 2021.",
    "Tugboats pulled at the stern on 24 March 2021.",
    "Dredgers removed sand from the bank on 25 March 2021.",
    "Insurers grounded their estimates in earlier cases on 26 March 2021.",
    "The canal authority closed the northern channel on 27 March 2021.",
]


@pytest.fixture
def search_story(story, ingest):
    for n, text in enumerate(REPORTS):
        ingest(text, published=dt.date(2021, 4, 1), title=f"Report {n}")
    return story


def found(story, q: str) -> list[str]:
    return [e.text for e in story_events(story=story, filters=TimelineFilters(q=q))]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("tugboats", [REPORTS[1]]),
        ("TUGBOATS stern", [REPORTS[1]]),
        ("canal -northern", [REPORTS[0]]),
        ('"northern channel"', [REPORTS[4]]),
        ("dredgers or tugboats", [REPORTS[1], REPORTS[2]]),
        ("zeppelin", []),
    ],
)
def test_the_same_search_finds_the_same_events_on_every_database(search_story, q, expected):
    assert found(search_story, q) == expected


@on_postgres
def test_postgresql_matches_english_stems_grounded_finds_grounding(search_story):
    assert found(search_story, "grounded") == [REPORTS[0], REPORTS[3]]
    assert found(search_story, "dredger") == [REPORTS[2]]


@on_sqlite
def test_sqlite_falls_back_to_substrings_without_stemming(search_story):
    assert found(search_story, "grounded") == [REPORTS[3]]
    assert found(search_story, "dredger") == [REPORTS[2]]  # a prefix of "Dredgers"


def test_search_results_stay_chronological_and_page_with_the_cursor(search_story):
    first = story_timeline_page(
        story=search_story, filters=TimelineFilters(q="canal"), after=None, limit=1
    )
    assert [e.text for g in first.groups for e in g.events] == [REPORTS[0]]
    assert isinstance(first.next_cursor, Cursor)
    second = story_timeline_page(
        story=search_story, filters=TimelineFilters(q="canal"), after=first.next_cursor, limit=1
    )
    assert [e.text for g in second.groups for e in g.events] == [REPORTS[4]]
    assert second.next_cursor is None


@on_postgres
def test_the_search_vector_follows_an_editors_change_of_text(search_story, admin_user):
    event = Event.objects.get(text__startswith="Dredgers")
    event.text = "Excavators removed sand from the bank."
    services.event_save_edit(event=event, changed_fields=["text"], user=admin_user)
    assert found(search_story, "excavator") == ["Excavators removed sand from the bank."]
    assert found(search_story, "dredgers") == []


@on_postgres
def test_postgresql_has_the_gin_index_on_the_search_vector():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'event_search'")
        (definition,) = cursor.fetchone()
    assert "USING gin (search)" in definition
    assert "rejected" in definition


@on_sqlite
def test_sqlite_keeps_the_search_column_empty_and_has_no_gin_index(search_story):
    assert set(Event.objects.values_list("search", flat=True)) == {None}
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'event_search'")
        assert cursor.fetchone() is None


def test_a_search_of_only_punctuation_or_stop_words_does_not_fail(search_story):
    assert isinstance(found(search_story, '"" - or'), list)
    assert isinstance(found(search_story, "the"), list)
