"""`manage.py reextract`: run the extractor again over stored articles, keeping corrections."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from timeline import services, tasks
from timeline.models import Article, Story


class Command(BaseCommand):
    help = "Re-extract events (all articles, or one story's); editors' corrections are kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--story", help="only this story's articles (slug)")
        parser.add_argument(
            "--background",
            action="store_true",
            help="queue one background job (followed in admin) instead of working here",
        )

    def handle(self, *args, **options) -> None:
        articles = Article.objects.select_related("story").order_by("id")
        story = None
        if options["story"]:
            story = Story.objects.filter(slug=options["story"]).first()
            if story is None:
                raise CommandError(f"No story with the slug “{options['story']}”.")
            articles = articles.filter(story=story)
        if options["background"]:
            self._enqueue(articles, story)
            return
        totals = {"created": 0, "updated": 0, "retired": 0, "kept": 0}
        failures = 0
        for article in tqdm(articles, disable=not sys.stderr.isatty(), file=sys.stderr):
            summary = services.article_extract_events(article=article)
            for name in totals:
                totals[name] += getattr(summary, name)
            if summary.error:
                failures += 1
                self.stderr.write(f"article {article.pk}: {summary.error}")
        self.stdout.write(
            f"{totals['created']} new, {totals['updated']} refreshed, {totals['retired']} retired, "
            f"{totals['kept']} kept as editors left them; {failures} failed."
        )

    def _enqueue(self, articles, story: Story | None) -> None:
        ids = list(articles.values_list("pk", flat=True))
        label = f"every article of “{story.title}”" if story else "every article"
        job, _result = tasks.articles_reextract_enqueue(article_ids=ids, story=story, label=label)
        job.refresh_from_db()
        self.stdout.write(
            f"Queued background job {job.pk}: re-extract {job.total} article"
            f"{'s' if job.total != 1 else ''} ({job.get_status_display()}). Follow it in admin "
            f"under Background jobs; a worker (manage.py db_worker or rqworker) runs it."
        )
