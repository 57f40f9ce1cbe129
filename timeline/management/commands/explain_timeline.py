"""Print the database's plan for every query the timeline pages run, as Markdown."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q

from timeline.models import VISIBLE, Article, Entity, Event, Story
from timeline.revisions import facet_count_query
from timeline.selectors import (
    Cursor,
    TimelineFilters,
    story_entries,
    story_events,
    story_facets,
    story_list_counted,
)

PAGE = 51  # a page of 50 and one more, to know whether there is a next page


class Command(BaseCommand):
    help = (
        "EXPLAIN (ANALYZE on PostgreSQL) every timeline query on a story, as Markdown: "
        "the source of docs/query-plans.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--story", default="synthetic")
        parser.add_argument("--no-analyze", action="store_true", help="Plans without running.")

    def handle(self, *args, story: str, no_analyze: bool, **options):
        try:
            subject = Story.objects.get(slug=story)
        except Story.DoesNotExist as exc:
            raise CommandError(f"No story {story!r} (see build_synthetic_story).") from exc
        analyze = connection.vendor == "postgresql" and not no_analyze
        count = Event.objects.filter(story=subject).count()
        self.stdout.write(f"Story `{story}`: {count:,} events, {connection.vendor}.\n")
        for title, queryset in self._queries(subject):
            self.stdout.write(f"\n### {title}\n\n```\n")
            plan = queryset.explain(analyze=True) if analyze else queryset.explain()
            self.stdout.write(plan.rstrip() + "\n```\n")

    def _queries(self, story: Story):
        def events(**filters):
            return story_events(story=story, filters=TimelineFilters(**filters))

        def page(queryset):
            return queryset.select_related("article", "source")[:PAGE]

        def chart(queryset):
            per_day = queryset.order_by().values_list("date").annotate(count=Count("pk"))
            return per_day.order_by("date")

        first = list(events()[:50])
        cursor = Cursor(date=first[-1].date, id=first[-1].id) if first else Cursor(dt.date.min, 0)
        sample = Event.objects.filter(story=story).exclude(entities=None).order_by("id").first()
        entity = sample.entities.order_by("id").first() if sample else None
        source = sample.source if sample else None
        last = events().order_by("-date").values_list("date", flat=True).first() or dt.date.today()
        month = last.replace(day=1) - dt.timedelta(days=60)
        article = Article.objects.filter(story=story).order_by("id").first()
        yield "Story by slug (every timeline request)", Story.objects.filter(slug=story.slug)
        yield from self._entry_queries(story, month)
        yield "First page", page(events())
        yield (
            "Entities of the page's events (prefetch)",
            Entity.objects.filter(events__in=[e.pk for e in first]).order_by("name"),
        )
        yield (
            "Load more (after a cursor)",
            page(events().filter(Q(date__gt=cursor.date) | Q(date=cursor.date, id__gt=cursor.id))),
        )
        yield "Search `q=refloated`", page(events(q="refloated"))
        yield 'Search `q="northern channel" -tanker`', page(events(q='"northern channel" -tanker'))
        yield (
            f"Dates: one month from {month:%Y-%m-01}",
            page(events(start=month.replace(day=1), end=_month_end(month))),
        )
        yield (
            f"Dates: start only ({last:%Y-%m-01}, near the end)",
            page(events(start=last.replace(day=1))),
        )
        if entity:
            yield f"Entity `{entity.slug}`", page(events(entity=entity))
        if source:
            yield f"Source `{source.slug}`", page(events(source=source))
        yield "Precision `month`", page(events(precision="month"))
        yield "Density chart: the whole story", chart(events())
        yield "Density chart: `q=refloated`", chart(events(q="refloated"))
        yield (
            "Density chart: one month",
            chart(events(start=month.replace(day=1), end=_month_end(month))),
        )
        if source:
            yield f"Density chart: source `{source.slug}`", chart(events(source=source))
        yield "Filter form: entities and sources with counts", facet_count_query(story)
        yield "Story list (home page)", story_list_counted()
        if article:
            articles = Article.objects.select_related("story", "source")
            yield "Article page: the article", articles.filter(story=story, pk=article.pk)
            yield (
                "Article page: its events",
                article.events.filter(VISIBLE).order_by("sentence_start", "timex_start", "id"),
            )

    def _entry_queries(self, story: Story, month: dt.date):
        """The page of timeline entries: walked in date order, or collected from few reports."""

        def entries(plan: str, **filters):
            # story_entries collects when told few reports match (1), else walks (None).
            matching = 1 if plan == "collect" else None
            query = story_entries(
                story=story, filters=TimelineFilters(**filters), matching=matching
            )
            return query[:PAGE]

        facets = story_facets(story=story)
        by_count = sorted(facets.entities, key=lambda e: (e.event_count, e.pk))
        sources = sorted(facets.sources, key=lambda s: (s.event_count, s.pk))
        yield "Entries: first page (no filter: no report is read)", entries("walk")
        yield "Entries: `q=refloated` (walk)", entries("walk", q="refloated")
        if by_count:
            rare, frequent = by_count[0], by_count[-1]
            yield f"Entries: entity `{frequent.slug}` (walk)", entries("walk", entity=frequent)
            yield f"Entries: rare entity `{rare.slug}` (collect)", entries("collect", entity=rare)
        if sources:
            yield (
                f"Entries: rare source `{sources[0].slug}` (collect)",
                entries("collect", source=sources[0]),
            )
        yield (
            "Entries: one month (collect)",
            entries("collect", start=month.replace(day=1), end=_month_end(month)),
        )


def _month_end(day: dt.date) -> dt.date:
    following = day.replace(day=28) + dt.timedelta(days=4)
    return following - dt.timedelta(days=following.day)
