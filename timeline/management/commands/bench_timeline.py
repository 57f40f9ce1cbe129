"""Time the timeline on a story: first page, "load more" and density chart, warm and cold.

For each filter combination it requests the full page and the htmx fragment, then the second
page through the first page's cursor ("load more"), and prints p50/p95 server time and the most
queries one request made, three ways:

- "warm" repeats a request with everything about the story cached;
- "edited" is the first request after an editor's correction through the service layer (an
  event's date moved, and moved back the next time): the drawn page is gone, the story's
  counts were carried to the new revision by the write (timeline.revisions), and only the
  entries the correction changed are drawn again (usually none of the page's: the corrected
  event is in the middle of the story), the others coming from the entry cache;
- "cold" is the first request with nothing cached: before each one the story's revision and
  names revision are bumped without carrying anything, so the counts and the chart are counted
  afresh and every entry drawn anew (after a restart, or a write that cannot know what it
  changed, such as an entity merge).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from timeline import services
from timeline.models import Event, Story
from timeline.revisions import stories_renamed
from timeline.selectors import Cursor, TimelineFilters, story_density, story_facets

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Timing:
    p50: float
    p95: float
    queries: int  # the most any one request made


class Command(BaseCommand):
    help = (
        "Benchmark a story's timeline on the current database (DATABASE_URL) and cache: the "
        "first page and the next page (full page and htmx fragment) under several filter "
        "combinations, and the density chart, each cold (just after a write) and warm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--story", default="synthetic", help="Story slug (see build_synthetic_story)."
        )
        parser.add_argument("--runs", type=int, default=30, help="Warm requests per row.")
        parser.add_argument(
            "--cold-runs",
            type=int,
            default=5,
            help="Requests per row after an edit, and cold (0: warm only).",
        )
        parser.add_argument(
            "--match", default="", help="Run only the cases whose label contains this."
        )

    def handle(self, *args, story: str, runs: int, cold_runs: int, match: str, **options):
        if runs < 1 or cold_runs < 0:
            raise CommandError("--runs must be at least 1 and --cold-runs at least 0.")
        # Plain static URLs: a benchmark should not need collectstatic's manifest first.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(STORAGES=storages, ALLOWED_HOSTS=["localhost"]):
            self._run(slug=story, runs=runs, cold_runs=cold_runs, match=match)

    def _run(self, *, slug: str, runs: int, cold_runs: int, match: str) -> None:
        try:
            subject = Story.objects.get(slug=slug)
        except Story.DoesNotExist as exc:
            raise CommandError(
                f"No story {slug!r}; build one: manage.py build_synthetic_story --slug {slug}"
            ) from exc
        self.subject = subject
        events = Event.objects.filter(story=subject).count()
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        self.stdout.write(
            f"{connection.vendor} · cache {backend} · story {slug!r} · {events:,} events · "
            f"{runs} warm and {cold_runs} cold runs each\n"
        )
        client = Client(HTTP_HOST="localhost")
        url = subject.get_absolute_url()
        self.edited = (
            Event.objects.filter(story=subject, status=Event.Status.EXTRACTED)
            .order_by("date", "id")[events // 2 :]
            .first()
        )
        self.stdout.write(
            f"{'request':40} {'warm p50':>9} {'p95':>7} {'queries':>7} │ "
            f"{'edited p50':>10} {'p95':>7} {'queries':>7} │ "
            f"{'cold p50':>9} {'p95':>7} {'queries':>7}"
        )
        for label, params in self._cases(subject):
            if match and match not in label:
                continue
            query = urlencode({k: v for k, v in params.items() if v})
            first = f"{url}?{query}" if query else url
            for kind, headers in (("page", {}), ("htmx", HTMX)):
                self._row(
                    f"{label} · {kind}",
                    lambda path=first, headers=headers: client.get(path, headers=headers),
                    runs,
                    cold_runs,
                )
            cursor = self._next_cursor(client, first)
            if cursor is None:
                continue
            more = f"{url}?{urlencode({**params, 'after': str(cursor)})}"
            for kind, headers in (("page", {}), ("htmx", HTMX)):
                self._row(
                    f"{label} · load more · {kind}",
                    lambda path=more, headers=headers: client.get(path, headers=headers),
                    runs,
                    cold_runs,
                )
        if not match or "chart" in match:
            for label, filters in (
                ("density chart", TimelineFilters()),
                ("density chart · q=refloated", TimelineFilters(q="refloated")),
            ):
                self._row(label, lambda filters=filters: self._chart(filters), runs, cold_runs)

    def _cases(self, story: Story) -> list[tuple[str, dict[str, str]]]:
        facets = story_facets(story=story)
        entities = sorted(facets.entities, key=lambda e: (e.event_count, e.pk))
        sources = sorted(facets.sources, key=lambda s: (s.event_count, s.pk))
        cases = [
            ("first page", {}),
            ("q=refloated", {"q": "refloated"}),
            ('q="northern channel"', {"q": '"northern channel"'}),
            ("start+end (one month)", {"start": "2021-03-01", "end": "2021-03-31"}),
            ("start (late)", {"start": _late_start(story)}),
            ("precision=month", {"precision": "month"}),
        ]
        if sources:
            frequent, rare = sources[-1], sources[0]
            cases.append((f"source ({frequent.event_count:,})", {"source": frequent.slug}))
            if rare != frequent:
                cases.append((f"source, rare ({rare.event_count:,})", {"source": rare.slug}))
        if entities:
            frequent, rare = entities[-1], entities[0]
            cases.append((f"entity ({frequent.event_count:,})", {"entity": frequent.slug}))
            if rare != frequent:
                cases.append((f"entity, rare ({rare.event_count:,})", {"entity": rare.slug}))
            if sources:
                cases.append(
                    (
                        "entity+source",
                        {"entity": entities[-1].slug, "source": sources[-1].slug},
                    )
                )
        cases.append(
            ("q+start+end", {"q": "refloated", "start": "2021-01-01", "end": "2021-06-30"})
        )
        if sources:
            cases.append(
                ("source+precision=week", {"source": sources[-1].slug, "precision": "week"})
            )
        return cases

    def _next_cursor(self, client: Client, path: str) -> Cursor | None:
        """The first page's "load more" cursor, as a reader's browser would follow it."""
        html = client.get(path, headers=HTMX).content.decode()
        found = re.search(r"after=(\d{4}-\d{2}-\d{2}_\d+)", html)
        return Cursor.parse(found.group(1)) if found else None

    def _chart(self, filters: TimelineFilters):
        story = Story.objects.get(pk=self.subject.pk)  # the revision as a request reads it
        return story_density(story=story, filters=filters)

    def _bump(self) -> None:
        # Nothing carried (counted afresh), no entry drawn (their key has the names revision).
        stories_renamed(story_ids=[self.subject.pk], changes=None)

    def _edit(self) -> None:
        """An editor's correction: the chosen event a day later, or back (in autocommit, so
        the write's commit hooks carry the story's counts as they would in a request)."""
        if self.edited is None:
            return  # nothing an editor could correct: the same as a bump
        event = Event.objects.get(pk=self.edited.pk)
        moved = self.edited.date + dt.timedelta(days=1)
        event.date = self.edited.date if event.date == moved else moved
        services.event_save_edit(event=event, changed_fields=["date"], reason="benchmark")

    def _time(self, call: Callable, runs: int, *, before: Callable | None = None) -> Timing:
        timings, queries = [], 0
        for _ in range(runs):
            if before is not None:
                before()
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = call()
                timings.append((time.perf_counter() - began) * 1000)
            queries = max(queries, len(captured))
            if getattr(response, "status_code", 200) != 200:
                raise CommandError(f"HTTP {response.status_code}")
        p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) > 1 else timings[0]
        return Timing(p50=statistics.median(timings), p95=p95, queries=queries)

    def _row(self, label: str, call: Callable, runs: int, cold_runs: int) -> None:
        call()  # templates compiled, the database's buffers warm, the counts cached
        warm = self._time(call, runs)
        text = f"{label:40} {warm.p50:9.1f} {warm.p95:7.1f} {warm.queries:7d} │ "
        if cold_runs:
            edited = self._time(call, cold_runs, before=self._edit)
            text += f"{edited.p50:10.1f} {edited.p95:7.1f} {edited.queries:7d} │ "
            cold = self._time(call, cold_runs, before=self._bump)
            text += f"{cold.p50:9.1f} {cold.p95:7.1f} {cold.queries:7d}"
        self.stdout.write(text.rstrip(" │"))


def _late_start(story: Story) -> str:
    dates = Event.objects.filter(story=story).order_by("-date").values_list("date", flat=True)
    last = dates.first()
    return last.replace(day=1).isoformat() if last else ""
