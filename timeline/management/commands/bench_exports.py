"""`manage.py bench_exports`: time every export of a large generated story, then roll it back."""

from __future__ import annotations

import datetime as dt
import random
import time
import tracemalloc

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from timeline.models import Article, Entity, Event, Precision, Source, Story

PATHS = ("events.csv", "events.json", "timeline.json", "events.ics", "feed.atom")
PRECISIONS = [Precision.DAY] * 6 + [Precision.WEEK, Precision.MONTH, Precision.QUARTER]
SLUG = "bench-exports"


class _RollBack(Exception):
    """Raised at the end so the generated story never stays in the database."""


class Command(BaseCommand):
    help = "Generate a story with N events, time each export (first byte, total, size), roll back."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--filter", default="", help="a query string, e.g. q=canal")
        parser.add_argument(
            "--memory",
            action="store_true",
            help="a second pass under tracemalloc: the peak Python memory of each export",
        )

    def handle(self, *args, **options) -> None:
        count = options["events"]
        try:
            with transaction.atomic():
                started = time.perf_counter()
                _generate(count)
                self.stdout.write(
                    f"{count} events generated in {time.perf_counter() - started:.1f}s "
                    f"({connection.vendor})"
                )
                with override_settings(ALLOWED_HOSTS=["*"]):
                    for path in PATHS:
                        self.stdout.write(_measure(path, options["filter"]))
                    if options["memory"]:
                        for path in PATHS:
                            self.stdout.write(_peak_memory(path, options["filter"]))
                raise _RollBack
        except _RollBack:
            pass


def _generate(count: int) -> None:
    story = Story.objects.create(title="Benchmark story", slug=SLUG)
    sources = [
        Source.objects.get_or_create(name=f"Bench outlet {n}", slug=f"bench-outlet-{n}")[0]
        for n in range(10)
    ]
    entities = [
        Entity.objects.get_or_create(
            name=f"Bench entity {n}", kind="place", slug=f"bench-entity-{n}"
        )[0]
        for n in range(50)
    ]
    text = "On Tuesday the canal authority said the ship was moving again. " * 3
    articles = Article.objects.bulk_create(
        Article(
            story=story,
            source=sources[n % len(sources)],
            title=f"Report {n}",
            published=dt.date(2021, 3, 1) + dt.timedelta(days=n % 300),
            text=text,
            content_hash=f"bench-{n}",
        )
        for n in range(max(1, count // 100))
    )
    rng = random.Random(7)
    events = []
    for n in range(count):
        article = articles[n % len(articles)]
        precision = rng.choice(PRECISIONS)
        day = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(700))
        if precision == Precision.WEEK:
            day -= dt.timedelta(days=day.weekday())
        elif precision == Precision.MONTH:
            day = day.replace(day=1)
        elif precision == Precision.QUARTER:
            day = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        events.append(
            Event(
                article=article,
                story=story,
                source_id=article.source_id,
                date=day,
                precision=precision,
                text=f"Event {n}: the canal authority said the ship was moving, with “quotes”.",
                sentence_start=0,
                sentence_end=60,
                timex_start=3,
                timex_end=10,
                timex_text="Tuesday",
            )
        )
    events = Event.objects.bulk_create(events, batch_size=5000)
    through = Event.entities.through
    through.objects.bulk_create(
        (
            through(event_id=event.pk, entity_id=entity.pk)
            for event in events
            for entity in rng.sample(entities, 2)
        ),
        batch_size=10000,
    )


def _download(path: str, query: str) -> tuple[int, float, float, int]:
    """Status, seconds to the first byte, seconds in all, and bytes, read like a client would."""
    url = f"/stories/{SLUG}/{path}" + (f"?{query}" if query else "")
    started = time.perf_counter()
    response = Client().get(url)
    size, first = 0, None
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
    return response.status_code, first or 0.0, time.perf_counter() - started, size


def _measure(path: str, query: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        status, first, total, size = _download(path, query)
    return (
        f"{path:<14} {status}  first byte {first * 1000:7.1f} ms  total {total:6.2f} s  "
        f"{size / 1e6:6.1f} MB  {len(queries):3d} queries"
    )


def _peak_memory(path: str, query: str) -> str:
    tracemalloc.start()
    try:
        _download(path, query)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return f"{path:<14} peak Python memory while streaming {peak / 1e6:6.1f} MB"
