"""The timeline's queries are served by the indexes designed for them, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.db.models import Count

from timeline.selectors import TimelineFilters, story_entries, story_events, story_list_counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def events_story(story, ingest):
    for n in range(5):
        ingest(
            f"Report {n}: talks were held in Cairo on Monday.",
            published=dt.date(2021, 3, 30),
            source="Wire",
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


def chart_query(queryset):
    return queryset.order_by().values_list("date").annotate(count=Count("pk")).order_by("date")


def test_the_density_chart_counts_per_day_from_the_timeline_index(events_story):
    query = chart_query(story_events(story=events_story, filters=TimelineFilters()))
    assert "event_story_timeline" in plan(query)


def test_a_start_date_finds_ranges_running_into_it_through_the_ranges_index(events_story):
    filters = TimelineFilters(start=dt.date(2021, 3, 1))
    text = plan(story_events(story=events_story, filters=filters)[:51])
    assert "event_story_ranges" in text
    assert "event_story_timeline" in text


def test_the_chart_of_one_source_uses_the_story_source_index(events_story):
    from timeline.models import Source

    filters = TimelineFilters(source=Source.objects.get())
    assert "event_story_source_timeline" in plan(
        chart_query(story_events(story=events_story, filters=filters))
    )


@pytest.fixture
def large_story(db):
    """A few thousand synthetic events with fresh statistics: big enough for real plans."""
    from timeline.synthetic import SyntheticSpec, synthetic_story_build

    story = synthetic_story_build(spec=SyntheticSpec(slug="plans", events=4_000, days=400))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "postgresql":
            # A few thousand rows still fit in a handful of pages, where a scan is cheapest;
            # ask which index the planner uses when scanning is not an option, as at 1M events.
            cursor.execute("SET enable_seqscan = off")
    return story


def test_an_entity_filter_reaches_events_through_the_link_tables_index(large_story):
    from timeline.models import Entity

    entity = Entity.objects.filter(events__story=large_story).first()
    text = plan(story_events(story=large_story, filters=TimelineFilters(entity=entity))[:51])
    assert re.search(
        r"(INDEX|Index Scan using|Index Only Scan using|Scan on) \w*event_entities", text
    )


def test_the_article_page_reads_its_events_by_article(large_story):
    from timeline.models import VISIBLE, Article

    article = Article.objects.filter(story=large_story).first()
    query = article.events.filter(VISIBLE).order_by("sentence_start", "timex_start", "id")
    assert re.search(r"event_article_order|timeline_event_article_id", plan(query))


def test_the_story_list_counts_entries_from_an_index_not_the_table(large_story):
    text = plan(story_list_counted())
    # It counts timeline entries (what the timeline shows) and articles in one subquery each;
    # what must not happen is a join of entries or events with articles, which multiplies rows
    # before counting. (With one story in the database, reading every entry is the right plan.)
    subqueries = len(re.findall(r"CORRELATED SCALAR SUBQUERY|SubPlan", text))
    assert subqueries == 2, text
    assert not re.search(r"Hash Join|Merge Join|Nested Loop", text), text


@pytest.mark.postgres
def test_on_postgresql_a_rare_word_is_found_through_the_gin_index(large_story):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only; SQLite searches by substring")
    with connection.cursor() as cursor:
        # At 4,000 rows testing every event of the story is cheapest; make each test cost what
        # it does across a million events, then see which index the planner takes.
        cursor.execute("SET cpu_operator_cost = 1")
    query = chart_query(story_events(story=large_story, filters=TimelineFilters(q="refloated")))
    text = plan(query)
    assert "event_search" in text, text


def test_an_unfiltered_page_of_entries_reads_the_entry_index_alone(events_story):
    text = plan(story_entries(story=events_story, filters=TimelineFilters())[:51])
    assert "group_story_timeline" in text
    assert "timeline_event" not in text.replace("timeline_eventgroup", "")  # no report is read


def test_many_matching_reports_walk_the_entries_in_order_probing_each_ones_reports(large_story):
    from timeline.models import Entity

    if connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL plans both forms as a semi-join and picks the walk or the collection "
            "from its statistics; docs/query-plans.md shows its choices at a million events"
        )

    entity = Entity.objects.filter(events__story=large_story).first()
    filters = TimelineFilters(entity=entity)
    text = plan(story_entries(story=large_story, filters=filters, matching=None)[:51])
    assert "group_story_timeline" in text
    assert re.search(r"event_group_id|group_id", text), text


def test_few_matching_reports_are_collected_through_the_link_tables_entity_index(large_story):
    from timeline.models import Entity

    entity = Entity.objects.filter(events__story=large_story).first()
    filters = TimelineFilters(entity=entity)
    text = plan(story_entries(story=large_story, filters=filters, matching=10)[:51])
    assert re.search(r"event_entities_entity_id", text), text
