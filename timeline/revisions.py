"""Story revisions: what keeps the timeline's caches right after every write, and cheap.

Everything the timeline caches for a story is keyed by `Story.revision`, which the service
layer bumps in the same transaction as each write to the story's articles, events or entries,
so the next request never meets an obsolete page.

Two of those cached reads are tallies of the whole story, and recounting them after each write
is what made the first request after a write slow at a million events (seconds): the filter
form's counts (visible events per entity and per source) and the events per day behind the
density chart. A write through the service layer knows which events it touches, so it tallies
them before and after (a few rows) and, on commit, the story's tallies for the new revision
become the old revision's plus that difference: they are carried forward instead of recounted.

Carried tallies stay exact because:

- tallies counted from the database are stored under the revision read in the same SQL
  statement (one snapshot), never under the revision a request started with;
- a tracked write (`story_write`) bumps, and so locks, its stories' rows before it reads its
  "before" tally; every write to a story bumps it, so no other write to these stories commits
  between the two tallies;
- a write that does not know its difference (an entity merge, for one) bumps without carrying,
  and the next request counts afresh;
- carrying is refused when a count would go below zero, and tallies are counted afresh at
  least once per TIMELINE_CACHE_SECONDS, so nothing carried wrongly could outlive that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, DateField, F, IntegerField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from timeline.models import VISIBLE_SQL, Event, Story

# 'rejected' written into the SQL, as in VISIBLE_SQL: SQLite matches partial indexes only then.
_REJECTED = RawSQL("'rejected'", ())

FacetKey = tuple[str, int]  # (ENTITY, entity id) or (SOURCE, source id)
ENTITY, SOURCE = "e", "s"
_DAY = "d"

# Typed NULLs for the columns a UNION arm does not fill (PostgreSQL reads a bare NULL as text).
_NO_DATE = Cast(Value(None), DateField())
_NO_NUMBER = Cast(Value(None), IntegerField())

# Names of the carried tallies in the cache (a new format gets a new name).
FACETS, DAYS = "facets-2", "days-2"


def cache_key(story_id: int, born: float, revision: int, name: str, detail: str = "") -> str:
    """A key for one of a story's cached reads, valid for this revision of the story only.

    `born`, the story's creation time, tells a story from a later one that reuses its id
    (SQLite reuses the highest id after a delete), so a rebuilt story never meets its
    predecessor's counts.
    """
    digest = hashlib.sha256(detail.encode()).hexdigest()[:32]
    return f"timeline:{story_id}:{born:.6f}:{revision}:{name}:{digest}"


def story_key(story: Story, name: str, detail: str = "") -> str:
    return cache_key(story.pk, _born(story.created_at), story.revision, name, detail)


def _born(created_at: dt.datetime | None) -> float:
    return created_at.timestamp() if created_at else 0.0


@dataclass
class Tally:
    """Visible events counted per entity and source (`facets`) and per day (`days`)."""

    facets: Counter[FacetKey] = field(default_factory=Counter)
    days: Counter[dt.date] = field(default_factory=Counter)

    def minus(self, other: Tally) -> Tally:
        """The change from `other` to this (negative counts kept: they are differences)."""
        facets, days = Counter(self.facets), Counter(self.days)
        facets.subtract(other.facets)
        days.subtract(other.days)
        return Tally(
            facets=Counter({k: n for k, n in facets.items() if n}),
            days=Counter({k: n for k, n in days.items() if n}),
        )


# Per story id. A story missing from a difference did not change.
Difference = dict[int, Tally]
NO_CHANGE: Difference = {}


def tally_events(events: QuerySet[Event]) -> dict[int, Tally]:
    """The tallies of these events (the visible ones), per story: one query.

    For the few events one write touches; the whole story's are counted by
    story_facet_tally and story_day_tally, which cache them.
    """
    visible = events.filter(VISIBLE_SQL).order_by()
    links = (
        Event.entities.through.objects.filter(event__in=visible.values("pk"))
        .order_by()
        .values_list(
            Value(ENTITY),
            "event__story_id",
            "entity_id",
            _NO_DATE,
        )
        .annotate(n=Count("pk"))
    )
    sources = (
        visible.filter(source__isnull=False)
        .values_list(Value(SOURCE), "story_id", "source_id", _NO_DATE)
        .annotate(n=Count("pk"))
    )
    days = visible.values_list(
        Value(_DAY), "story_id", _NO_NUMBER, "date"
    ).annotate(n=Count("pk"))
    tallies: dict[int, Tally] = {}
    for kind, story_id, key, day, n in links.union(sources, days, all=True):
        tally = tallies.setdefault(story_id, Tally())
        if kind == _DAY:
            tally.days[day] += n
        else:
            tally.facets[kind, key] += n
    return tallies


def tally_new(events: Iterable[Event], entity_ids: Callable[[Event], Iterable[int]]) -> Difference:
    """The tallies of events about to be stored (nothing read: the bulk ingest's batch)."""
    tallies: dict[int, Tally] = {}
    for event in events:
        if event.status == Event.Status.REJECTED:
            continue
        tally = tallies.setdefault(event.story_id, Tally())
        tally.days[event.date] += 1
        if event.source_id is not None:
            tally.facets[SOURCE, event.source_id] += 1
        for entity_id in entity_ids(event):
            tally.facets[ENTITY, entity_id] += 1
    return tallies


def stories_changed(*, story_ids: Iterable[int | None], difference: Difference | None = None):
    """Bump the revision of stories whose articles, events or entries were just written.

    Everything the timeline caches is keyed by it (counts, chart, drawn pages), so a write is
    seen by the next request. Call it inside the write's transaction, or after its last
    statement: never before.

    `difference`, when the write knows it (NO_CHANGE for writes that leave every event's
    date, visibility, source and entities as they were), carries the stories' tallies to the
    new revision on commit; None leaves them to be counted afresh. Stories inside a
    `story_write` are not bumped again: that write bumped them and carries their tallies.
    """
    _bump({pk for pk in story_ids if pk is not None} - _writing.get(), difference)


# The stories this thread is writing inside `story_write`.
_writing: ContextVar[frozenset[int]] = ContextVar("story_writes", default=frozenset())


class _Carry:
    """A commit hook that carries one story's tallies from one revision to the next."""

    def __init__(self, story_id: int, born: float, revision: int):
        self.story_id, self.born, self.revision = story_id, born, revision
        self.difference: Tally | None = None  # None: not known, nothing is carried

    def __call__(self) -> None:
        if self.difference is None:
            return
        for name, apply in ((FACETS, _facets_plus), (DAYS, _days_plus)):
            held = cache.get(cache_key(self.story_id, self.born, self.revision - 1, name))
            if held is None:
                continue
            counted_at, value = held
            if time.time() - counted_at > settings.TIMELINE_CACHE_SECONDS:
                continue  # counted afresh now and then, whatever was carried
            value = apply(value, self.difference)
            if value is not None:
                cache.set(
                    cache_key(self.story_id, self.born, self.revision, name),
                    (counted_at, value),
                    settings.TIMELINE_CACHE_SECONDS,
                )


def _bump(ids: set[int], difference: Difference | None, *, pending: bool = False) -> list[_Carry]:
    """Bump the stories; unless the difference is unknown (and not `pending`, to be known at
    the end of the write), register the hooks that carry their tallies on commit."""
    if not ids:
        return []
    Story.objects.filter(pk__in=ids).update(revision=F("revision") + 1)
    if difference is None and not pending:
        return []
    carries = []
    for pk, created_at, revision in Story.objects.filter(pk__in=ids).values_list(
        "pk", "created_at", "revision"
    ):
        carry = _Carry(pk, _born(created_at), revision)
        if difference is not None:
            carry.difference = difference.get(pk, Tally())
        # robust: a cache that is down costs a recount later, never the write.
        transaction.on_commit(carry, robust=True)
        carries.append(carry)
    return carries


class StoryWrite:
    """What `story_write` yields. A writer that gave no `events` sets `difference` itself."""

    def __init__(self) -> None:
        self.difference: Difference | None = None
        self.known = True

    def unknown(self) -> None:
        """The write changes something its tallies cannot see: count afresh next time."""
        self.known = False


@contextmanager
def story_write(
    *, story_ids: Iterable[int | None], events: Callable[[], QuerySet[Event]] | None = None
) -> Iterator[StoryWrite]:
    """A write to these stories in one transaction, whose tallies are carried forward.

    The stories are bumped first, so their rows stay locked until the commit and no other
    write to them lands between the tallies of `events()` (every event the write may
    change) read before and after the body. Inside, bumps of these stories (regrouping's)
    are left out: this one covers them.
    """
    ids = {pk for pk in story_ids if pk is not None}
    with transaction.atomic():
        carries = _bump(ids, None, pending=True)
        write = StoryWrite()
        before = tally_events(events()) if events is not None else None
        token = _writing.set(_writing.get() | ids)
        try:
            yield write
        finally:
            _writing.reset(token)
        if before is not None and write.difference is None:
            after = tally_events(events())
            write.difference = {
                pk: after.get(pk, Tally()).minus(before.get(pk, Tally())) for pk in ids
            }
        if write.known and write.difference is not None:
            for carry in carries:
                carry.difference = write.difference.get(carry.story_id, Tally())


def _facets_plus(counts: dict[FacetKey, int], difference: Tally) -> dict[FacetKey, int] | None:
    if not difference.facets:
        return counts
    result = Counter(counts)
    result.update(difference.facets)
    if any(n < 0 for n in result.values()):
        return None  # not the counts this difference was taken against: count afresh
    return {key: n for key, n in result.items() if n}


def _days_plus(
    days: list[tuple[dt.date, int]], difference: Tally
) -> list[tuple[dt.date, int]] | None:
    if not difference.days:
        return days
    result = Counter(dict(days))
    result.update(difference.days)
    if any(n < 0 for n in result.values()):
        return None
    return sorted((day, n) for day, n in result.items() if n)


def facet_count_query(story: Story, *more: QuerySet) -> QuerySet:
    """Rows (facet, pk, slug, name, kind, count): the story's entities and sources with their
    visible events counted (every event of the story is read: a second at a million events),
    then the rows of `more`."""
    entities = (
        Event.entities.through.objects.filter(~Q(event__status=_REJECTED), event__story=story)
        .order_by()
        .values_list(Value(ENTITY), "entity_id", "entity__slug", "entity__name", "entity__kind")
        .annotate(n=Count("pk"))
    )
    sources = (
        Event.objects.filter(VISIBLE_SQL, story=story, source__isnull=False)
        .order_by()
        .values_list(Value(SOURCE), "source_id", "source__slug", "source__name", Value(""))
        .annotate(n=Count("pk"))
    )
    return entities.union(sources, *more, all=True)


@dataclass(frozen=True)
class FacetTally:
    counts: dict[FacetKey, int]
    # When just counted: the rows of facet_count_query, names included (no second query).
    named: list[tuple[str, int, str, str, str, int]] | None = None


def story_facet_tally(story: Story) -> FacetTally:
    """The story's visible events per entity and per source, from the cache or counted (the
    count is stored under the revision read in the same statement)."""
    held = cache.get(story_key(story, FACETS))
    if held is not None:
        return FacetTally(counts=held[1])
    counted_at = time.time()
    revision = (
        Story.objects.filter(pk=story.pk)
        .order_by()
        .values_list(Value("r"), "revision", Value(""), Value(""), Value(""), Value(0))
    )
    named, seen = [], story.revision
    for row in facet_count_query(story, revision):
        if row[0] == "r":
            seen = row[1]
        else:
            named.append(row)
    counts = {(facet, pk): n for facet, pk, _slug, _name, _kind, n in named}
    key = cache_key(story.pk, _born(story.created_at), seen, FACETS)
    cache.set(key, (counted_at, counts), settings.TIMELINE_CACHE_SECONDS)
    return FacetTally(counts=counts, named=named)


def story_day_tally(story: Story) -> list[tuple[dt.date, int]]:
    """The story's visible events per day, oldest first, from the cache or counted (one
    GROUP BY along the timeline index, stored under the revision read with it)."""
    held = cache.get(story_key(story, DAYS))
    if held is not None:
        return held[1]
    counted_at = time.time()
    days = (
        Event.objects.filter(VISIBLE_SQL, story=story)
        .order_by()
        .values_list("date")
        .annotate(n=Count("pk"))
    )
    revision = (
        Story.objects.filter(pk=story.pk)
        .order_by()
        .values_list(_NO_DATE, "revision")
    )
    counts, seen = [], story.revision
    for day, n in days.union(revision, all=True):
        if day is None:
            seen = n
        else:
            counts.append((day, n))
    counts.sort()
    key = cache_key(story.pk, _born(story.created_at), seen, DAYS)
    cache.set(key, (counted_at, counts), settings.TIMELINE_CACHE_SECONDS)
    return counts
