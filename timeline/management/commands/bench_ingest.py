"""`manage.py bench_ingest`: generate N articles as JSONL, ingest them as `ingest` does, time it."""

from __future__ import annotations

import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings

from timeline.article_generator import generate_articles, plan_stories
from timeline.ingestion import IngestReport, ingest_inputs, read_path
from timeline.models import Article, Entity, Event, EventGroup, Source, Story

SLUG_PREFIX = "bench-ingest-"


def _write_jsonl(folder: Path, *, articles: int, stories: int, seed: int) -> dict[str, Path]:
    """One JSONL file per story, as a newsroom's export would give them."""
    import json

    files: dict[str, Path] = {}
    handles = {}
    try:
        for article in generate_articles(articles, stories=stories, seed=seed):
            if article.story not in handles:
                files[article.story] = folder / f"{article.story}.jsonl"
                handles[article.story] = files[article.story].open("w", encoding="utf-8")
            handles[article.story].write(json.dumps(article.as_record()) + "\n")
    finally:
        for handle in handles.values():
            handle.close()
    return files


def _clean_up(slugs: list[str], *, entities_after: int, sources_after: int) -> None:
    """Remove the benchmark's stories with their history, and the names only they used."""
    stories = Story.objects.filter(slug__in=slugs)
    ids = list(stories.values_list("pk", flat=True))
    if not ids:
        return
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        Event.history.filter(story_id__in=ids).delete()
        EventGroup.history.filter(story_id__in=ids).delete()
        Article.history.filter(story_id__in=ids).delete()
        stories.delete()
        Entity.objects.filter(pk__gt=entities_after, events__isnull=True).delete()
        Source.objects.filter(pk__gt=sources_after, articles__isnull=True).delete()


class Command(BaseCommand):
    help = (
        "Generate N made-up news articles (several stories and sources, reproducible by seed) "
        "as JSONL, ingest them through the service layer exactly as `ingest` does (extraction, "
        "entities, grouping), and print articles/s, events/s and where the time went. Uses the "
        "database DATABASE_URL names; its stories (slugs bench-ingest-*) are removed afterwards."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--stories", type=int, default=6)
        parser.add_argument("--seed", type=int, default=6)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="extraction processes (default: one per core; 0 extracts in this process)",
        )
        parser.add_argument("--batch", type=int, default=None, help="articles per transaction")
        parser.add_argument(
            "--one-by-one",
            action="store_true",
            help="each article in its own transaction, extracted here (the path before batching)",
        )
        parser.add_argument("--keep", action="store_true", help="leave the stories in place")

    def handle(self, *args, **options) -> None:
        count = options["articles"]
        if count < 1 or options["stories"] < 1:
            raise CommandError("--articles and --stories must be at least 1")
        plans = plan_stories(options["stories"], seed=options["seed"])
        slugs = [SLUG_PREFIX + plan.slug for plan in plans]
        entities_after = Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        sources_after = Source.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _clean_up(slugs, entities_after=entities_after, sources_after=sources_after)
        with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
            files = _write_jsonl(
                Path(folder), articles=count, stories=options["stories"], seed=options["seed"]
            )
            size = sum(path.stat().st_size for path in files.values())
            workers = os.cpu_count() or 1 if options["workers"] is None else options["workers"]
            mode = "one by one" if options["one_by_one"] else f"{workers} extraction worker(s)"
            self.stdout.write(
                f"{connection.vendor} · {count:,} articles in {len(files)} stories "
                f"({size / 2**20:.1f} MB of JSONL) · {mode}"
            )
            total = IngestReport()
            timings: dict[str, float] = defaultdict(float)
            started = time.perf_counter()
            try:
                for plan in plans:
                    if plan.slug not in files:
                        continue
                    story = Story.objects.create(slug=SLUG_PREFIX + plan.slug, title=plan.title)
                    report = ingest_inputs(
                        story=story,
                        items=read_path(files[plan.slug]),
                        bulk=not options["one_by_one"],
                        workers=workers,
                        batch_size=options["batch"],
                    )
                    total.created += report.created
                    total.repeated += report.repeated
                    total.events += report.events
                    total.errors += report.errors
                    for name, seconds in report.timings.items():
                        timings[name] += seconds
                elapsed = time.perf_counter() - started
                groups = EventGroup.objects.filter(story__slug__in=slugs).count()
                entities = Entity.objects.filter(events__story__slug__in=slugs).distinct().count()
            finally:
                if not options["keep"]:
                    _clean_up(slugs, entities_after=entities_after, sources_after=sources_after)
        self.stdout.write(
            f"ingested {total.created:,} articles with {total.events:,} events "
            f"({groups:,} timeline entries, {entities:,} entities) in {elapsed:.1f} s; "
            f"{total.repeated} repeated, {len(total.errors)} errors"
        )
        self.stdout.write(
            f"  {total.created / elapsed:,.1f} articles/s · {total.events / elapsed:,.1f} events/s"
        )
        if timings:
            parts = " · ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
            self.stdout.write(f"  time: {parts}")
        for error in total.errors[:5]:
            self.stderr.write(error)
