"""Story revisions: what keeps the timeline's caches right after every write, and cheap.

Everything the timeline caches for a story is keyed by `Story.revision`, which the service
layer bumps in the same transaction as each write to the story's articles, events or entries,
so the next request never meets an obsolete page.

Two of those cached reads are tallies of the whole story, and recounting them after each write
is what made the first request after a write slow at a million events (seconds): the filter
form's counts (visible events per entity and per source) and the events per day behind the
density chart. A write through the service layer knows which events it touches, so it reads
them before and after (a few rows: `StoryChange`) and, on commit, the story's tallies for the
new revision become the old revision's plus the difference: they are carried forward instead
of recounted. The change itself is kept too, so a filtered timeline's events per day are
carried the same way when next asked for (the filter judged on the changed reports in Python;
a text search is left to the database, and counted afresh).

Carried tallies stay exact because:

- tallies counted from the database are stored under the revision read in the same SQL
  statement (one snapshot), never under the revision a request started with;
- a tracked write (`story_write`) bumps, and so locks, its stories' rows before it reads its
  "before" state; every write to a story bumps it, so no other write to these stories commits
  between its two reads;
- a write that does not know its change (an entity merge, for one) bumps without carrying,
  and the next request counts afresh;
- carrying is refused when a count would go below zero, and tallies are counted afresh at
  least once per TIMELINE_CACHE_SECONDS, so nothing carried wrongly could outlive that.

tests/test_revisions.py checks each kind of write against a recount.
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
from functools import partial

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

# Typed NULLs for the columns a UNION arm does not fill (PostgreSQL reads a bare NULL as text).
_NO_DATE = Cast(Value(None), DateField())
_NO_NUMBER = Cast(Value(None), IntegerField())

# Names of the carried tallies in the cache (a new format gets a new name), and of the
# change that made a revision (what carries filtered counts to it).
FACETS, DAYS, STEP = "facets-2", "days-2", "step-1"


def cache_key(story_id: int, born: float, revision: int | str, name: str, detail: str = "") -> str:
    """A key for one of a story's cached reads, valid for this revision of the story only
    (`revision` "content": for a drawing keyed by all it shows, valid across revisions).

    `born`, the story's creation time, tells a story from a later one that reuses its id
    (SQLite reuses the highest id after a delete), so a rebuilt story never meets its
    predecessor's counts.
    """
    digest = hashlib.sha256(detail.encode()).hexdigest()[:32]
    return f"timeline:{story_id}:{born:.6f}:{revision}:{name}:{digest}"


def story_key(story: Story, name: str, detail: str = "") -> str:
    return cache_key(story.pk, _born(story.created_at), story.revision, name, detail)


def story_names_key(story: Story, name: str, detail: str = "") -> str:
    """A key for a cached read of a story that shows entity and source names (a drawn
    entry), valid until one of them is renamed, merged or deleted (`stories_renamed`)."""
    return cache_key(story.pk, _born(story.created_at), story.names_revision, name, detail)


def story_content_key(story: Story, name: str, detail: str) -> str:
    """A key for a drawing of a story made from `detail` alone (all it shows): valid across
    revisions, since any change to what it shows changes `detail`."""
    return cache_key(story.pk, _born(story.created_at), "content", name, detail)


def _born(created_at: dt.datetime | None) -> float:
    return created_at.timestamp() if created_at else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    """What the timeline's tallies and filters read of one visible event (its text aside)."""

    story_id: int
    date: dt.date
    end_date: dt.date | None
    precision: str
    source_id: int | None
    entity_ids: tuple[int, ...]


@dataclass(frozen=True)
class StoryChange:
    """A write's visible events of one story as they were before it and are after it."""

    before: tuple[Report, ...] = ()
    after: tuple[Report, ...] = ()


# Per story id; a story missing from it did not change.
Changes = dict[int, StoryChange]
NO_CHANGE: Changes = {}


@dataclass
class Tally:
    """Visible events counted per entity and source (`facets`) and per day (`days`)."""

    facets: Counter[FacetKey] = field(default_factory=Counter)
    days: Counter[dt.date] = field(default_factory=Counter)

    @classmethod
    def of(cls, reports: Iterable[Report]) -> Tally:
        tally = cls()
        for report in reports:
            tally.days[report.date] += 1
            if report.source_id is not None:
                tally.facets[SOURCE, report.source_id] += 1
            for entity_id in report.entity_ids:
                tally.facets[ENTITY, entity_id] += 1
        return tally

    @classmethod
    def difference(cls, change: StoryChange) -> Tally:
        """What the change adds (negative: removes) to the story's tallies."""
        before, after = cls.of(change.before), cls.of(change.after)
        after.facets.subtract(before.facets)
        after.days.subtract(before.days)
        return cls(
            facets=Counter({k: n for k, n in after.facets.items() if n}),
            days=Counter({k: n for k, n in after.days.items() if n}),
        )


def visible_reports(events: QuerySet[Event]) -> dict[int, list[Report]]:
    """The visible ones of these events as Reports, per story: one query.

    For the few events one write touches; the whole story is counted by story_facet_tally
    and story_day_tally, which cache the counts.
    """
    visible = events.filter(VISIBLE_SQL).order_by()
    rows = visible.values_list(
        Value("v"), "pk", "story_id", "source_id", "date", "end_date", "precision"
    )
    links = (
        Event.entities.through.objects.filter(event__in=visible.values("pk"))
        .order_by()
        .values_list(Value("l"), "event_id", "entity_id", _NO_NUMBER, _NO_DATE, _NO_DATE, Value(""))
    )
    events_by_id: dict[int, tuple] = {}
    linked: dict[int, list[int]] = {}
    for kind, pk, number, source_id, date, end_date, precision in rows.union(links, all=True):
        if kind == "v":
            events_by_id[pk] = (number, source_id, date, end_date, precision)
        else:
            linked.setdefault(pk, []).append(number)
    reports: dict[int, list[Report]] = {}
    for pk, (story_id, source_id, date, end_date, precision) in events_by_id.items():
        entity_ids = tuple(sorted(linked.get(pk, ())))
        report = Report(story_id, date, end_date, precision, source_id, entity_ids)
        reports.setdefault(story_id, []).append(report)
    return reports


def new_reports(events: Iterable[Event], entity_ids: Callable[[Event], Iterable[int]]) -> Changes:
    """The change made by storing these new events (nothing read: the bulk ingest's batch)."""
    after: dict[int, list[Report]] = {}
    for event in events:
        if event.status == Event.Status.REJECTED:
            continue
        report = Report(
            event.story_id,
            event.date,
            event.end_date,
            event.precision,
            event.source_id,
            tuple(sorted(entity_ids(event))),
        )
        after.setdefault(event.story_id, []).append(report)
    return {pk: StoryChange(after=tuple(reports)) for pk, reports in after.items()}


def stories_changed(*, story_ids: Iterable[int | None], changes: Changes | None = None) -> None:
    """Bump the revision of stories whose articles, events or entries were just written.

    Everything the timeline caches is keyed by it (counts, chart, drawn pages), so a write is
    seen by the next request. Call it inside the write's transaction, or after its last
    statement: never before.

    `changes`, when the write knows them (NO_CHANGE for writes that leave every event's date,
    visibility, source and entities as they were), carry the stories' tallies to the new
    revision on commit; None leaves them to be counted afresh. Stories inside a `story_write`
    are not bumped again: that write bumped them and carries their tallies.
    """
    _bump({pk for pk in story_ids if pk is not None} - _writing.get(), changes)


def stories_renamed(
    *, story_ids: Iterable[int | None], changes: Changes | None = NO_CHANGE
) -> None:
    """Bump the names revision (and the revision) of stories whose events name an entity or
    source that was just renamed, merged or deleted.

    Each drawn timeline entry is cached under its story's names revision (it shows entity and
    source names and links) beside its own version, so all of the stories' entries are drawn
    anew. `changes` as for `stories_changed`: a renaming changes no count (NO_CHANGE); None,
    an entity merge, has them counted afresh.
    """
    ids = {pk for pk in story_ids if pk is not None}
    if not ids:
        return
    Story.objects.filter(pk__in=ids).update(names_revision=F("names_revision") + 1)
    stories_changed(story_ids=ids, changes=changes)


# The stories this thread is writing inside `story_write`.
_writing: ContextVar[frozenset[int]] = ContextVar("story_writes", default=frozenset())


class _Carry:
    """A commit hook that carries one story's tallies from one revision to the next, and
    keeps the change itself so that filtered counts can be carried when next asked for."""

    def __init__(self, story_id: int, born: float, revision: int):
        self.story_id, self.born, self.revision = story_id, born, revision
        self.change: StoryChange | None = None  # None: not known, nothing is carried

    def __call__(self) -> None:
        if self.change is None:
            return
        key = partial(cache_key, self.story_id, self.born)
        ttl = settings.TIMELINE_CACHE_SECONDS
        cache.set(key(self.revision, STEP), self.change, ttl)
        difference = Tally.difference(self.change)
        for name, apply in ((FACETS, _facets_plus), (DAYS, _days_plus)):
            held = cache.get(key(self.revision - 1, name))
            if held is None:
                continue
            counted_at, value = held
            if time.time() - counted_at > ttl:
                continue  # counted afresh now and then, whatever was carried
            value = apply(value, difference)
            if value is not None:
                cache.set(key(self.revision, name), (counted_at, value), ttl)


def _bump(ids: set[int], changes: Changes | None, *, pending: bool = False) -> list[_Carry]:
    """Bump the stories; unless their changes are unknown (and not `pending`, to be known at
    the end of the write), register the hooks that carry their tallies on commit."""
    if not ids:
        return []
    Story.objects.filter(pk__in=ids).update(revision=F("revision") + 1)
    if changes is None and not pending:
        return []
    carries = []
    for pk, created_at, revision in Story.objects.filter(pk__in=ids).values_list(
        "pk", "created_at", "revision"
    ):
        carry = _Carry(pk, _born(created_at), revision)
        if changes is not None:
            carry.change = changes.get(pk, StoryChange())
        # robust: a cache that is down costs a recount later, never the write.
        transaction.on_commit(carry, robust=True)
        carries.append(carry)
    return carries


class StoryWrite:
    """What `story_write` yields: the writer can say its change is not known."""

    def __init__(self) -> None:
        self.known = True

    def unknown(self) -> None:
        """The write changes something its tallies cannot see: count afresh next time."""
        self.known = False


@contextmanager
def story_write(
    *, story_ids: Iterable[int | None], events: Callable[[], QuerySet[Event]]
) -> Iterator[StoryWrite]:
    """A write to these stories in one transaction, whose tallies are carried forward.

    The stories are bumped first, so their rows stay locked until the commit and no other
    write to them lands between the reads of `events()` (every event the write may change)
    before and after the body. Inside, bumps of these stories (regrouping's) are left out:
    this one covers them.
    """
    ids = {pk for pk in story_ids if pk is not None}
    with transaction.atomic():
        carries = _bump(ids, None, pending=True)
        write = StoryWrite()
        before = visible_reports(events())
        token = _writing.set(_writing.get() | ids)
        try:
            yield write
        finally:
            _writing.reset(token)
        if write.known:
            after = visible_reports(events())
            for carry in carries:
                pk = carry.story_id
                carry.change = StoryChange(tuple(before.get(pk, ())), tuple(after.get(pk, ())))


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


# How many revisions back a filtered count is looked for, to be carried from there.
CARRY_BACK = 16


def story_day_tally(
    story: Story,
    *,
    events: QuerySet[Event] | None = None,
    detail: str = "",
    matches: Callable[[Report], bool] | None = None,
) -> list[tuple[dt.date, int]]:
    """Visible events per day, oldest first: the whole story's, or those of `events` (a
    filtered timeline, named by `detail`). From the cache; else carried from an earlier
    revision's count through the changes since, when `matches` (the filter, as a test of a
    Report) can judge them; else counted (one GROUP BY along the timeline index, stored under
    the revision read in the same statement).
    """
    held = cache.get(story_key(story, DAYS, detail))
    if held is not None:
        return held[1]
    if events is None:
        events = Event.objects.filter(VISIBLE_SQL, story=story)
        matches = _everything
    if matches is not None and (carried := _carry_back(story, detail, matches)) is not None:
        return carried
    counted_at = time.time()
    days = events.order_by().values_list("date").annotate(n=Count("pk"))
    revision = Story.objects.filter(pk=story.pk).order_by().values_list(_NO_DATE, "revision")
    counts, seen = [], story.revision
    for day, n in days.union(revision, all=True):
        if day is None:
            seen = n
        else:
            counts.append((day, n))
    counts.sort()
    key = cache_key(story.pk, _born(story.created_at), seen, DAYS, detail)
    cache.set(key, (counted_at, counts), settings.TIMELINE_CACHE_SECONDS)
    return counts


def _everything(report: Report) -> bool:
    return True


def _carry_back(
    story: Story, detail: str, matches: Callable[[Report], bool]
) -> list[tuple[dt.date, int]] | None:
    """The count at the story's revision from the latest of the last CARRY_BACK revisions
    that has it, plus the matching part of every change since (all of them must be known)."""
    key = partial(cache_key, story.pk, _born(story.created_at))
    revisions = range(story.revision - 1, max(story.revision - 1 - CARRY_BACK, -1), -1)
    wanted = {r: key(r, DAYS, detail) for r in revisions}
    steps = {r: key(r, STEP) for r in range(story.revision, revisions.stop, -1)}
    found = cache.get_many([*wanted.values(), *steps.values()])
    for revision in revisions:
        held = found.get(wanted[revision])
        if held is None:
            if steps[revision + 1] not in found:
                return None  # a change between here and there is not known
            continue
        counted_at, value = held
        if time.time() - counted_at > settings.TIMELINE_CACHE_SECONDS:
            return None
        for later in range(revision + 1, story.revision + 1):
            change = found.get(steps[later])
            if change is None:
                return None
            relevant = StoryChange(
                before=tuple(filter(matches, change.before)),
                after=tuple(filter(matches, change.after)),
            )
            value = _days_plus(value, Tally.difference(relevant))
            if value is None:
                return None
        cache.set(
            story_key(story, DAYS, detail), (counted_at, value), settings.TIMELINE_CACHE_SECONDS
        )
        return value
    return None
