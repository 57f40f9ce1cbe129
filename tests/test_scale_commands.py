"""The scale tools: a synthetic story, the timeline benchmark and the query-plan printer."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from timeline.models import Event, Story
from timeline.synthetic import SyntheticSpec, synthetic_story_build

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, verbosity=0)
    return out.getvalue()


def test_the_synthetic_story_has_the_shape_asked_for_and_is_reproducible(db):
    story = synthetic_story_build(spec=SyntheticSpec(slug="synth", events=600, days=90))
    events = Event.objects.filter(story=story)
    assert events.count() == 600
    assert set(events.values_list("precision", flat=True)) >= {"day", "week", "month"}
    assert events.filter(status="rejected").exists()
    assert events.exclude(entities=None).exists()
    first = list(events.order_by("id").values_list("date", "text")[:20])
    again = synthetic_story_build(spec=SyntheticSpec(slug="synth", events=600, days=90))
    assert Story.objects.filter(slug="synth").count() == 1  # rebuilt, not added
    assert list(
        Event.objects.filter(story=again).order_by("id").values_list("date", "text")[:20]
    ) == (first)


# Transactional: the corrections commit, so their hooks carry the counts as in production.
@pytest.mark.django_db(transaction=True)
def test_the_benchmark_prints_p50_p95_and_queries_warm_edited_and_cold_for_each_request():
    run("build_synthetic_story", "--events", "300", "--slug", "bench")
    output = run("bench_timeline", "--story", "bench", "--runs", "2", "--cold-runs", "2")
    assert "300 events" in output
    row = r" +\d+\.\d +\d+\.\d +{warm} │ +\d+\.\d +\d+\.\d +{edited} │ +\d+\.\d +\d+\.\d +{cold}\n"

    # Warm: the story alone (the drawn page comes from the cache).
    # Edited (just after a correction): the counts are carried (the whole story's by the write,
    # a filter's when asked for) and the page's entries were drawn before the correction, which
    # changed none of them (the corrected event is mid-story), so story, entries and the
    # choices' names. Cold (nothing cached): story, choices with counts, entries, reports, their
    # names, chart's counts. A text search is always counted afresh.
    def expect(label: str, warm: int, edited: int, cold: int) -> None:
        assert re.search(label + row.format(warm=warm, edited=edited, cold=cold), output), output

    expect(r"first page · page", 1, 3, 6)
    expect(r"first page · htmx", 1, 2, 5)
    expect(r"first page · load more · htmx", 1, 2, 4)
    expect(r"entity, rare \(\d+\) · page", 1, 3, 6)
    expect(r"q=refloated · page", 1, 4, 6)
    expect(r"density chart", 1, 1, 2)
    # The benchmark's corrections moved one event's date and back: the story is as built.


def test_the_plan_printer_shows_a_plan_for_every_timeline_query(db):
    run("build_synthetic_story", "--events", "300", "--slug", "plans")
    output = run("explain_timeline", "--story", "plans")
    for title in ("First page", "Load more", "Search", "Dates", "Entity", "Source", "Precision"):
        assert f"### {title}" in output
    assert "### Density chart: the whole story" in output
    assert "### Story list" in output and "### Article page" in output
    assert "event_story_timeline" in output


def test_the_scale_commands_refuse_an_unknown_story_clearly(db):
    with pytest.raises(CommandError, match="build_synthetic_story"):
        run("bench_timeline", "--story", "nope")
    with pytest.raises(CommandError, match="--events"):
        run("build_synthetic_story", "--events", "0")
