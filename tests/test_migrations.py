"""Upgrading a database with events: each gets a timeline entry, and editors may change them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("timeline", "0008_background_tasks_editors")]
AFTER = [("timeline", "0010_event_groups_data")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_events_each_get_an_entry_and_editors_may_change_entries():
    old = migrate(BEFORE)
    # As 0002 made it (a transactional test run before this one may have flushed it).
    old.get_model("auth", "Group").objects.get_or_create(name="Editors")
    story = old.get_model("timeline", "Story").objects.create(title="S", slug="s")
    article = old.get_model("timeline", "Article").objects.create(
        story=story, title="A", published=dt.date(2021, 3, 24), text="x" * 40, content_hash="h"
    )
    Event = old.get_model("timeline", "Event")
    common = {"article": article, "story": story, "timex_text": "Tuesday"}
    offsets = {"sentence_start": 0, "sentence_end": 30, "timex_start": 3, "timex_end": 10}
    Event.objects.create(date=dt.date(2021, 3, 23), text="Shown.", **common, **offsets)
    Event.objects.create(
        date=dt.date(2021, 3, 22), text="Hidden.", status="rejected", **common, **offsets
    )
    try:
        new = migrate(AFTER)
        groups = new.get_model("timeline", "EventGroup").objects.order_by("date")
        assert [(g.text, g.report_count) for g in groups] == [("Hidden.", 0), ("Shown.", 1)]
        assert not new.get_model("timeline", "Event").objects.filter(group__isnull=True).exists()
        editors = new.get_model("auth", "Group").objects.get(name="Editors")
        codenames = set(editors.permissions.values_list("codename", flat=True))
        assert {"view_eventgroup", "change_eventgroup"} <= codenames
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
