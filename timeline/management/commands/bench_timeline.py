"""Time the timeline's first page and density chart on a story: p50/p95 and queries, printed."""

from __future__ import annotations

import statistics
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from timeline.models import Event, Story
from timeline.selectors import TimelineFilters, story_density


class Command(BaseCommand):
    help = (
        "Benchmark a story's timeline on the current database (DATABASE_URL): the first page "
        "(full page and htmx fragment, per filter) and the density chart aggregate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--story", default="synthetic", help="Story slug (see build_synthetic_story)."
        )
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, story: str, runs: int, **options):
        # Plain static URLs: a benchmark should not need collectstatic's manifest first.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=storages, ALLOWED_HOSTS=["localhost"]):
            self._run(story=story, runs=runs)

    def _run(self, *, story: str, runs: int) -> None:
        try:
            subject = Story.objects.get(slug=story)
        except Story.DoesNotExist as exc:
            raise CommandError(
                f"No story {story!r}; build one: manage.py build_synthetic_story --slug {story}"
            ) from exc
        events = Event.objects.filter(story=subject).count()
        self.stdout.write(
            f"{connection.vendor} · story {story!r} · {events:,} events · {runs} runs each\n"
        )
        client = Client(HTTP_HOST="localhost")
        url = subject.get_absolute_url()
        sample = Event.objects.filter(story=subject).exclude(entities=None).order_by("id").first()
        entity = sample.entities.order_by("id").first() if sample else None
        cases = [
            ("first page", {}),
            ("q=refloated", {"q": "refloated"}),
            ('q="northern channel"', {"q": '"northern channel"'}),
            ("start+end (one month)", {"start": "2021-03-01", "end": "2021-03-31"}),
            ("start (late)", {"start": _late_start(subject)}),
            ("source", {"source": sample.source.slug if sample and sample.source else ""}),
            ("entity", {"entity": entity.slug if entity else ""}),
            ("precision=month", {"precision": "month"}),
        ]
        self.stdout.write(f"{'request':32} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
        for label, params in cases:
            query = urlencode({k: v for k, v in params.items() if v})
            path = f"{url}?{query}" if query else url
            for kind, headers in (("page", {}), ("htmx", {"HX-Request": "true"})):
                timings, queries = self._time(
                    lambda path=path, headers=headers: client.get(path, headers=headers), runs
                )
                self._row(f"{label} · {kind}", timings, queries)
        filters = TimelineFilters()
        timings, queries = self._time(lambda: story_density(story=subject, filters=filters), runs)
        self._row("density chart aggregate", timings, queries)
        filtered = TimelineFilters(q="refloated")
        timings, queries = self._time(lambda: story_density(story=subject, filters=filtered), runs)
        self._row("density chart · q=refloated", timings, queries)

    def _time(self, call, runs: int) -> tuple[list[float], int]:
        call()  # warm caches, templates and the database's buffers
        timings = []
        with CaptureQueriesContext(connection) as captured:
            for _ in range(runs):
                began = time.perf_counter()
                response = call()
                timings.append((time.perf_counter() - began) * 1000)
                if getattr(response, "status_code", 200) != 200:
                    raise CommandError(f"HTTP {response.status_code}")
        return timings, len(captured) // runs

    def _row(self, label: str, timings: list[float], queries: int) -> None:
        p50 = statistics.median(timings)
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        self.stdout.write(f"{label:32} {p50:8.1f} {p95:8.1f} {queries:8d}")


def _late_start(story: Story) -> str:
    dates = Event.objects.filter(story=story).order_by("-date").values_list("date", flat=True)
    last = dates.first()
    return last.replace(day=1).isoformat() if last else ""
