"""Build a large synthetic story for benchmarks and query plans (replaces one with that slug)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from timeline.synthetic import SyntheticSpec, synthetic_story_build


class Command(BaseCommand):
    help = "Build (or rebuild) a synthetic story of N events, for benchmarks and EXPLAIN plans."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=100_000)
        parser.add_argument("--slug", default="synthetic")
        parser.add_argument("--days", type=int, default=3 * 365, help="Days the story spans.")
        parser.add_argument("--seed", type=int, default=6)

    def handle(self, *args, events: int, slug: str, days: int, seed: int, **options):
        if events < 1 or days < 1:
            raise CommandError("--events and --days must be positive.")
        spec = SyntheticSpec(slug=slug, events=events, days=days, seed=seed)
        with tqdm(total=events, unit="event", disable=options["verbosity"] < 1) as bar:
            story = synthetic_story_build(spec=spec, progress=bar.update)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # Fresh statistics and visibility map, as autovacuum would leave them in production.
                for table in (
                    "timeline_event",
                    "timeline_eventgroup",
                    "timeline_event_entities",
                    "timeline_article",
                ):
                    cursor.execute(f"VACUUM ANALYZE {table}")
            else:
                cursor.execute("ANALYZE")  # VACUUM cannot run inside a transaction (tests)
        self.stdout.write(f"Built {story.title} at /stories/{story.slug}/")
