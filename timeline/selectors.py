"""Reads shared by the pages: stories, a story's filtered timeline, an article's evidence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from itertools import groupby, islice
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from timeline.density import DensityChart, density_chart
from timeline.models import (
    VISIBLE,
    VISIBLE_SQL,
    Article,
    Entity,
    Event,
    EventGroup,
    Precision,
    Source,
    Story,
)
from timeline.revisions import (
    ENTITY,
    SOURCE,
    Report,
    story_content_key,
    story_day_tally,
    story_facet_tally,
    story_key,
    story_names_key,
)
from timeline.search import text_search


@dataclass(frozen=True)
class TimelineFilters:
    q: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    entity: Entity | None = None
    source: Source | None = None
    precision: str = ""

    def to_query(self, **changes: object) -> str:
        """These filters (with some changed) as the timeline's query string, empty ones left out."""
        f = replace(self, **changes)
        params = {
            "q": f.q,
            "start": f.start.isoformat() if f.start else "",
            "end": f.end.isoformat() if f.end else "",
            "entity": f.entity.slug if f.entity else "",
            "source": f.source.slug if f.source else "",
            "precision": f.precision,
        }
        return urlencode({name: value for name, value in params.items() if value})


@dataclass(frozen=True)
class Cursor:
    """Where a "load more" page starts: after the entry with this date and id."""

    date: dt.date
    id: int

    def __str__(self) -> str:
        return f"{self.date.isoformat()}_{self.id}"

    @classmethod
    def parse(cls, raw: str) -> Cursor | None:
        try:
            date, pk = raw.split("_", 1)
            return cls(date=dt.date.fromisoformat(date), id=int(pk))
        except ValueError:
            return None


@dataclass(frozen=True)
class MonthGroup:
    year: int
    month: (
        dt.date | None
    )  # the first of the month; None for entries known only to a year or quarter
    events: list[EventGroup]  # timeline entries, each with its `reports`
    new_year: bool  # the first group of its year on this page, and the year is not continued
    new_month: bool  # false when the page continues the month of the previous page


@dataclass(frozen=True)
class TimelinePage:
    groups: list[MonthGroup]
    next_cursor: Cursor | None
    count: int


@dataclass(frozen=True)
class StoryCounts:
    """What the story list says of a story: its timeline's entries and its articles."""

    events: int
    articles: int


def story_list() -> list[Story]:
    """The stories by title, each with `event_count` (the entries its timeline shows, however
    many reports each has) and `article_count`.

    The counts are cached per story revision: the list reads the stories (one query) and
    counts only those written to since their counts were last cached (one more query), each
    stored under the revision read in the same statement as its counts.
    """
    stories = list(Story.objects.order_by("title"))
    keys = {story.pk: story_key(story, "list-counts") for story in stories}
    cached = cache.get_many(list(keys.values()))
    missing = [story.pk for story in stories if keys[story.pk] not in cached]
    if missing:
        fresh = {}
        for story in story_list_counted().filter(pk__in=missing):
            counts = StoryCounts(events=story.event_count, articles=story.article_count)
            fresh[story_key(story, "list-counts")] = counts
            cached[keys[story.pk]] = counts  # newer than the list's read, if anything
        cache.set_many(fresh, settings.TIMELINE_CACHE_SECONDS)
    for story in stories:
        counts = cached.get(keys[story.pk], StoryCounts(0, 0))  # deleted meanwhile: nothing
        story.event_count, story.article_count = counts.events, counts.articles
    return stories


def story_list_counted() -> QuerySet[Story]:
    """The stories annotated with `event_count` and `article_count`, counted in the
    database (story_list caches what this counts)."""
    # One count subquery per table: joining entries and articles together would multiply
    # them (a million events times thousands of articles) before counting.
    # The literal 0, like VISIBLE_SQL: SQLite uses the partial entry index only then.
    entries = EventGroup.objects.filter(story=OuterRef("pk"), report_count__gt=RawSQL("0", ()))
    articles = Article.objects.filter(story=OuterRef("pk"))
    return Story.objects.annotate(
        event_count=_count_of(entries),
        article_count=_count_of(articles),
    ).order_by("title")


def _count_of(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("story").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), Value(0))


def story_events(*, story: Story, filters: TimelineFilters) -> QuerySet[Event]:
    """A story's visible events matching the filters, oldest first."""
    events = Event.objects.filter(VISIBLE_SQL, story=story)
    if filters.q:
        events = events.filter(text_search(filters.q))
    if filters.start:
        # An event that started earlier but runs into the range still belongs to it. The first
        # condition is redundant but sargable: the earliest such event's date (found through
        # event_story_ranges) lets the ordered walk of the timeline index begin there rather
        # than at the story's first event.
        runs_in = Event.objects.filter(
            VISIBLE_SQL, story=story, date__lt=filters.start, end_date__gte=filters.start
        )
        earliest = Subquery(
            runs_in.order_by().values("story").annotate(first=Min("date")).values("first")
        )
        events = events.filter(
            Q(date__gte=Coalesce(earliest, Value(filters.start))),
            Q(date__gte=filters.start) | Q(date__lt=filters.start, end_date__gte=filters.start),
        )
    if filters.end:
        events = events.filter(date__lte=filters.end)
    if filters.entity:
        events = events.filter(entities=filters.entity)
    if filters.source:
        events = events.filter(source=filters.source)
    if filters.precision:
        events = events.filter(precision=filters.precision)
    # The search vector is for the WHERE clause only; no page reads it.
    return events.defer("search").order_by("date", "id")


@dataclass(frozen=True)
class NamedEntity:
    name: str
    kind: str
    slug: str


def story_export_events(
    *, story: Story, filters: TimelineFilters, chunk_size: int = 1000
) -> Iterator[Event]:
    """The timeline's events (same filters, same order), streamed in chunks for the exports.

    Each event carries `named` (its entities, by name). Per chunk: the events with their article
    and source, then one query for their entities as plain tuples, so a 100k-event export
    runs in bounded memory with a query count that grows only by one per thousand events.
    The articles' texts are left behind: an export does not need them.
    """
    events = (
        story_events(story=story, filters=filters)
        .select_related("article", "source")
        .defer("article__text")
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(events, chunk_size)):
        named = _entities_of(chunk)
        for event in chunk:
            event.named = named.get(event.pk, [])
        yield from chunk


def story_export_entries(
    *, story: Story, filters: TimelineFilters, chunk_size: int = 1000
) -> Iterator[EventGroup]:
    """The timeline's entries (same filters, same order as the page), streamed in chunks.

    Each entry carries `reports`: all of its visible reports, oldest publication first, each
    with its article, source and `named` entities, as the page shows them. Per chunk of
    entries: one query for their reports and one for the reports' entities.
    """
    entries = story_entries(story=story, filters=filters).iterator(chunk_size=chunk_size)
    while chunk := list(islice(entries, chunk_size)):
        reports = list(
            Event.objects.filter(VISIBLE, group_id__in=[entry.pk for entry in chunk])
            .select_related("article", "source")
            .defer("article__text", "search")
            .order_by("article__published", "article_id", "sentence_start", "id")
        )
        named = _entities_of(reports) if reports else {}
        by_entry: dict[int, list[Event]] = {}
        for report in reports:
            report.named = named.get(report.pk, [])
            by_entry.setdefault(report.group_id, []).append(report)
        for entry in chunk:
            entry.reports = by_entry.get(entry.pk, [])
        yield from chunk


def _entities_of(events: list[Event]) -> dict[int, list[NamedEntity]]:
    rows = (
        Event.entities.through.objects.filter(event_id__in=[event.pk for event in events])
        .order_by("entity__name")
        .values_list("event_id", "entity__name", "entity__kind", "entity__slug")
    )
    named: dict[int, list[NamedEntity]] = {}
    for event_id, name, kind, slug in rows:
        named.setdefault(event_id, []).append(NamedEntity(name=name, kind=kind, slug=slug))
    return named


def story_events_changed(*, story: Story, filters: TimelineFilters, limit: int) -> list[Event]:
    """The most recently added or changed events matching the filters, latest change first.

    Each carries `named`, like the events of story_export_events.
    """
    events = list(
        story_events(story=story, filters=filters)
        .select_related("article", "source")
        .defer("article__text")
        .order_by("-updated_at", "-id")[:limit]
    )
    named = _entities_of(events) if events else {}
    for event in events:
        event.named = named.get(event.pk, [])
    return events


def story_events_fingerprint(*, story: Story, filters: TimelineFilters) -> str:
    """A value that changes whenever the filtered events or their entries change: what the
    exports' ETag hashes.

    The count catches events leaving the selection, the latest change catches edits and new
    events, and the latest history records catch deletions, moves between entries and an
    editor's choice of an entry's canonical report (two cheap aggregate queries).
    """
    summary = story_events(story=story, filters=filters).aggregate(
        count=Count("id"), last=Max("updated_at")
    )
    marks = (
        Story.objects.filter(pk=story.pk)
        .annotate(
            last_event_change=_latest_history(Event.history.model, story),
            last_entry_change=_latest_history(EventGroup.history.model, story),
        )
        .values_list("last_event_change", "last_entry_change")
        .first()
    ) or (None, None)
    last = summary["last"].isoformat() if summary["last"] else ""
    return f"{summary['count']}|{last}|{marks[0] or 0}|{marks[1] or 0}"


def _latest_history(model, story: Story) -> Subquery:
    rows = model.objects.filter(story_id=story.pk).order_by("-history_id").values("history_id")
    return Subquery(rows[:1])


@dataclass(frozen=True)
class Evidence:
    """The sentence an event came from, split around its date expression."""

    before: str
    expression: str
    after: str


def event_with_evidence(*, story: Story, pk: int) -> tuple[Event, Evidence]:
    """One visible event of the story (its permalink) and the sentence that reported it."""
    event = (
        Event.objects.visible()
        .select_related("article", "source", "story")
        .prefetch_related(Prefetch("entities", queryset=Entity.objects.order_by("name")))
        .get(story=story, pk=pk)
    )
    text = event.article.text
    evidence = Evidence(
        before=text[event.sentence_start : event.timex_start],
        expression=text[event.timex_start : event.timex_end],
        after=text[event.timex_end : event.sentence_end],
    )
    return event, evidence


# A filtered page collects the entries of the matching reports and sorts them when at most
# this many reports match; with more, walking the story's entries in date order and keeping
# each that has a matching report finds a page sooner (about 50 / share-matching probes).
COLLECT_MAX = 10_000
# With a date filter the walk would also probe every entry before the range (an entry's own
# date need not be in it), so collecting, bounded by the date index, wins for longer.
COLLECT_MAX_DATED = 100_000


def story_entries(
    *, story: Story, filters: TimelineFilters, matching: int | None = None
) -> QuerySet[EventGroup]:
    """A story's timeline entries with at least one visible report matching the filters.

    `matching`, how many visible reports match (when known), picks the plan: a few are
    collected through the filter's own index, many are checked entry by entry along the
    timeline index. Without filters no report is read: an entry's report_count (kept by the
    service layer) says whether it has a visible one.
    """
    # The literal 0, as in story_list: SQLite uses the partial entry index only then.
    entries = EventGroup.objects.filter(story=story, report_count__gt=RawSQL("0", ()))
    if filters == TimelineFilters():
        return entries.order_by("date", "id")
    reports = story_events(story=story, filters=filters).order_by()
    most = COLLECT_MAX_DATED if filters.start or filters.end else COLLECT_MAX
    if matching is not None and matching <= most:
        group_ids = reports.values("group_id")
        if connection.vendor == "postgresql":
            # = ANY(ARRAY(...)): PostgreSQL runs the subquery first, as SQLite does an IN, instead
            # of a semi-join it may misjudge into a walk (a start date's bound defeats its
            # estimates).
            any_of = Func(
                F("pk"),
                ArraySubquery(group_ids),
                template="%(expressions)s)",
                arg_joiner=" = ANY(",
                output_field=BooleanField(),
            )
            entries = entries.filter(any_of)
        else:
            entries = entries.filter(pk__in=group_ids)
    else:
        entries = entries.filter(Exists(reports.filter(group_id=OuterRef("pk"))))
    return entries.order_by("date", "id")


def story_timeline_page(
    *,
    story: Story,
    filters: TimelineFilters,
    after: Cursor | None,
    limit: int,
) -> TimelinePage:
    """One page of timeline entries grouped by month, and the cursor of the next page if any.

    An entry is one happening; it matches the filters when any of its reports does, and then
    shows all of its reports as evidence. The entries come without their reports:
    `story_entries_drawn` reads them (`entries_reports`) only for the entries it has to draw.
    """
    matching = None
    if filters != TimelineFilters():
        matching = sum(n for _, n in story_day_counts(story=story, filters=filters))
    entries = story_entries(story=story, filters=filters, matching=matching)
    if after is not None:
        # The first condition is redundant but sargable: the walk starts at the cursor.
        entries = entries.filter(
            Q(date__gte=after.date),
            Q(date__gt=after.date) | Q(date=after.date, id__gt=after.id),
        )
    rows = list(entries[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = Cursor(date=rows[-1].date, id=rows[-1].id)
    return TimelinePage(
        groups=_group_by_month(rows, previous=after.date if after else None),
        next_cursor=next_cursor,
        count=len(rows),
    )


def _shown_reports() -> QuerySet[Event]:
    """The visible reports as an entry shows them: oldest publication first, each with its
    article, source and entities (by name)."""
    return (
        Event.objects.filter(VISIBLE)
        .select_related("article", "source")
        # The timeline shows each report's article title and date, never the article's text.
        .defer("article__text", "search")
        .prefetch_related(Prefetch("entities", queryset=Entity.objects.order_by("name")))
        .order_by("article__published", "article_id", "sentence_start", "id")
    )


def entries_reports(entries: list[EventGroup]) -> None:
    """Give each entry its `reports`, the visible ones as the entry shows them (two queries:
    the reports with their articles and sources, then their entities)."""
    by_entry: dict[int, list[Event]] = {entry.pk: [] for entry in entries}
    for report in _shown_reports().filter(group_id__in=list(by_entry)):
        by_entry[report.group_id].append(report)
    for entry in entries:
        entry.reports = by_entry[entry.pk]


# The partial that draws one entry, and the name of its drawings in the cache: a new name
# whenever the partial's markup changes, so no drawing of the old markup is served.
ENTRY_TEMPLATE = "timeline/story.html#event-entry"
ENTRY_DRAWING = "entry-1"


def entry_drawn_key(story: Story, entry: EventGroup, *, embed: bool) -> str:
    """The cache key of one entry as drawn: everything the `event-entry` partial shows is
    the entry's own (its version changes with it, its reports and their articles), entity and
    source names (the story's names revision), the story's slug (links) and the embed mode."""
    detail = f"{story.slug}|{entry.pk}|{entry.version}|{int(embed)}"
    return story_names_key(story, ENTRY_DRAWING, detail)


def story_entries_drawn(*, story: Story, entries: list[EventGroup], embed: bool) -> None:
    """Give each entry `drawn`: its markup (the `event-entry` partial), from the cache when
    an earlier request drew it at its version.

    One cache read for all of them; only the entries missing from it are read with their
    reports (two queries, none when all were cached) and drawn, then stored. So after an
    editor's correction only the corrected entry is drawn again.
    """
    keys = {entry.pk: entry_drawn_key(story, entry, embed=embed) for entry in entries}
    found = cache.get_many(list(keys.values())) if keys else {}
    missing = [entry for entry in entries if keys[entry.pk] not in found]
    if missing:
        entries_reports(missing)
        template = get_template(ENTRY_TEMPLATE)
        drawn = {}
        for entry in missing:
            context = {"story": story, "entry": entry, "embed": embed}
            drawn[keys[entry.pk]] = template.render(context)
        cache.set_many(drawn, settings.TIMELINE_CACHE_SECONDS)
        found.update(drawn)
    for entry in entries:
        entry.drawn = mark_safe(found[keys[entry.pk]])


def story_cached(story: Story, name: str, detail: str, compute: Callable[[], object]) -> object:
    """compute(), kept in the cache until the story next changes (see Story.revision)."""
    return _cached(story_key(story, name, detail), compute)


def drawn_cached(story: Story, name: str, inputs: str, compute: Callable[[], str]) -> str:
    """compute(), kept under a key made of all it depends on (`inputs`) rather than of the
    story's revision: after a write that leaves them alone (an event's date corrected leaves
    the filter form's choices and counts as they were) the same drawing is served again."""
    return _cached(story_content_key(story, name, inputs), compute)


def _cached(key: str, compute: Callable[[], object]) -> object:
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.TIMELINE_CACHE_SECONDS)
    return value


def story_day_counts(*, story: Story, filters: TimelineFilters) -> list[tuple[dt.date, int]]:
    """Visible events per day matching the filters, oldest first; cached per story revision.

    One GROUP BY on the indexed date column (at most a few thousand rows: one per distinct
    date), served by the timeline index. At a million events it reads a million index entries,
    so it is cached until the story next changes, and carried to the next revision through
    what the write changed (see timeline.revisions) unless the filter searches text.
    """
    if filters == TimelineFilters():
        return story_day_tally(story)
    return story_day_tally(
        story,
        events=story_events(story=story, filters=filters),
        detail=filters.to_query(),
        matches=None if filters.q else partial(_matches, filters),
    )


def _matches(filters: TimelineFilters, report: Report) -> bool:
    """Whether a visible report matches the filters, as story_events decides it (text search
    aside: it is the database's to judge)."""
    start = filters.start
    return (
        (start is None or report.date >= start or (report.end_date or report.date) >= start)
        and (filters.end is None or report.date <= filters.end)
        and (filters.entity is None or filters.entity.pk in report.entity_ids)
        and (filters.source is None or report.source_id == filters.source.pk)
        and (not filters.precision or report.precision == filters.precision)
    )


def story_density(*, story: Story, filters: TimelineFilters) -> DensityChart | None:
    """The density chart of the filtered timeline: per-day counts folded into bars here."""
    return density_chart(
        story_day_counts(story=story, filters=filters),
        start=filters.start,
        end=filters.end,
        query_for=lambda start, end: filters.to_query(start=start, end=end),
    )


def _group_by_month(events: list[EventGroup], *, previous: dt.date | None) -> list[MonthGroup]:
    groups = []
    last_year = previous.year if previous else None
    last_month = (previous.year, previous.month) if previous else None
    for (year, month), items in groupby(events, key=_month_key):
        groups.append(
            MonthGroup(
                year=year,
                month=dt.date(year, month, 1) if month else None,
                events=list(items),
                new_year=year != last_year,
                new_month=month is not None and (year, month) != last_month,
            )
        )
        last_year = year
        if month is not None:
            last_month = (year, month)
    return groups


def _month_key(event: EventGroup) -> tuple[int, int | None]:
    """Entries known to the day, week or month sit under their month; coarser ones, the year."""
    if event.precision in (Precision.YEAR, Precision.QUARTER):
        return event.date.year, None
    return event.date.year, event.date.month


@dataclass(frozen=True)
class StoryFacets:
    """The filter form's choices: the story's entities (most frequent first) and sources (by
    name), each an Entity or Source carrying `event_count`, its visible events in the story."""

    entities: list[Entity]
    sources: list[Source]

    def entity(self, slug: str) -> Entity | None:
        return next((e for e in self.entities if e.slug == slug), None)

    def source(self, slug: str) -> Source | None:
        return next((s for s in self.sources if s.slug == slug), None)


def story_facets(*, story: Story) -> StoryFacets:
    """The story's entities and sources with their counts of visible events.

    The counts come from story_facet_tally (cached, and carried from revision to revision by
    the writes). Cached counts have their names read fresh (by primary key, one cheap query),
    so an editor's renaming shows at once and a deleted entity drops out.
    """
    tally = story_facet_tally(story)
    counts, rows = tally.counts, tally.named
    if rows is None:
        entity_ids = [pk for facet, pk in counts if facet == ENTITY]
        source_ids = [pk for facet, pk in counts if facet == SOURCE]
        names = (
            Entity.objects.filter(pk__in=entity_ids)
            .order_by()
            .values_list(Value(ENTITY), "pk", "slug", "name", "kind")
        )
        outlets = (
            Source.objects.filter(pk__in=source_ids)
            .order_by()
            .values_list(Value(SOURCE), "pk", "slug", "name", Value(""))
        )
        rows = [(*row, counts[row[0], row[1]]) for row in names.union(outlets, all=True)]
    entities, sources = [], []
    for facet, pk, slug, name, kind, n in rows:
        if facet == ENTITY:
            entities.append(_with_count(Entity(pk=pk, slug=slug, name=name, kind=kind), n))
        else:
            sources.append(_with_count(Source(pk=pk, slug=slug, name=name), n))
    entities.sort(key=lambda e: (-e.event_count, e.name))
    sources.sort(key=lambda s: s.name)
    return StoryFacets(entities=entities, sources=sources)


def _with_count(instance, count: int):
    instance.event_count = count
    return instance


def story_facet_lookup(
    *, story: Story, entity: str = "", source: str = ""
) -> tuple[Entity | None, Source | None]:
    """The entity and source named by these slugs, each only if the story has a visible event
    with it: what the filters accept when no choice list is shown (one query, none if no slug).
    """
    arms = []
    if entity:
        named = Event.objects.filter(VISIBLE_SQL, story=story, entities=OuterRef("pk"))
        arms.append(
            Entity.objects.filter(Exists(named), slug=entity)
            .order_by()
            .values_list(Value(ENTITY), "pk", "slug", "name", "kind")
        )
    if source:
        published = Event.objects.filter(VISIBLE_SQL, story=story, source=OuterRef("pk"))
        arms.append(
            Source.objects.filter(Exists(published), slug=source)
            .order_by()
            .values_list(Value(SOURCE), "pk", "slug", "name", Value(""))
        )
    if not arms:
        return None, None
    rows = arms[0].union(*arms[1:], all=True) if len(arms) > 1 else arms[0]
    found_entity = found_source = None
    for facet, pk, slug, name, kind in rows:
        if facet == ENTITY:
            found_entity = Entity(pk=pk, slug=slug, name=name, kind=kind)
        else:
            found_source = Source(pk=pk, slug=slug, name=name)
    return found_entity, found_source


def article_with_events(*, story: Story, pk: int) -> tuple[Article, list[Event]]:
    article = Article.objects.select_related("story", "source").get(story=story, pk=pk)
    events = list(article.events.filter(VISIBLE).order_by("sentence_start", "timex_start", "id"))
    return article, events


@dataclass(frozen=True)
class TextPiece:
    """A run of article text: plain, or inside an event sentence, or the expression itself."""

    text: str
    in_sentence: bool = False
    is_timex: bool = False
    anchors: tuple[int, ...] = ()
    title: str = ""


def article_paragraphs(text: str, events: list[Event]) -> list[list[TextPiece | Highlight]]:
    """The article text split into paragraphs of pieces, event sentences and expressions marked.

    Events are anchored on their sentence (several events may share one sentence).
    """
    boundaries = {0, len(text)}
    sentences: dict[tuple[int, int], list[Event]] = {}
    for event in events:
        sentences.setdefault((event.sentence_start, event.sentence_end), []).append(event)
        boundaries.update((event.sentence_start, event.sentence_end))
        boundaries.update((event.timex_start, event.timex_end))
    # Paragraph breaks are boundaries too, so no piece crosses one.
    paragraph_starts = {0}
    index = text.find("\n\n")
    while index != -1:
        boundaries.update((index, index + 2))
        paragraph_starts.add(index + 2)
        index = text.find("\n\n", index + 2)
    points = sorted(b for b in boundaries if 0 <= b <= len(text))
    timexes = {(e.timex_start, e.timex_end) for e in events}
    paragraphs: list[list[TextPiece]] = [[]]
    anchored: set[int] = set()
    for a, b in zip(points, points[1:], strict=False):
        chunk = text[a:b]
        if a in paragraph_starts and paragraphs[-1]:
            paragraphs.append([])
        if not chunk.strip("\n") and "\n\n" in chunk:
            continue
        owner = next((evs for (s, e), evs in sentences.items() if s <= a and b <= e), None)
        anchors: tuple[int, ...] = ()
        title = ""
        if owner:
            anchors = tuple(ev.pk for ev in owner if ev.pk not in anchored)
            anchored.update(anchors)
            title = "; ".join(ev.date_label for ev in owner)
        is_timex = any(s <= a and b <= e for s, e in timexes) and owner is not None
        paragraphs[-1].append(
            TextPiece(
                text=chunk,
                in_sentence=owner is not None,
                is_timex=is_timex,
                anchors=anchors,
                title=title,
            )
        )
    return [_join_sentences(p) for p in paragraphs if any(piece.text.strip() for piece in p)]


@dataclass(frozen=True)
class Highlight:
    """One event sentence, rendered as a single <mark> so the :target style covers all of it."""

    pieces: tuple[TextPiece, ...]
    anchors: tuple[int, ...]
    title: str


def _join_sentences(paragraph: list[TextPiece]) -> list[TextPiece | Highlight]:
    runs: list[TextPiece | Highlight] = []
    for piece in paragraph:
        last = runs[-1] if runs else None
        if piece.in_sentence and isinstance(last, Highlight) and not piece.anchors:
            runs[-1] = Highlight(
                pieces=(*last.pieces, piece), anchors=last.anchors, title=last.title
            )
        elif piece.in_sentence:
            runs.append(Highlight(pieces=(piece,), anchors=piece.anchors, title=piece.title))
        else:
            runs.append(piece)
    return runs


@dataclass(frozen=True)
class RuleQuality:
    """How editors treated the events one extractor rule family produced."""

    rule: str
    total: int
    date_changed: int
    precision_changed: int
    rejected: int
    verified: int

    @property
    def corrected(self) -> int:
        """Events whose date or precision was changed, or that were rejected (may overlap)."""
        return self.date_changed + self.precision_changed + self.rejected

    @property
    def correction_rate(self) -> float:
        return self.corrected / self.total if self.total else 0.0


def extraction_quality(*, story: Story | None = None) -> list[RuleQuality]:
    """Per rule family: how often editors changed a date or precision, or rejected the event.

    Worst first, so the team sees where extraction is weakest. One aggregate query.
    """
    events = Event.objects.all() if story is None else Event.objects.filter(story=story)
    # edited_fields is a JSON list; matching its text works on SQLite and PostgreSQL alike.
    rows = (
        events.values("rule")
        .annotate(
            total=Count("id"),
            date_changed=Count("id", filter=Q(edited_fields__icontains='"date"')),
            precision_changed=Count("id", filter=Q(edited_fields__icontains='"precision"')),
            rejected=Count("id", filter=Q(status=Event.Status.REJECTED)),
            verified=Count("id", filter=Q(status=Event.Status.VERIFIED)),
        )
        .order_by("rule")
    )
    quality = [RuleQuality(rule=row.pop("rule") or "(unknown)", **row) for row in rows]
    return sorted(quality, key=lambda q: (-q.correction_rate, -q.total, q.rule))


def quality_totals(rows: list[RuleQuality]) -> RuleQuality:
    return RuleQuality(
        rule="all rules",
        total=sum(r.total for r in rows),
        date_changed=sum(r.date_changed for r in rows),
        precision_changed=sum(r.precision_changed for r in rows),
        rejected=sum(r.rejected for r in rows),
        verified=sum(r.verified for r in rows),
    )
