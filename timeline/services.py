"""The only code that writes stories, articles, events and entities; editors' work is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import DEFERRED, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from timeline.bulk_sql import insert_history, insert_objects, insert_rows
from timeline.entries import (
    StoryGrouping,
    article_group_events,
    groups_redraw,
    groups_refresh,
)
from timeline.extraction import Event as ExtractedEvent
from timeline.extraction import extract
from timeline.extraction.entities import EntityMention, find_entities
from timeline.ingest_workers import TIMEX_TEXT_MAX, PreparedArticle, prepare
from timeline.models import (
    Article,
    Entity,
    Event,
    EventGroup,
    Feed,
    JobProgress,
    Source,
    Story,
)
from timeline.revisions import (
    NO_CHANGE,
    new_reports,
    stories_changed,
    stories_renamed,
    story_write,
)

if TYPE_CHECKING:
    from timeline.fetching import FetchPolicy
    from timeline.web import FeedEntry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArticleInput:
    """An article as it arrives from a form, a file or a feed, before it is stored."""

    title: str
    text: str
    published: dt.date
    source: str = ""
    url: str = ""
    language: str = "en"


@dataclass(frozen=True)
class ExtractionSummary:
    created: int = 0
    updated: int = 0
    retired: int = 0
    kept: int = 0
    error: str = ""


class EditConflict(Exception):
    """Someone saved the event after this editor loaded it; their change must not be lost."""

    def __init__(self, *, current: Event, attempted: dict[str, object]):
        self.current = current
        self.attempted = attempted
        super().__init__(self.message)

    @property
    def message(self) -> str:
        theirs = ", ".join(
            f"{name} = {_display(getattr(self.current, name))}"
            for name in self.attempted
            if hasattr(self.current, name)
        )
        yours = ", ".join(f"{name} = {_display(value)}" for name, value in self.attempted.items())
        return (
            f"Not saved: this event was changed by someone else while you were editing it "
            f"(it is now at version {self.current.version}). Their values: {theirs}. "
            f"Your values: {yours}. Review them and save again to apply yours."
        )


def _display(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class IngestOutcome:
    article: Article
    created: bool
    extraction: ExtractionSummary = field(default_factory=ExtractionSummary)


def content_hash(text: str) -> str:
    """A fingerprint of the article text that ignores differences in whitespace."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _unique_slug(model: type, base: str, *, max_length: int = 200) -> str:
    base = (slugify(base) or model.__name__.lower())[:max_length]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base[: max_length - 6]}-{n}"
        n += 1
    return slug


def story_get_or_create(*, slug: str, title: str = "", description: str = "") -> Story:
    story = Story.objects.filter(slug=slug).first()
    if story is None:
        story = Story.objects.create(
            slug=slug, title=title or slug.replace("-", " ").capitalize(), description=description
        )
    return story


def story_create(*, title: str, description: str = "") -> Story:
    title = " ".join(title.split())
    return Story.objects.create(
        title=title, slug=_unique_slug(Story, title), description=description
    )


def story_save_edit(*, story: Story, changed_fields: Iterable[str], created: bool) -> Story:
    """Save an editor's change to a story's title, slug or description.

    Only the changed columns are written: a full save would write back the revision read with
    the form and undo a bump made meanwhile. The story's pages show these fields (and link by
    the slug), so its revision is bumped: nothing drawn before the change is served after it.
    """
    if created:
        story.save()
        return story
    fields = [name for name in ("title", "slug", "description") if name in set(changed_fields)]
    if not fields:
        return story
    with transaction.atomic():
        story.save(update_fields=[*fields, "updated_at"])
        stories_changed(story_ids=[story.pk], changes=NO_CHANGE)
    return story


def source_get_or_create(*, name: str) -> Source | None:
    name = " ".join(name.split())
    if not name:
        return None
    source = Source.objects.filter(name__iexact=name).first()
    if source is None:
        source = Source.objects.create(name=name, slug=_unique_slug(Source, name))
    return source


def article_find_existing(*, story: Story, data: ArticleInput) -> Article | None:
    """The stored article this input repeats: same URL anywhere, or same text in its story."""
    if data.url:
        found = Article.objects.filter(url=data.url).first()
        if found is not None:
            return found
    return Article.objects.filter(story=story, content_hash=content_hash(data.text)).first()


def article_store(*, story: Story, data: ArticleInput) -> tuple[Article, bool]:
    """Store an article, its events not yet extracted; a repeat returns the stored one."""
    with transaction.atomic():
        existing = article_find_existing(story=story, data=data)
        if existing is not None:
            return existing, False
        article = Article.objects.create(
            story=story,
            source=source_get_or_create(name=data.source),
            title=data.title.strip()[:500],
            url=data.url,
            published=data.published,
            language=data.language or "en",
            text=data.text,
            content_hash=content_hash(data.text),
        )
    return article, True


def article_ingest(*, story: Story, data: ArticleInput) -> IngestOutcome:
    """Store an article and extract its events in one transaction; a repeat is left alone."""
    with transaction.atomic():
        article, created = article_store(story=story, data=data)
        if not created:
            return IngestOutcome(article=article, created=False)
        summary = article_extract_events(article=article)
    return IngestOutcome(article=article, created=True, extraction=summary)


@contextmanager
def _timed(timings: dict[str, float] | None, name: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[name] = timings.get(name, 0.0) + time.perf_counter() - started


def articles_ingest_batch(
    *,
    story: Story,
    articles: Sequence[ArticleInput],
    prepared: Sequence[PreparedArticle | None] | None = None,
    words: dict | None = None,
    timings: dict[str, float] | None = None,
    memory: GroupingMemory | None = None,
) -> list[IngestOutcome]:
    """Store and extract many articles in one transaction, as `article_ingest` would one after
    another: the same articles, events, entities, entries and history rows, with a few queries
    per batch instead of dozens per article.

    `prepared` is each article's extraction done elsewhere (`ingest_workers.prepare`, in a
    process pool); missing ones are extracted here. `words` remembers grouping's words of each
    sentence from one batch to the next, and `memory` the story's grouping (kept only while
    nobody else writes to the story). Anything that fails rolls the whole batch back and
    raises: the caller can then store its articles one at a time to find the bad one.
    """
    prepared = list(prepared) if prepared is not None else [None] * len(articles)
    if len(prepared) != len(articles):
        raise ValueError("one prepared extraction per article, or none")
    # Taken out: only a batch that is written gives it back (a failed one leaves it placed
    # reports that were rolled back).
    previous = None
    if memory is not None:
        previous, memory.grouping = memory.grouping, None
    with transaction.atomic():
        with _timed(timings, "reading the story"):
            # Locks the story (one grouping at a time) and reads its reports and entries,
            # unless the last batch's grouping is still the story's.
            grouping = StoryGrouping.resume(previous, story=story, words=words)
        if grouping.orphans:
            # Reports outside any entry join the next article's grouping; only the
            # one-at-a-time path places them exactly as it always has.
            return [article_ingest(story=story, data=data) for data in articles]
        with _timed(timings, "storing"):
            outcomes, new = _articles_store_new(story=story, articles=articles)
        extractions: list[tuple[Article, PreparedArticle]] = []
        for index, article in new:
            ready = prepared[index]
            if ready is None:
                with _timed(timings, "extraction"):
                    ready = prepare(article.text, article.published, article.language)
            extractions.append((article, ready))
        with _timed(timings, "entities"):
            linker = EntityLinker(story)
            per_article: list[tuple[Article, list[Event]]] = []
            for article, ready in extractions:
                if ready.error:
                    continue
                events = _events_from_prepared(article=article, ready=ready)
                resolved = linker.resolve(event.mentions for event in events)
                for event in events:
                    event.entity_ids = EntityLinker.entity_ids(event.mentions, resolved)
                    # Grouping's words, worked out by the extraction worker.
                    grouping.words.setdefault((event.text, event.timex_text), event.words)
                per_article.append((article, events))
        with _timed(timings, "grouping"):
            touched: set[int] = set()
            for article, events in per_article:
                for n, entry in grouping.place(events, published=article.published).items():
                    events[n].entry = entry
            started = [entry for entry in grouping.entries if entry.first is not None]
            groups = [
                EventGroup(
                    story=story,
                    date=entry.first.date,
                    precision=entry.first.precision,
                    text=entry.first.text,
                )
                for entry in started
            ]
            insert_objects(groups)
            insert_history(groups)
            for entry, group in zip(started, groups, strict=True):
                entry.key = group.pk
        with _timed(timings, "storing"):
            created = [event for _, events in per_article for event in events]
            for event in created:
                event.group_id = event.entry.key
                touched.add(event.group_id)
            insert_objects(created)
            # As `article_extract_events` records them: extracted, before grouping.
            insert_history(created, change_reason="extracted", overrides={"group_id": None})
            insert_rows(
                Event.entities.through,
                ("event_id", "entity_id"),
                (
                    (event.pk, entity_id)
                    for event in created
                    for entity_id in sorted(event.entity_ids)
                ),
            )
        with _timed(timings, "entries"):
            groups_refresh(group_ids=touched)
        with _timed(timings, "storing"):
            counts = {article.pk: len(events) for article, events in per_article}
            now = timezone.now()
            done = [article for article, ready in extractions if not ready.error]
            Article.objects.filter(pk__in=[a.pk for a in done]).update(
                extraction_status=Article.ExtractionStatus.DONE,
                extraction_error="",
                extracted_at=now,
                updated_at=now,
            )
            position = {id(article): index for index, article in new}
            for article, ready in extractions:
                index = position[id(article)]
                if ready.error:
                    logger.error("extraction failed for article %s: %s", article.pk, ready.error)
                    article.extraction_status = Article.ExtractionStatus.FAILED
                    article.extraction_error = ready.error
                    article.save_without_historical_record(
                        update_fields=["extraction_status", "extraction_error", "updated_at"]
                    )
                    summary = ExtractionSummary(error=ready.error)
                else:
                    article.extraction_status = Article.ExtractionStatus.DONE
                    article.extraction_error, article.extracted_at = "", now
                    summary = ExtractionSummary(created=counts[article.pk])
                outcomes[index] = IngestOutcome(article=article, created=True, extraction=summary)
        if new:
            # Last, inside the batch's transaction: the timeline's caches see the new articles,
            # and its counts grow by the new events (all new, so nothing is read to know it).
            stories_changed(
                story_ids=[story.pk],
                changes=new_reports(created, lambda event: event.entity_ids),
            )
        if memory is not None:
            kept = grouping.kept()  # after the last write: it reads the story's revision
    if memory is not None:
        memory.grouping = kept
    return outcomes


@dataclass
class GroupingMemory:
    """The story's grouping, as one batch of `articles_ingest_batch` leaves it to the next."""

    grouping: StoryGrouping | None = None


_LOOKUP_CHUNK = 500


def _articles_store_new(
    *, story: Story, articles: Sequence[ArticleInput]
) -> tuple[list[IngestOutcome | None], list[tuple[int, Article]]]:
    """Store the articles not stored yet (by URL anywhere, or text in the story, as
    `article_find_existing`), with their history rows; repeats get their outcome now."""
    hashes = [content_hash(data.text) for data in articles]
    urls = sorted({data.url for data in articles if data.url})
    unique_hashes = sorted(set(hashes))
    by_url: dict[str, Article] = {}
    by_hash: dict[str, Article] = {}
    # In chunks: SQLite before 3.32 takes at most 999 parameters in a query.
    for start in range(0, len(urls), _LOOKUP_CHUNK):
        chunk = urls[start : start + _LOOKUP_CHUNK]
        by_url.update((a.url, a) for a in Article.objects.filter(url__in=chunk))
    for start in range(0, len(unique_hashes), _LOOKUP_CHUNK):
        chunk = unique_hashes[start : start + _LOOKUP_CHUNK]
        by_hash.update(
            (a.content_hash, a) for a in Article.objects.filter(story=story, content_hash__in=chunk)
        )
    sources: dict[str, Source | None] = {}
    outcomes: list[IngestOutcome | None] = []
    new: list[tuple[int, Article]] = []
    for index, (data, digest) in enumerate(zip(articles, hashes, strict=True)):
        existing = (by_url.get(data.url) if data.url else None) or by_hash.get(digest)
        if existing is not None:
            outcomes.append(IngestOutcome(article=existing, created=False))
            continue
        name = " ".join(data.source.split()).lower()
        if name not in sources:
            sources[name] = source_get_or_create(name=data.source)
        article = Article(
            story=story,
            source=sources[name],
            title=data.title.strip()[:500],
            url=data.url,
            published=data.published,
            language=data.language or "en",
            text=data.text,
            content_hash=digest,
        )
        if data.url:
            by_url[data.url] = article
        by_hash[digest] = article
        outcomes.append(None)
        new.append((index, article))
    stored = [article for _, article in new]
    insert_objects(stored)
    insert_history(stored)
    return outcomes, new


def _events_from_prepared(*, article: Article, ready: PreparedArticle) -> list[Event]:
    """A new article's events from its extraction (as `article_extract_events` makes them),
    each with the names its sentence mentions (`mentions`) and grouping's `words`."""
    events: list[Event] = []
    seen: set[tuple] = set()
    for item in ready.events:
        candidate = item.candidate
        key = _evidence_key(
            candidate.sentence_start,
            candidate.sentence_end,
            candidate.timex.start,
            candidate.timex.end,
        )
        if key in seen:
            continue
        seen.add(key)
        event = _new_event(article, candidate)
        event.mentions = item.mentions
        event.words = (item.words, item.near)  # of the stored text and time expression
        events.append(event)
    return events


# What re-extraction refreshes on an event no editor has touched.
_REFRESHED_FIELDS = (
    "date",
    "extracted_date",
    "extracted_precision",
    "precision",
    "end_date",
    "text",
    "timex_text",
    "timex_value",
    "confidence",
    "rule",
    "explanation",
)


def article_save_edit(*, article: Article, changed_fields: Iterable[str], created: bool) -> Article:
    """Save an editor's change to an article, keeping its events' copies of story and source."""
    article.content_hash = content_hash(article.text)
    if created:
        article.save()
        return article
    before = Article.objects.filter(pk=article.pk).values_list("story_id", flat=True)
    with story_write(
        story_ids={*before, article.story_id},
        events=lambda: Event.objects.filter(article_id=article.pk),
    ):
        article.save()
        changed = set(changed_fields)
        if changed & {"story", "source"}:
            article.events.update(story_id=article.story_id, source_id=article.source_id)
        if "story" in changed:
            # Its reports leave the old story's entries (an editor's placement there included:
            # an entry belongs to one story) and join the new story's.
            left = set(article.events.exclude(group=None).values_list("group_id", flat=True))
            article.events.update(group=None, group_pinned=False)
            groups_refresh(group_ids=left)
            article_group_events(article=article)
        elif changed & {"source", "published"}:
            # Its source and publication date count in its entries' sources, first report and
            # canonical choice.
            groups_refresh(group_ids=article.events.values_list("group_id", flat=True))
        else:
            # Its title shows beside its reports: their entries are drawn anew.
            groups_redraw(group_ids=article.events.values_list("group_id", flat=True))
        # story_write bumps both stories (and carries their counts over to the new revision).
    return article


def _event_values(candidate: ExtractedEvent) -> dict[str, object]:
    """An extracted event's columns (the keys are _REFRESHED_FIELDS)."""
    return {
        "date": candidate.date,
        "extracted_date": candidate.date,
        "extracted_precision": candidate.precision.value,
        "precision": candidate.precision.value,
        "end_date": candidate.end_date,
        "text": candidate.sentence,
        "timex_text": candidate.timex.text[:TIMEX_TEXT_MAX],
        "timex_value": candidate.timex.value[:64],
        "confidence": max(0.0, min(1.0, candidate.confidence)),
        "rule": candidate.rule[:40],
        "explanation": candidate.explanation,
    }


def _new_event(article: Article, candidate: ExtractedEvent, values: dict | None = None) -> Event:
    """An unsaved event of the article for an extracted candidate, at its evidence offsets."""
    columns = {
        "article_id": article.pk,
        "story_id": article.story_id,
        "source_id": article.source_id,
        "sentence_start": candidate.sentence_start,
        "sentence_end": candidate.sentence_end,
        "timex_start": candidate.timex.start,
        "timex_end": candidate.timex.end,
        **(values if values is not None else _event_values(candidate)),
    }
    # Every column by position, each other one at its default: Model.__init__ by keyword
    # looks each field up in turn, which building a batch's thousands of events paid for.
    event = Event(*[columns[name] if name in columns else make() for name, make in _EVENT_INIT])
    _EVENT_ARTICLE.set_cached_value(event, article)  # as Event(article=article) would
    return event


# Event's columns in the order Model.__init__ takes them, each with how to make its default
# (the generated `search` is left to the database).
_EVENT_INIT = [
    (field.attname, (lambda: DEFERRED) if field.generated else field.get_default)
    for field in Event._meta.concrete_fields
]
_EVENT_ARTICLE = Event._meta.get_field("article")


def _is_protected(event: Event) -> bool:
    """An event an editor has touched: re-extraction must not change or remove it."""
    return (
        bool(event.edited_fields)
        or event.status != Event.Status.EXTRACTED
        or event.group_pinned  # an editor merged or split its entry
    )


def _evidence_key(sentence_start: int, sentence_end: int, timex_start: int, timex_end: int):
    return (sentence_start, sentence_end, timex_start, timex_end)


def article_extract_events(*, article: Article) -> ExtractionSummary:
    """(Re-)extract an article's events, keeping every event and field an editor changed.

    Unedited events are refreshed from the extractor, new candidates are added, and unedited
    events the extractor no longer finds are retired (deleted: nobody worked on them).
    """
    try:
        result = extract(article.text, published=article.published, lang=article.language)
    except Exception as exc:  # the extractor must never take an ingest down with it
        logger.exception("extraction failed for article %s", article.pk)
        article.extraction_status = Article.ExtractionStatus.FAILED
        article.extraction_error = f"{type(exc).__name__}: {exc}"
        article.save_without_historical_record(
            update_fields=["extraction_status", "extraction_error", "updated_at"]
        )
        return ExtractionSummary(error=article.extraction_error)

    with story_write(
        story_ids=[article.story_id], events=lambda: Event.objects.filter(article_id=article.pk)
    ):
        existing = list(article.events.all())
        protected = {
            _evidence_key(e.sentence_start, e.sentence_end, e.timex_start, e.timex_end)
            for e in existing
            if _is_protected(e)
        }
        refreshable = {
            _evidence_key(e.sentence_start, e.sentence_end, e.timex_start, e.timex_end): e
            for e in existing
            if not _is_protected(e)
        }
        created: list[Event] = []
        updated: list[Event] = []
        # Found again with nothing to refresh: not rewritten, so their last-change time (what
        # the Atom feed orders by) moves only when something changed.
        unchanged: list[Event] = []
        seen: set[tuple] = set()
        for candidate in result.events:
            key = _evidence_key(
                candidate.sentence_start,
                candidate.sentence_end,
                candidate.timex.start,
                candidate.timex.end,
            )
            if key in protected or key in seen:
                continue
            seen.add(key)
            values = _event_values(candidate)
            event = refreshable.get(key)
            if event is None:
                created.append(_new_event(article, candidate, values))
            elif all(getattr(event, name) == value for name, value in values.items()):
                unchanged.append(event)
            else:
                for name, value in values.items():
                    setattr(event, name, value)
                updated.append(event)
        retired = [e.pk for key, e in refreshable.items() if key not in seen]
        # Each write is conditional on nobody having edited the event since it was read: an
        # editor saving at the same moment wins over the extractor.
        untouched = Q(status=Event.Status.EXTRACTED, edited_fields=[], group_pinned=False)
        if retired:
            Event.objects.filter(untouched, pk__in=retired).delete()
        now = timezone.now()
        updated = [
            event
            for event in updated
            if Event.objects.filter(untouched, pk=event.pk, version=event.version).update(
                updated_at=now, **{name: getattr(event, name) for name in _REFRESHED_FIELDS}
            )
        ]
        created = Event.objects.bulk_create(created)
        Event.history.bulk_history_create(created, default_change_reason="extracted")
        Event.history.bulk_history_create(
            updated, update=True, default_change_reason="re-extracted"
        )
        _events_link_entities(events=[*created, *updated, *unchanged], story=article.story)
        if retired:
            groups_refresh(group_ids=[e.group_id for e in refreshable.values() if e.pk in retired])
        # The new and refreshed reports join the entries of the other articles' reports.
        article_group_events(article=article)
        article.extraction_status = Article.ExtractionStatus.DONE
        article.extraction_error = ""
        article.extracted_at = timezone.now()
        # Bookkeeping, not an edit of the article: kept out of its history.
        article.save_without_historical_record(
            update_fields=["extraction_status", "extraction_error", "extracted_at", "updated_at"]
        )
    return ExtractionSummary(
        created=len(created), updated=len(updated), retired=len(retired), kept=len(protected)
    )


def _events_link_entities(*, events: Iterable[Event], story: Story) -> None:
    """Attach the people, organisations and places each event's sentence names.

    Within a story a surname joins the full name already known ("Lavrov" -> "Sergei Lavrov"),
    and a name's kind is taken from its most specific mention.
    """
    events = list(events)
    if not events:
        return
    mentions = {event.pk: find_entities(event.text) for event in events}
    resolved = EntityLinker(story).resolve(mentions.values())
    relinked = [event for event in events if "entities" not in event.edited_fields]
    through = Event.entities.through
    through.objects.filter(event__in=relinked).delete()
    through.objects.bulk_create(
        [
            through(event_id=event.pk, entity_id=entity_id)
            for event in relinked
            for entity_id in EntityLinker.entity_ids(mentions[event.pk], resolved)
        ]
    )


class EntityLinker:
    """Finds (or creates) the entities that names mentioned in a story's events stand for.

    It remembers what the story knows, so that many articles can be linked one after another
    in one transaction with the same outcome as linking each in its own.
    """

    def __init__(self, story: Story):
        self.known = {
            entity.name.lower(): entity
            for entity in Entity.objects.filter(events__story=story).distinct()
        }

    @staticmethod
    def entity_ids(
        mentions: Iterable[EntityMention], resolved: dict[tuple[str, str], Entity]
    ) -> set[int]:
        return {resolved[(m.name, m.kind)].pk for m in mentions if (m.name, m.kind) in resolved}

    def resolve(self, mentions: Iterable[Iterable[EntityMention]]) -> dict[tuple[str, str], Entity]:
        """The entity of each (name, kind) one article's events mention (the sure ones, and
        the unsure ones the story already knows)."""
        known = self.known
        by_alias: dict[str, Entity] = {}
        for entity in known.values():
            for alias in entity.aliases:
                by_alias[alias.lower()] = entity
        # First pass: multi-word names, so later surnames can join them.
        ordered = sorted({m for ms in mentions for m in ms}, key=lambda m: -len(m.name.split()))
        resolved: dict[tuple[str, str], Entity] = {}
        for mention in ordered:
            lowered = mention.name.lower()
            entity = known.get(lowered) or by_alias.get(lowered)
            if (
                entity is None
                and len(mention.name.split()) == 1
                and mention.kind in ("other", "person")
            ):
                entity = next(
                    (
                        e
                        for e in known.values()
                        if e.kind == Entity.Kind.PERSON and e.name.split()[-1].lower() == lowered
                    ),
                    None,
                )
                if entity is not None and mention.name not in entity.aliases:
                    entity.aliases = [*entity.aliases, mention.name]
                    entity.save(update_fields=["aliases"])
            if entity is None and not mention.certain:
                continue
            if entity is None:
                entity = Entity.objects.filter(
                    name__iexact=mention.name
                ).first() or Entity.objects.create(
                    name=mention.name, kind=mention.kind, slug=_unique_slug(Entity, mention.name)
                )
                known[lowered] = entity
            if entity.kind == Entity.Kind.OTHER and mention.kind != Entity.Kind.OTHER:
                entity.kind = mention.kind
                entity.save(update_fields=["kind"])
            resolved[(mention.name, mention.kind)] = entity
        # Linked now, so known to the story from here on.
        for entity in resolved.values():
            known.setdefault(entity.name.lower(), entity)
        return resolved


# The columns an editor's save writes (entities are a many-to-many, saved beside them).
_EDITED_COLUMNS = ("date", "precision", "end_date", "text", "status")


def event_save_edit(
    *,
    event: Event,
    changed_fields: Iterable[str],
    expected_version: int | None = None,
    user=None,
    reason: str = "",
) -> Event:
    """Save an editor's correction, remembering which fields they changed, in the history.

    `expected_version` is the version the editor loaded; if someone saved the event since,
    nothing is written and EditConflict says what they changed (optimistic locking).
    """
    expected = event.version if expected_version is None else expected_version
    changed = [f for f in changed_fields if f in Event.EDITABLE_FIELDS]
    edited_fields = sorted({*event.edited_fields, *changed})
    values = {name: getattr(event, name) for name in _EDITED_COLUMNS}
    with story_write(
        story_ids=[event.story_id], events=lambda: Event.objects.filter(pk=event.pk)
    ) as write:
        if "entities" in changed:
            # The admin saves the entities after this returns, where the tallies cannot see.
            write.unknown()
        written = Event.objects.filter(pk=event.pk, version=expected).update(
            **values,
            edited_fields=edited_fields,
            version=F("version") + 1,
            updated_at=timezone.now(),
        )
        if not written:
            current = Event.objects.get(pk=event.pk)
            attempted = {name: values[name] for name in changed if name in values}
            raise EditConflict(current=current, attempted=attempted or values)
        event.edited_fields = edited_fields
        event.version = expected + 1
        # The conditional UPDATE sends no signal, so the history row is written here.
        Event.history.bulk_history_create(
            [event], update=True, default_user=user, default_change_reason=reason[:100]
        )
        # A corrected date or a rejection changes what the event's timeline entry shows.
        groups_refresh(group_ids=[event.group_id])
    return event


def events_set_status(*, events: QuerySet[Event], status: str, user=None) -> int:
    """Verify or reject events in bulk; the status becomes an editor's decision."""
    changed = 0
    for event in events:
        # A status decision applies to whatever version is current: retry on a race.
        for _attempt in range(5):
            if event.status == status:
                break
            event.status = status
            try:
                event_save_edit(
                    event=event, changed_fields=["status"], user=user, reason=f"bulk: {status}"
                )
            except EditConflict as conflict:
                event = conflict.current
                continue
            changed += 1
            break
    return changed


def articles_delete(*, articles: QuerySet[Article]) -> int:
    """Delete articles with their events: their entries lose those reports (and go when they
    have none left), and their stories' timelines and counts follow."""
    ids = list(articles.order_by().values_list("pk", flat=True))
    stories = Article.objects.filter(pk__in=ids).order_by().values_list("story_id", flat=True)
    scope = Event.objects.filter(article_id__in=ids)
    with story_write(story_ids=set(stories), events=lambda: scope.all()):
        groups = set(scope.exclude(group=None).values_list("group_id", flat=True))
        Article.objects.filter(pk__in=ids).delete()
        groups_refresh(group_ids=groups)
    return len(ids)


def events_delete(*, events: QuerySet[Event]) -> int:
    """Delete events (rejecting one keeps it out of the timeline and in the record; this
    forgets it): their entries and their stories' timelines and counts follow."""
    rows = list(events.order_by().values_list("pk", "story_id", "group_id"))
    scope = Event.objects.filter(pk__in=[pk for pk, _story, _group in rows])
    with story_write(story_ids={story for _pk, story, _group in rows}, events=lambda: scope.all()):
        scope.delete()
        groups_refresh(group_ids={group for _pk, _story, group in rows if group is not None})
    return len(rows)


def entities_merge(*, entities: QuerySet[Entity]) -> Entity | None:
    """Merge entities an editor says are one ("Lavrov" and "Sergei Lavrov").

    The most reported one is kept; the others' names become its aliases (so later extraction
    links those names to it), their events move to it, and they are deleted.
    """
    with transaction.atomic():
        ranked = list(entities.annotate(n=Count("events")).order_by("-n", "id"))
        if not ranked:
            return None
        target, others = ranked[0], ranked[1:]
        if not others:
            return target
        stories = set(
            Event.objects.filter(entities__in=[o.pk for o in others])
            .order_by()
            .values_list("story_id", flat=True)
            .distinct()
        )
        through = Event.entities.through
        linked = set(through.objects.filter(entity=target).values_list("event_id", flat=True))
        moving = set(through.objects.filter(entity__in=others).values_list("event_id", flat=True))
        through.objects.filter(entity__in=others).delete()
        through.objects.bulk_create(
            [through(event_id=pk, entity_id=target.pk) for pk in sorted(moving - linked)]
        )
        names = [target.name.lower()]
        aliases = []
        for name in [
            *target.aliases,
            *(o.name for o in others),
            *(a for o in others for a in o.aliases),
        ]:
            if name.lower() not in names:
                names.append(name.lower())
                aliases.append(name)
        target.aliases = aliases
        if target.kind == Entity.Kind.OTHER:
            target.kind = next((o.kind for o in others if o.kind != Entity.Kind.OTHER), target.kind)
        target.save(update_fields=["aliases", "kind"])
        Entity.objects.filter(pk__in=[o.pk for o in others]).delete()
        # Their events name the target now: their entries are drawn anew, and the entity
        # tallies counted afresh (nothing carried).
        stories_renamed(story_ids=stories, changes=None)
    return target


@dataclass
class FeedReport:
    """What one fetch of a feed did: articles added, entries already present, problems."""

    feed: Feed
    status: int | None = None
    not_modified: bool = False
    added: int = 0
    repeated: int = 0
    from_feed_text: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        name = str(self.feed)
        if self.not_modified:
            return f"{name}: unchanged since the last fetch."
        if self.status is None or (self.errors and not self.added and not self.repeated):
            problem = self.errors[0] if self.errors else "failed"
            more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            return f"{name}: {problem}{more}"
        return (
            f"{name}: {self.added} article{'s' if self.added != 1 else ''} added, "
            f"{self.repeated} already present, "
            f"{len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}."
        )


def feed_fetch(*, feed: Feed, policy: FetchPolicy | None = None) -> FeedReport:
    """Fetch a feed (conditionally) and ingest its new entries into the feed's story.

    An entry becomes an article from its own page (main text and dates); when the page cannot
    be fetched or read, the entry's own text stands in if it is long enough and dated. Entries
    already stored (same URL, or same text in the story) cost nothing, so fetching is
    idempotent. Network work happens outside any transaction; each article has its own.
    """
    # Imported here: web builds ArticleInputs, so it imports this module.
    from timeline import web
    from timeline.fetching import FetchError, HTTPStatusError

    report = FeedReport(feed=feed)
    try:
        fetched = web.fetch_feed(
            feed.url, etag=feed.etag, last_modified=feed.last_modified, policy=policy
        )
    except FetchError as exc:
        report.status = exc.status if isinstance(exc, HTTPStatusError) else None
        report.errors.append(f"the feed could not be fetched: {exc.reason}")
        _feed_record(feed=feed, report=report)
        return report
    report.status = fetched.status
    if fetched.not_modified:
        report.not_modified = True
        _feed_record(feed=feed, report=report)
        return report
    try:
        parsed = web.feed_parse(fetched.body, url=fetched.url)
    except web.PageError as exc:
        report.errors.append(str(exc))
        _feed_record(feed=feed, report=report)
        return report
    if parsed.title and not feed.title:
        feed.title = parsed.title[:300]
    for entry in parsed.entries:
        _feed_entry_ingest(feed=feed, entry=entry, report=report, policy=policy)
    feed.etag, feed.last_modified = fetched.etag[:500], fetched.last_modified[:100]
    _feed_record(feed=feed, report=report)
    return report


def _feed_entry_ingest(
    *, feed: Feed, entry: FeedEntry, report: FeedReport, policy: FetchPolicy | None
) -> None:
    from timeline import web
    from timeline.fetching import FetchError

    label = entry.link or f"entry “{entry.title or 'untitled'}”"
    if entry.link and Article.objects.filter(url=entry.link).exists():
        report.repeated += 1
        return
    data: ArticleInput | None = None
    problem = ""
    if entry.link:
        try:
            draft, _ = web.url_draft(entry.link, policy=policy)
            data = web.draft_article(draft, published=draft.published or entry.published)
            data = ArticleInput(
                title=data.title or entry.title,
                text=data.text,
                published=data.published,
                source=data.source or feed.title,
                url=entry.link,
                language=data.language,
            )
        except web.NoPublicationDate:
            problem = "neither the page nor the feed entry gives a publication date"
        except (FetchError, web.PageError) as exc:
            problem = exc.reason if isinstance(exc, FetchError) else str(exc)
    else:
        problem = "the entry has no link"
    if data is None:
        if len(entry.text) >= web.MIN_TEXT_CHARS and entry.published is not None:
            data = ArticleInput(
                title=entry.title or entry.text[:80],
                text=entry.text,
                published=entry.published,
                source=feed.title,
                url=entry.link,
            )
            report.from_feed_text += 1
        else:
            report.errors.append(f"{label}: {problem}")
            return
    try:
        outcome = article_ingest(story=feed.story, data=data)
    except IntegrityError:  # a concurrent fetch stored it a moment ago
        report.repeated += 1
        return
    if outcome.created:
        report.added += 1
    else:
        report.repeated += 1


def _feed_record(*, feed: Feed, report: FeedReport) -> None:
    feed.last_fetched_at = timezone.now()
    feed.last_status = report.status
    feed.last_added = report.added
    feed.last_error = "\n".join(report.errors)[:10_000]
    feed.save(
        update_fields=[
            "title",
            "etag",
            "last_modified",
            "last_fetched_at",
            "last_status",
            "last_added",
            "last_error",
        ]
    )


# Background bookkeeping. These are single UPDATEs, not saves: they never overwrite an editor's
# concurrent change to the article, never enter its history, and counters add up safely when
# several workers report on one job at once.


def article_extraction_queue(*, article_id: int) -> None:
    """The article's extraction waits for a worker: pending until one takes it."""
    Article.objects.filter(pk=article_id).update(
        extraction_status=Article.ExtractionStatus.PENDING, extraction_retry_at=None
    )


def article_extraction_start(*, article_id: int, attempt: int, task_id: str = "") -> Article:
    """Mark an article's extraction as running (attempt n); raises Article.DoesNotExist."""
    updated = Article.objects.filter(pk=article_id).update(
        extraction_status=Article.ExtractionStatus.RUNNING,
        extraction_attempts=attempt,
        extraction_retry_at=None,
        extraction_task_id=task_id[:64],
    )
    if not updated:
        raise Article.DoesNotExist(f"article {article_id} no longer exists")
    return Article.objects.select_related("story").get(pk=article_id)


def article_extraction_retry(*, article_id: int, error: str, retry_at: dt.datetime | None) -> None:
    """An attempt failed on something that may pass (a lost connection, a lock): try again."""
    Article.objects.filter(pk=article_id).update(
        extraction_status=Article.ExtractionStatus.RETRYING,
        extraction_error=error,
        extraction_retry_at=retry_at,
    )


def article_extraction_fail(*, article_id: int, error: str) -> None:
    """The last attempt failed: the article keeps its text and any earlier events."""
    Article.objects.filter(pk=article_id).update(
        extraction_status=Article.ExtractionStatus.FAILED,
        extraction_error=error,
        extraction_retry_at=None,
    )


def job_create(*, kind: str, label: str, total: int, story: Story | None = None) -> JobProgress:
    return JobProgress.objects.create(kind=kind, label=label[:200], total=total, story=story)


def job_start(*, job_id: int, attempt: int, task_id: str = "") -> JobProgress:
    """A task starts (or resumes) work on the job; raises JobProgress.DoesNotExist."""
    now = timezone.now()
    jobs = JobProgress.objects.filter(pk=job_id)
    if not jobs.update(
        status=JobProgress.Status.RUNNING,
        attempts=attempt,
        retry_at=None,
        task_id=task_id[:64],
    ):
        raise JobProgress.DoesNotExist(f"job {job_id} no longer exists")
    jobs.filter(started_at__isnull=True).update(started_at=now)
    return JobProgress.objects.get(pk=job_id)


def job_advance(
    *,
    job_id: int,
    done: int = 0,
    failed: int = 0,
    cursor: int | None = None,
    summary: dict | None = None,
    error: str = "",
) -> None:
    """Count finished (or failed) items; the job is finished when every item is counted."""
    values: dict = {"done": F("done") + done, "failed": F("failed") + failed}
    if cursor is not None:
        values["cursor"] = cursor
    if summary is not None:
        values["summary"] = summary
    with transaction.atomic():
        job = JobProgress.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return
        if error:
            # Each failed item's error on its own line, the newest last, within reason.
            values["error"] = "\n".join([*job.error.splitlines()[-49:], error])
        if job.status == JobProgress.Status.QUEUED:
            values["status"] = JobProgress.Status.RUNNING
            values["started_at"] = job.started_at or timezone.now()
        JobProgress.objects.filter(pk=job_id).update(**values)
        job.refresh_from_db()
        if job.total and job.done + job.failed >= job.total and job.finished_at is None:
            job_finish(job_id=job_id)


def job_retry(*, job_id: int, error: str, retry_at: dt.datetime | None) -> None:
    JobProgress.objects.filter(pk=job_id).update(
        status=JobProgress.Status.RETRYING, error=error, retry_at=retry_at
    )


def job_finish(*, job_id: int, error: str = "") -> None:
    """Done, or failed with the error that stopped it (a job with failed items is still done)."""
    values: dict = {"finished_at": timezone.now(), "retry_at": None}
    if error:
        values |= {"status": JobProgress.Status.FAILED, "error": error}
    else:
        values["status"] = JobProgress.Status.DONE
    JobProgress.objects.filter(pk=job_id).update(**values)
