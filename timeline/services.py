"""The only code that writes stories, articles, events and entities; editors' work is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from timeline.entries import article_group_events, groups_refresh
from timeline.extraction import extract
from timeline.extraction.entities import find_entities
from timeline.models import Article, Entity, Event, Source, Story

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


def article_ingest(*, story: Story, data: ArticleInput) -> IngestOutcome:
    """Store an article and extract its events in one transaction; a repeat is left alone."""
    with transaction.atomic():
        existing = article_find_existing(story=story, data=data)
        if existing is not None:
            return IngestOutcome(article=existing, created=False)
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
        summary = article_extract_events(article=article)
    return IngestOutcome(article=article, created=True, extraction=summary)


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
    with transaction.atomic():
        article.save()
        changed = set(changed_fields)
        if changed & {"story", "source"}:
            article.events.update(story_id=article.story_id, source_id=article.source_id)
        if "story" in changed:
            article_group_events(article=article)  # its reports leave the old story's entries
        elif "source" in changed:
            groups_refresh(group_ids=article.events.values_list("group_id", flat=True))
    return article


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

    with transaction.atomic():
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
            values = {  # keys are _REFRESHED_FIELDS
                "date": candidate.date,
                "extracted_date": candidate.date,
                "extracted_precision": candidate.precision.value,
                "precision": candidate.precision.value,
                "end_date": candidate.end_date,
                "text": candidate.sentence,
                "timex_text": candidate.timex.text[:200],
                "timex_value": candidate.timex.value[:64],
                "confidence": max(0.0, min(1.0, candidate.confidence)),
                "rule": candidate.rule[:40],
                "explanation": candidate.explanation,
            }
            event = refreshable.get(key)
            if event is None:
                created.append(
                    Event(
                        article=article,
                        story_id=article.story_id,
                        source_id=article.source_id,
                        sentence_start=candidate.sentence_start,
                        sentence_end=candidate.sentence_end,
                        timex_start=candidate.timex.start,
                        timex_end=candidate.timex.end,
                        **values,
                    )
                )
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
        _events_link_entities(events=[*created, *updated], story=article.story)
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
    known = {
        entity.name.lower(): entity
        for entity in Entity.objects.filter(events__story=story).distinct()
    }
    by_alias: dict[str, Entity] = {}
    for entity in known.values():
        for alias in entity.aliases:
            by_alias[alias.lower()] = entity
    # First pass: multi-word names, so later surnames can join them.
    ordered = sorted(
        {m for ms in mentions.values() for m in ms}, key=lambda m: -len(m.name.split())
    )
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
    relinked = [event for event in events if "entities" not in event.edited_fields]
    through = Event.entities.through
    through.objects.filter(event__in=relinked).delete()
    through.objects.bulk_create(
        [
            through(event_id=event.pk, entity_id=entity_id)
            for event in relinked
            for entity_id in {
                resolved[(m.name, m.kind)].pk
                for m in mentions[event.pk]
                if (m.name, m.kind) in resolved
            }
        ]
    )


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
    written = Event.objects.filter(pk=event.pk, version=expected).update(
        **values, edited_fields=edited_fields, version=F("version") + 1, updated_at=timezone.now()
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


def articles_reextract(*, articles: Iterable[Article]) -> ExtractionSummary:
    totals = {"created": 0, "updated": 0, "retired": 0, "kept": 0}
    errors = []
    for article in articles:
        summary = article_extract_events(article=article)
        for name in totals:
            totals[name] += getattr(summary, name)
        if summary.error:
            errors.append(f"{article}: {summary.error}")
    return ExtractionSummary(**totals, error="; ".join(errors))


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
    return target
