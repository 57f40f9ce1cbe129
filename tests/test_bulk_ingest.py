"""Bulk ingestion (batches, worker processes) stores what one-by-one ingestion does."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from timeline import entries, services
from timeline.article_generator import generate_articles
from timeline.extraction.grouping import DEFAULT_METHOD, Cluster, Report
from timeline.ingest_workers import PreparedArticle
from timeline.ingestion import InputArticle, ingest_inputs
from timeline.models import Article, Event, EventGroup, Story

pytestmark = pytest.mark.django_db


def _inputs(count: int, *, url_suffix: str, seed: int = 3) -> list[InputArticle]:
    return [
        InputArticle(
            "generated.jsonl",
            n,
            services.ArticleInput(
                title=a.title,
                text=a.text,
                published=a.published,
                source=a.source,
                url=a.url + url_suffix,
            ),
        )
        for n, a in enumerate(generate_articles(count, stories=1, seed=seed), start=1)
    ]


def _story_state(story: Story):
    """Events, entries and history of a story, independent of primary keys and URL suffixes."""

    def key(event: Event) -> tuple:
        return (event.article.url.rsplit("#", 1)[0], event.sentence_start, event.timex_start)

    events = list(
        Event.objects.filter(story=story)
        .select_related("article", "source", "group")
        .prefetch_related("entities")
    )
    rows = sorted(
        (
            key(e),
            e.date,
            e.precision,
            e.end_date,
            e.text,
            e.timex_text,
            e.status,
            e.source.name,
            tuple(sorted(entity.name for entity in e.entities.all())),
        )
        for e in events
    )
    members: dict[int, list[Event]] = {}
    for event in events:
        members.setdefault(event.group_id, []).append(event)
    entries = {}
    for reports in members.values():
        group = reports[0].group
        canonical = next(r for r in reports if r.pk == group.canonical_event_id)
        entries[frozenset(map(key, reports))] = (
            group.date,
            group.precision,
            group.text,
            group.report_count,
            group.source_count,
            group.sources_disagree,
            key(canonical),
        )
    urls = dict(Article.objects.filter(story=story).values_list("pk", "url"))
    histories = (
        sorted(
            (urls[h.id].rsplit("#", 1)[0], h.title, h.extraction_status, h.history_type)
            for h in Article.history.filter(story_id=story.pk)
        ),
        sorted(
            (
                (urls[h.article_id].rsplit("#", 1)[0], h.sentence_start, h.timex_start),
                h.date,
                h.precision,
                h.end_date,
                h.text,
                h.status,
                h.confidence,
                h.edited_fields,
                h.version,
                h.group_id,  # None: recorded as extracted, before grouping
                h.history_type,
                h.history_user_id,
            )
            for h in Event.history.filter(story_id=story.pk, history_change_reason="extracted")
        ),
        sorted(
            (h.date, h.precision, h.text, h.report_count, h.history_type)
            for h in EventGroup.history.filter(story_id=story.pk)
        ),
    )
    articles = sorted(
        (a.url.rsplit("#", 1)[0], a.title, a.extraction_status, a.source.name)
        for a in Article.objects.filter(story=story).select_related("source")
    )
    return rows, entries, histories, articles


@pytest.mark.parametrize("workers", [0, 2])
def test_bulk_gives_the_articles_events_and_entries_of_one_by_one(workers, monkeypatch):
    from timeline import ingestion

    monkeypatch.setattr(ingestion, "_POOL_AFTER", 10)  # so that 2 workers do start
    one = services.story_get_or_create(slug="one-by-one")
    bulk = services.story_get_or_create(slug="bulk")
    first = ingest_inputs(story=one, items=_inputs(36, url_suffix="#one"), bulk=False)
    second = ingest_inputs(
        story=bulk, items=_inputs(36, url_suffix="#bulk"), workers=workers, batch_size=8
    )
    assert (first.created, first.events, first.errors) == (36, second.events, [])
    assert (second.created, second.errors) == (36, [])
    expected, got = _story_state(one), _story_state(bulk)
    assert got[0] == expected[0]  # events, with their entities
    assert len(expected[1]) > 5  # several entries, some with many reports
    assert max(len(members) for members in expected[1]) > 6
    assert got[1] == expected[1]  # the same entries, dates, counts and canonical reports
    assert got[2] == expected[2]  # history rows: articles, extracted events, entries
    assert got[3] == expected[3]
    assert second.timings["grouping"] > 0 and second.timings["storing"] > 0
    if workers:  # extracted in the worker processes, not here
        assert second.timings["extraction (CPU, all workers)"] > 0
        assert "extraction" not in second.timings


def test_bulk_grouping_chooses_the_entry_comparing_with_every_entry_would():
    """StoryGrouping scores exactly only the entries that could be the best; it must choose
    what comparing with every entry's first reports (`_cluster_join_capped`) chooses."""
    story = services.story_get_or_create(slug="joins")
    ingest_inputs(story=story, items=_inputs(40, url_suffix="#joins", seed=5), bulk=False)
    with transaction.atomic():
        grouping = entries.StoryGrouping(story=story)
    events = entries._story_events(story)
    clusters: dict[int, Cluster] = {}
    for event in events:  # in timeline order, as the entries are ordered by their first report
        cluster = clusters.setdefault(event.group_id, Cluster(reports=[], key=event.group_id))
        cluster.reports.append(entries._report(event))
    chosen = []
    for event, shift in itertools.product(events, (0, 1, 40)):
        # A sentence of its own, the event's or a day (a disagreement) or weeks later.
        known = entries._report(event)
        probe = Report(
            id=("probe", event.pk, shift),
            date=known.date + dt.timedelta(days=shift),
            precision=known.precision,
            end_date=known.end_date and known.end_date + dt.timedelta(days=shift),
            text=known.text,
            timex_text=known.timex_text,
            entities=known.entities,
            published=known.published,
            sentence=("probe", event.pk, shift),
        )
        expected = entries._cluster_join_capped(
            probe, list(clusters.values()), grouping.corpus, DEFAULT_METHOD
        )
        got = grouping._join(probe)
        assert (got and got.key) == (expected and expected.key)
        chosen.append(got)
    assert len(events) > 100
    assert len({entry.key for entry in chosen if entry}) > 5  # many entries chosen
    assert None in chosen  # and some reports start one


def test_a_second_bulk_run_adds_nothing_and_repeats_inside_a_batch_are_skipped(monkeypatch):
    monkeypatch.setattr(services, "_LOOKUP_CHUNK", 2)  # repeats are looked up a few at a time
    story = services.story_get_or_create(slug="bulk")
    items = _inputs(6, url_suffix="")
    repeated = InputArticle("again.jsonl", 1, items[2].article)
    report = ingest_inputs(story=story, items=[*items, repeated], workers=0, batch_size=10)
    assert (report.created, report.repeated) == (6, 1)
    events = Event.objects.count()
    again = ingest_inputs(story=story, items=items, workers=0, batch_size=4)
    assert (again.created, again.repeated, again.events) == (0, 6, 0)
    assert Event.objects.count() == events and Article.objects.count() == 6


def test_a_failing_article_is_named_and_every_other_article_of_its_batch_goes_in(monkeypatch):
    story = services.story_get_or_create(slug="bulk")
    items = _inputs(5, url_suffix="")
    bad_text = items[2].article.text
    real = services.insert_objects

    def failing(objs, *args, **kwargs):  # storing the bad article's events fails
        if any(isinstance(o, Event) and o.article.text == bad_text for o in objs):
            raise RuntimeError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(services, "insert_objects", failing)
    report = ingest_inputs(story=story, items=items, workers=0, batch_size=5)
    assert report.errors == ["generated.jsonl:3: could not be stored: disk full"]
    assert report.created == 4
    stored = Article.objects.filter(story=story)
    assert sorted(stored.values_list("url", flat=True)) == sorted(
        item.article.url for n, item in enumerate(items) if n != 2
    )
    assert not stored.filter(text=bad_text).exists()
    assert set(stored.values_list("extraction_status", flat=True)) == {"done"}
    assert Event.objects.filter(story=story).count() == report.events > 0
    assert not Event.objects.filter(story=story, group__isnull=True).exists()


def test_an_extraction_failure_is_recorded_on_its_article_and_reported(monkeypatch):
    story = services.story_get_or_create(slug="bulk")
    items = _inputs(4, url_suffix="")
    real = services.prepare

    def prepare(text, published, language="en"):
        if text == items[1].article.text:
            return PreparedArticle(error="ValueError: no sense in it")
        return real(text, published, language)

    monkeypatch.setattr(services, "prepare", prepare)
    report = ingest_inputs(story=story, items=items, workers=0, batch_size=4)
    assert report.errors == ["generated.jsonl:2: extraction failed: ValueError: no sense in it"]
    failed = Article.objects.get(text=items[1].article.text)
    assert failed.extraction_status == "failed" and not failed.events.exists()
    assert report.created == 4


def test_reports_outside_any_entry_are_placed_with_the_first_new_article(ingest, story):
    first = ingest("The canal reopened on Monday after the ship was freed.", title="first")
    Event.objects.filter(article=first).update(group=None)
    EventGroup.objects.all().delete()
    items = [
        InputArticle(
            "x.jsonl",
            1,
            services.ArticleInput(
                title="second",
                text="The canal reopened on Monday after the ship was freed by tugs.",
                published=first.published,
            ),
        )
    ]
    ingest_inputs(story=story, items=items, workers=0)
    assert not Event.objects.filter(group__isnull=True).exists()
    assert EventGroup.objects.get().report_count == 2


def test_an_editors_split_survives_bulk_ingestion(ingest, story):
    from timeline.entries import events_split

    text = "The canal reopened on Monday after the ship was freed."
    ingest(text, title="a", source="Wire")
    ingest(text + " Tugs helped.", title="b", source="Other")
    assert EventGroup.objects.get().report_count == 2
    split = events_split(events=Event.objects.filter(article__title="b"))
    before = dict(Event.objects.values_list("pk", "group_id"))
    items = [
        InputArticle(
            "x.jsonl",
            n,
            services.ArticleInput(
                title=f"more {n}", text=f"{text} Report {n}.", published=dt.date(2021, 3, 25)
            ),
        )
        for n in range(1, 5)
    ]
    ingest_inputs(story=story, items=items, workers=0, batch_size=2)
    assert dict(Event.objects.filter(pk__in=before).values_list("pk", "group_id")) == before
    assert Event.objects.filter(pk__in=before, group_pinned=True).count() == 2
    split.refresh_from_db()
    assert split.locked and split.report_count >= 1
    assert Event.objects.count() == 6 and not Event.objects.filter(group__isnull=True).exists()


def _grouping_state(grouping: entries.StoryGrouping):
    """What placing the next reports depends on, whatever the reports' ids in memory (an
    entry's words, as remembered from the last time they were asked for, included)."""
    return (
        sorted(
            (
                e.key,
                e.size,
                tuple(r.sentence for r in e.heads),
                e.order[0],
                e.order[1][:3],
                tuple(tuple(sorted(union)) for union in e.unions or grouping._unions(e)),
            )
            for e in grouping.entries
        ),
        dict(grouping.corpus.word_df),
        dict(grouping.corpus.entity_df),
        grouping.size,
        grouping.orphans,
    )


def test_a_batch_resumes_the_last_batchs_grouping_only_while_nobody_else_writes(monkeypatch):
    """The grouping kept from batch to batch is the one a new read would give; it is used
    again only while the story's revision is the one the last batch left."""
    from timeline.entries import events_split

    story = services.story_get_or_create(slug="bulk")
    items = _inputs(24, url_suffix="")
    memory = services.GroupingMemory()

    def batch(chunk):
        services.articles_ingest_batch(
            story=story, articles=[item.article for item in chunk], memory=memory
        )

    def fresh():
        with transaction.atomic():
            return _grouping_state(entries.StoryGrouping(story=story))

    batch(items[:8])
    first = memory.grouping
    assert first is not None and first.revision == Story.objects.get(pk=story.pk).revision
    batch(items[8:12])
    assert memory.grouping is first  # nothing else wrote: not read again
    assert _grouping_state(first) == fresh()
    # An editor's split: the story changed, so the next batch reads it anew.
    group = EventGroup.objects.filter(story=story, report_count__gt=1).first()
    events_split(events=Event.objects.filter(group=group)[:1])
    batch(items[12:16])
    second = memory.grouping
    assert second is not first and second is not None
    assert _grouping_state(second) == fresh()

    # A failed batch leaves nothing to resume: what it placed was rolled back.
    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(services, "groups_refresh", failing)
        with pytest.raises(RuntimeError):
            batch(items[16:20])
    assert memory.grouping is None
    batch(items[16:24])
    assert memory.grouping is not second
    assert _grouping_state(memory.grouping) == fresh()
    assert not Event.objects.filter(story=story, group=None).exists()


def test_the_ingest_command_reads_jsonl_in_batches(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text(
        "\n".join(json.dumps(a.as_record()) for a in generate_articles(5, stories=1)) + "\n{bad\n"
    )
    out, err = StringIO(), StringIO()
    with pytest.raises(Exception, match="1 input problem"):
        call_command("ingest", str(path), "--story", "s", "--no-progress", stdout=out, stderr=err)
    assert "5 articles added" in out.getvalue()
    assert "many.jsonl:6: malformed JSON line" in err.getvalue()
    assert Article.objects.count() == 5


def test_bench_ingest_ingests_reports_and_cleans_up():
    out = StringIO()
    call_command("bench_ingest", "--articles", "14", "--stories", "2", "--workers", "0", stdout=out)
    text = out.getvalue()
    assert "ingested 14 articles with" in text
    assert "articles/s" in text and "events/s" in text
    assert "grouping" in text and "storing" in text
    assert not Story.objects.filter(slug__startswith="bench-ingest-").exists()
    assert not Article.objects.exists()


def test_bench_ingest_keeps_what_it_reports_when_asked(tmp_path):
    out = StringIO()
    call_command(
        "bench_ingest", "--articles", "9", "--stories", "2", "--workers", "0", "--keep", stdout=out
    )
    stories = Story.objects.filter(slug__startswith="bench-ingest-")
    assert stories.count() == 2
    events = Event.objects.filter(story__in=stories).count()
    assert f"ingested 9 articles with {events:,} events" in out.getvalue()
    assert Article.objects.filter(story__in=stories).count() == 9
