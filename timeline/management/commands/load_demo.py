"""`manage.py load_demo`: the Ever Given demo story, loaded idempotently."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from timeline import services
from timeline.ingestion import InputError, read_path

DEMO_FILE = Path(__file__).resolve().parents[2] / "demo" / "ever-given.jsonl"
DEMO_SLUG = "ever-given"
DEMO_TITLE = "The Ever Given blocks the Suez Canal"
DEMO_DESCRIPTION = (
    "March to July 2021: a 400-metre container ship runs aground in the Suez Canal, "
    "holds up world trade for six days, and is held in Egypt until a settlement is reached."
)


class Command(BaseCommand):
    help = "Load the demo story (articles written for this project); running it again adds nothing."

    def handle(self, *args, **options) -> None:
        story = services.story_get_or_create(
            slug=DEMO_SLUG, title=DEMO_TITLE, description=DEMO_DESCRIPTION
        )
        created = events = 0
        for item in read_path(DEMO_FILE):
            if isinstance(item, InputError):
                raise CommandError(str(item))
            outcome = services.article_ingest(story=story, data=item.article)
            if outcome.created:
                created += 1
                events += outcome.extraction.created
        total = story.articles.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo story “{story.title}”: {created} new article(s), {events} new event(s); "
                f"{total} articles in all. Browse it at /stories/{story.slug}/"
            )
        )
