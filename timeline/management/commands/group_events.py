"""`manage.py group_events`: group a story's reports into timeline entries again."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timeline import tasks
from timeline.entries import story_group_events
from timeline.models import Story


class Command(BaseCommand):
    help = (
        "Group reports of the same happening into one timeline entry, over whole stories. "
        "Editors' merges, splits and canonical choices are kept; running it again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--story", help="only this story (slug); default: every story")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue one background job per story (followed in admin) instead of working here",
        )

    def handle(self, *args, **options) -> None:
        stories = Story.objects.order_by("title")
        if options["story"]:
            stories = stories.filter(slug=options["story"])
            if not stories.exists():
                raise CommandError(f"No story with the slug “{options['story']}”.")
        for story in stories:
            if options["background"]:
                job, _result = tasks.story_group_enqueue(story=story)
                job.refresh_from_db()
                self.stdout.write(
                    f"{story.slug}: queued background job {job.pk} ({job.get_status_display()}); "
                    "follow it in admin under Background jobs."
                )
                continue

            def progress(events, story=story):
                return tqdm(
                    events, desc=story.slug, disable=not sys.stderr.isatty(), file=sys.stderr
                )

            summary = story_group_events(story=story, progress=progress)
            entries = story.event_groups.filter(report_count__gt=0).count()
            self.stdout.write(f"{story.slug}: {summary} {entries} entries on the timeline.")
