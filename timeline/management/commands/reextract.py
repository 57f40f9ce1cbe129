"""`manage.py reextract`: run the extractor again over stored articles, keeping corrections."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from timeline import services
from timeline.models import Article


class Command(BaseCommand):
    help = "Re-extract events (all articles, or one story's); editors' corrections are kept."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--story", help="only this story's articles (slug)")

    def handle(self, *args, **options) -> None:
        articles = Article.objects.select_related("story").order_by("id")
        if options["story"]:
            articles = articles.filter(story__slug=options["story"])
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
