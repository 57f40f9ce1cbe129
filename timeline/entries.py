"""Services that group reports into timeline entries, and editors' merges, splits and choices.

Part of the service layer (the only code that writes): `timeline.services` calls it after each
extraction. The similarity itself is pure Python in `timeline.extraction.grouping`.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from rapidfuzz.fuzz import token_set_ratio

from timeline.bulk_sql import update_rows
from timeline.extraction.grouping import (
    DEFAULT_METHOD,
    Cluster,
    Corpus,
    Method,
    Report,
    cluster_join,
    content_words,
    period,
    words_near,
)
from timeline.models import (
    VISIBLE,
    Article,
    Entity,
    Event,
    EventGroup,
    Precision,
    Story,
    entry_version,
)
from timeline.revisions import NO_CHANGE, stories_changed, stories_renamed

# A report is compared with at most this many of an entry's reports, its first in timeline order
# (average linkage over them). Past a handful, more reports of one happening change the average
# little but cost a comparison each: without the cap, placing a report in a story of 25,000
# reports took a thousand comparisons. On the labelled set (tests/data/grouping-labels.json)
# every cap from 6 up groups exactly as comparing with all reports does.
LINKAGE_REPORTS = 6

# Finer dates make the better headline date for an entry.
_PRECISION_RANK = {p: n for n, p in enumerate(Precision.values)}


@dataclass(frozen=True)
class GroupingSummary:
    reports: int = 0
    moved: int = 0
    created: int = 0
    removed: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reports} reports: {self.moved} placed in an entry, {self.created} new "
            f"entries, {self.removed} empty entries removed."
        )


# The fields of an entity or source the timeline shows (names, chip colour, filter links).
_SHOWN = {"name", "kind", "slug"}


def named_changed(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """post_save of an Entity or Source (the admin edits them directly): the stories whose
    events name it have their entries drawn anew (`stories_renamed`). After the commit, so no
    story row is locked inside a write that may hold another story's lock (ingest sets an
    entity's kind)."""
    if created or (update_fields is not None and not _SHOWN & set(update_fields)):
        return
    named = {"entities": instance.pk} if sender is Entity else {"source": instance.pk}

    def bump() -> None:
        stories = Event.objects.filter(**named).order_by().values_list("story_id", flat=True)
        # A name is not counted: the tallies are carried as they are.
        stories_renamed(story_ids=set(stories.distinct()), changes=NO_CHANGE)

    transaction.on_commit(bump)


def named_deleted(sender, instance: Entity, **kwargs) -> None:
    """pre_delete of an Entity: its chips leave the entries of the stories whose events name
    it. Those stories are read now, while the links still exist, and bumped after the commit
    (as `named_changed`). The tallies are carried as they are: the filter choices read their
    names by id, so a deleted entity's count is never shown, and its filter finds nothing."""
    stories = set(
        Event.objects.filter(entities=instance.pk)
        .order_by()
        .values_list("story_id", flat=True)
        .distinct()
    )
    if stories:
        transaction.on_commit(lambda: stories_renamed(story_ids=stories, changes=NO_CHANGE))


def _order(event: Event) -> tuple:
    return (event.article.published, event.article_id, event.sentence_start, event.pk)


def _story_events(story: Story) -> list[Event]:
    """Every visible report of the story, oldest publication first, entities in one query."""
    events = list(
        Event.objects.filter(VISIBLE, story=story)
        .select_related("article", "source")
        .order_by("article__published", "article_id", "sentence_start", "id")
    )
    through = Event.entities.through
    names: dict[int, set[str]] = {}
    # By story, not by a list of ids: a big story's ids would pass the database's parameter
    # limit (about 32k on SQLite, 65k on PostgreSQL).
    links = through.objects.filter(event__story=story)
    for event_id, entity_id in links.values_list("event_id", "entity_id"):
        names.setdefault(event_id, set()).add(str(entity_id))
    for event in events:
        event.entity_keys = frozenset(names.get(event.pk, ()))
    return events


def _report(event: Event) -> Report:
    return Report(
        id=event.pk,
        date=event.date,
        precision=event.precision,
        end_date=event.end_date,
        text=event.text,
        timex_text=event.timex_text,
        entities=event.entity_keys,
        published=event.article.published,
        sentence=(event.article_id, event.sentence_start),
    )


def _regroup(
    *,
    story: Story,
    free: Callable[[Event], bool],
    method: Method,
    progress: Callable[[Iterable[Event]], Iterable[Event]] | None = None,
) -> GroupingSummary:
    """Place the story's `free` reports, in publication order, into the entry they are most
    like, or a new one. Every other report (and every editor-pinned one) stays where it is."""
    Story.objects.select_for_update().filter(pk=story.pk).first()  # one grouping at a time
    events = _story_events(story)
    reports = {event.pk: _report(event) for event in events}
    corpus = Corpus(reports.values())
    clusters: dict[int, Cluster] = {}
    moving: list[Event] = []
    for event in events:
        if event.group_id and (event.group_pinned or not free(event)):
            cluster = clusters.setdefault(event.group_id, Cluster(reports=[], key=event.group_id))
            cluster.reports.append(reports[event.pk])
        else:
            moving.append(event)
    touched = {e.group_id for e in moving if e.group_id}
    regrouped = {e.pk for e in moving if e.group_id}
    placed: dict[int, Cluster] = {}
    for event in progress(moving) if progress else moving:
        report = reports[event.pk]
        target = _cluster_join_capped(report, list(clusters.values()), corpus, method)
        if target is None:
            # A report starting an entry keeps the one it was in when that is free, so that
            # grouping again gives the same entries (and their history) back.
            reuse = event.group_id if event.group_id not in clusters else None
            target = Cluster(reports=[], key=reuse)
            clusters[reuse or -event.pk] = target  # without a key, a new entry is made below
        target.reports.append(report)
        placed[event.pk] = target
    created = 0
    by_event = {event.pk: event for event in events}
    changed: list[Event] = []
    for cluster in {id(c): c for c in placed.values()}.values():
        if cluster.key is None:
            first = by_event[cluster.reports[0].id]
            cluster.key = EventGroup.objects.create(
                story=story, date=first.date, precision=first.precision, text=first.text
            ).pk
            created += 1
    for pk, cluster in placed.items():
        event = by_event[pk]
        if event.group_id != cluster.key:
            touched.update({event.group_id, cluster.key})
            event.group_id = cluster.key
            changed.append(event)
    # Conditional on no editor having pinned the report meanwhile: their placement wins.
    changed = [
        event
        for event in changed
        if Event.objects.filter(pk=event.pk, group_pinned=False).update(group_id=event.group_id)
    ]
    # A new report's first entry is part of its extraction; a move to another entry is news.
    moved = [event for event in changed if event.pk in regrouped]
    Event.history.bulk_history_create(moved, update=True, default_change_reason="regrouped")
    touched.discard(None)
    removed = groups_refresh(group_ids=touched)
    return GroupingSummary(
        reports=len(moving), moved=len(changed), created=created, removed=removed
    )


def _cluster_join_capped(
    report: Report, clusters: list[Cluster], corpus: Corpus, method: Method
) -> Cluster | None:
    """`cluster_join`, each entry stood for by its first LINKAGE_REPORTS reports."""
    heads = [Cluster(reports=c.reports[:LINKAGE_REPORTS], key=c.key) for c in clusters]
    best = cluster_join(report, heads, corpus=corpus, method=method)
    return None if best is None else clusters[heads.index(best)]


def article_group_events(*, article: Article, method: Method = DEFAULT_METHOD) -> GroupingSummary:
    """Incremental grouping on ingest: the article's reports join the entries they tell of.

    Reports of other articles stay put; a report an editor placed stays put.
    """
    with transaction.atomic():
        return _regroup(
            story=article.story, free=lambda e: e.article_id == article.pk, method=method
        )


def story_group_events(
    *,
    story: Story,
    method: Method = DEFAULT_METHOD,
    progress: Callable[[Iterable[Event]], Iterable[Event]] | None = None,
) -> GroupingSummary:
    """Group a whole story again, in publication order, keeping every editor's merge and split.

    Deterministic, so a second run changes nothing.
    """
    with transaction.atomic():
        return _regroup(story=story, free=lambda e: True, method=method, progress=progress)


@dataclass(frozen=True)
class _Member:
    """What refreshing an entry reads of one of its reports (not the article's text)."""

    pk: int
    status: str
    date: dt.date
    precision: str
    end_date: dt.date | None
    text: str
    confidence: float
    published: dt.date
    source_id: int | None
    article_id: int


_MEMBER_COLUMNS = (
    "pk",
    "status",
    "date",
    "precision",
    "end_date",
    "text",
    "confidence",
    "article__published",
    "source_id",
    "article_id",
)


def _canonical(group: EventGroup, reports: list[_Member]) -> _Member:
    if group.canonical_chosen:
        chosen = next((r for r in reports if r.pk == group.canonical_event_id), None)
        if chosen is not None:
            return chosen
    # Otherwise the checked, most precise, most certain and earliest published report.
    return min(
        reports,
        key=lambda r: (
            r.status != Event.Status.VERIFIED,
            _PRECISION_RANK.get(r.precision, 9),
            -r.confidence,
            r.published,
            r.pk,
        ),
    )


# What `groups_refresh` works out from an entry's reports (and when it did).
_REFRESHED_COLUMNS = (
    "version",
    "canonical_event_id",
    "date",
    "precision",
    "end_date",
    "text",
    "report_count",
    "source_count",
    "sources_disagree",
    "updated_at",
)


def groups_refresh(*, group_ids: Iterable[int]) -> int:
    """Recompute entries' date, text, counts and disagreement from their visible reports.

    An entry left with no report at all is deleted; one whose reports were all rejected stays
    (hidden from the timeline) so an editor's grouping survives. Returns how many were deleted.
    """
    ids = {pk for pk in group_ids if pk is not None}
    if not ids:
        return 0
    groups = {g.pk: g for g in EventGroup.objects.filter(pk__in=ids)}
    members: dict[int, list[_Member]] = {pk: [] for pk in groups}
    all_members: set[int] = set()
    rows = Event.objects.filter(group_id__in=groups).values_list("group_id", *_MEMBER_COLUMNS)
    for group_id, *columns in rows:
        all_members.add(group_id)
        member = _Member(*columns)
        if member.status != Event.Status.REJECTED:
            members[group_id].append(member)
    empty = [pk for pk in groups if pk not in all_members]
    EventGroup.objects.filter(pk__in=empty).delete()
    now = timezone.now()
    refreshed = []
    for pk, reports in members.items():
        if pk in empty:
            continue
        group = groups[pk]
        if reports:
            canonical = _canonical(group, reports)
            group.canonical_event_id = canonical.pk
            group.date, group.precision = canonical.date, canonical.precision
            group.end_date, group.text = canonical.end_date, canonical.text
        group.report_count = len(reports)
        group.source_count = len({r.source_id or f"a{r.article_id}" for r in reports})
        # As `dates_agree`: one day is possible for every report when their periods share one.
        periods = [period(r.date, r.precision, r.end_date) for r in reports]
        group.sources_disagree = bool(periods) and max(p[0] for p in periods) > min(
            p[1] for p in periods
        )
        group.updated_at = now
        group.version = entry_version()  # what it draws may have changed: drawn anew
        refreshed.append([getattr(group, name) for name in _REFRESHED_COLUMNS] + [pk])
    # Bookkeeping follows the reports, so no history row (editors' decisions have their own),
    # and only the columns worked out here are written: an editor's lock or canonical choice
    # saved meanwhile stays. One UPDATE run for every entry: a batch of articles touches
    # thousands, and a save() each compiled its UPDATE anew.
    update_rows(EventGroup, _REFRESHED_COLUMNS, refreshed)
    # Entries only: every report's date, visibility, source and entities are as they were.
    stories_changed(story_ids={group.story_id for group in groups.values()}, changes=NO_CHANGE)
    return len(empty)


def groups_redraw(*, group_ids: Iterable[int | None]) -> None:
    """Entries whose reports' articles changed what the entries show of them (an article's
    title): each gets a new version, so its drawing is not taken from the cache, and their
    stories a new revision. Nothing they count or show of their own changes."""
    ids = {pk for pk in group_ids if pk is not None}
    if not ids:
        return
    EventGroup.objects.filter(pk__in=ids).update(version=entry_version())
    stories = EventGroup.objects.filter(pk__in=ids).order_by().values_list("story_id", flat=True)
    stories_changed(story_ids=set(stories.distinct()), changes=NO_CHANGE)


def _pin(events: list[Event], *, group: EventGroup, user, reason: str) -> None:
    now = timezone.now()
    Event.objects.filter(pk__in=[e.pk for e in events]).update(
        group=group, group_pinned=True, updated_at=now
    )
    for event in events:
        event.group_id, event.group_pinned = group.pk, True
    Event.history.bulk_history_create(
        events, update=True, default_user=user, default_change_reason=reason[:100]
    )


def _save_decision(group: EventGroup, *, user, reason: str) -> None:
    group._change_reason = reason[:100]
    group._history_user = user
    group.save()


class GroupingError(ValueError):
    """An editor's grouping request that cannot be carried out, with the reason."""


def groups_merge(*, groups: QuerySet[EventGroup], user=None) -> EventGroup:
    """Merge entries an editor says tell of one happening; the one with most reports is kept.

    Every report is pinned to it, so neither re-extraction nor re-grouping separates them.
    """
    with transaction.atomic():
        ranked = list(
            groups.select_related(None)
            .select_for_update(of=("self",))
            .order_by("-report_count", "date", "id")
        )
        if len(ranked) < 2:
            raise GroupingError("Select at least two entries to merge.")
        if len({g.story_id for g in ranked}) > 1:
            raise GroupingError("Entries from different stories cannot be merged.")
        target, others = ranked[0], ranked[1:]
        events = list(Event.objects.filter(group__in=ranked))
        reason = f"merged entries {', '.join(str(g.pk) for g in others)} into {target.pk}"
        _pin(events, group=target, user=user, reason=reason)
        EventGroup.objects.filter(pk__in=[g.pk for g in others]).delete()
        target.locked = True
        _save_decision(target, user=user, reason=reason)
        groups_refresh(group_ids=[target.pk])
        target.refresh_from_db()
    return target


def events_split(*, events: QuerySet[Event], user=None) -> EventGroup:
    """Take reports out of their entry into a new entry of their own.

    Both sides are pinned, so re-grouping can neither put them back nor pull the others over.
    """
    with transaction.atomic():
        # The admin's queryset joins the nullable source and entry, which FOR UPDATE refuses.
        chosen = list(
            events.select_related(None).select_for_update(of=("self",)).select_related("article")
        )
        group_ids = {e.group_id for e in chosen}
        if not chosen or len(group_ids) != 1 or None in group_ids:
            raise GroupingError("Select reports of one entry to split off.")
        source = EventGroup.objects.select_for_update().get(pk=group_ids.pop())
        rest = list(Event.objects.filter(group=source).exclude(pk__in=[e.pk for e in chosen]))
        if not rest:
            raise GroupingError("These are all of the entry's reports; there is nothing to split.")
        first = min(chosen, key=_order)
        new = EventGroup.objects.create(
            story_id=source.story_id,
            date=first.date,
            precision=first.precision,
            end_date=first.end_date,
            text=first.text,
            locked=True,
        )
        reason = f"split from entry {source.pk} into {new.pk}"
        _pin(chosen, group=new, user=user, reason=reason)
        _pin(rest, group=source, user=user, reason=f"kept in entry {source.pk} after a split")
        source.locked = True
        if source.canonical_event_id in {e.pk for e in chosen}:
            source.canonical_chosen = False
        _save_decision(source, user=user, reason=reason)
        groups_refresh(group_ids=[source.pk, new.pk])
        new.refresh_from_db()
    return new


def group_set_canonical(*, group: EventGroup, event: Event, user=None) -> EventGroup:
    """Make one report's sentence and date the entry's; grouping keeps the editor's choice."""
    if event.group_id != group.pk:
        raise GroupingError("The canonical report must be one of the entry's reports.")
    with transaction.atomic():
        group.canonical_event = event
        group.canonical_chosen = True
        _save_decision(group, user=user, reason=f"canonical report: event {event.pk}")
        groups_refresh(group_ids=[group.pk])
        group.refresh_from_db()
    return group


# Grouping many new articles in one transaction (bulk ingestion). The outcome is the one
# `article_group_events` gives called after each article in turn; only the work differs: the
# story is read once, kept in memory, and a report is compared only with the reports whose dates
# can meet its own (any other scores 0, so it can never make an entry the best).

_SHORT_DAYS = 7  # periods up to a week are indexed by day, longer ones by month
# An entry's most possible score is raised by this much so that floating-point rounding (its
# parts summed in another order than the score's) can never leave out the best entry.
_ROUNDING = 1e-9
# How close an entry's most possible score is, in StoryGrouping._join.
_ROUGH, _WORDED, _CLOSE = 0, 1, 2
_GAP, _SAME_DAY = itemgetter(1), itemgetter(2)  # of a report compared, in StoryGrouping._join


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@dataclass(eq=False)
class _Entry:
    """An entry while grouping: the reports it is compared by (its first LINKAGE_REPORTS in
    timeline order), how many it has, and its place among entries (existing ones by their
    first report, then the ones the article being placed starts, in that order)."""

    heads: list[Report]
    size: int
    order: tuple
    key: int | None = None  # the EventGroup's id; None until a new entry is stored
    first: Event | None = None  # the new event that started a new entry
    new: list[Report] | None = None  # reports the current article added
    # The words, words near the date and names of `heads`, together; None when heads change.
    unions: tuple[frozenset, frozenset, frozenset] | None = None


class _Weights(dict):
    """Each item's IDF weight in one of a corpus's counts, computed when first asked for."""

    def __init__(self, corpus: Corpus, df):
        super().__init__()
        self.corpus, self.df = corpus, df

    def __missing__(self, item: str) -> float:
        weight = self[item] = Corpus._idf(self.corpus, self.df, item)
        return weight


class _RememberingCorpus(Corpus):
    """A Corpus that computes each word's weight once until its counts change (`changed`).

    `weighted_overlap` is Corpus's, summing the same weights in the same order (so the result
    is the same to the last bit; the tests compare bulk grouping with Corpus's), looked up in a
    dict instead of computed per pair: placing a report compares it with dozens of others.
    """

    def __init__(self, reports: Iterable[Report]):
        super().__init__(reports)
        self.changed()

    def changed(self) -> None:
        self._weights = {id(df): _Weights(self, df) for df in (self.word_df, self.entity_df)}
        # The weight of whole sets (of words, of names), for bounds only: see StoryGrouping.
        self.totals: tuple[dict[frozenset, float], dict[frozenset, float]] = ({}, {})

    def _idf(self, df, item: str) -> float:
        return self._weights[id(df)][item]

    def weighted_overlap(self, a: frozenset[str], b: frozenset[str], df) -> float:
        union = a | b
        if not union:
            return 0.0
        weight = self._weights[id(df)].__getitem__
        return sum(map(weight, a & b)) / sum(map(weight, union))


class StoryGrouping:
    """A story's reports and entries in memory, to place the reports of article after article.

    Built inside the caller's transaction, after the story row is locked, from the story's
    visible reports. `orphans` counts visible reports outside any entry: one-at-a-time grouping
    would place them with the next article's, so the caller must then group one article at a
    time. Each report is compared only with the entries' reports whose dates can meet its own
    (any other scores 0, which can never make an entry the best).
    """

    def __init__(
        self,
        *,
        story: Story,
        method: Method = DEFAULT_METHOD,
        words: dict[tuple[str, str], tuple[frozenset, frozenset]] | None = None,
    ):
        self.story, self.method = story, method
        self.words = {} if words is None else words
        Story.objects.select_for_update().filter(pk=story.pk).first()  # one grouping at a time
        rows = list(
            Event.objects.filter(VISIBLE, story=story)
            .order_by("article__published", "article_id", "sentence_start", "id")
            .values_list(
                "id",
                "date",
                "precision",
                "end_date",
                "text",
                "timex_text",
                "article_id",
                "sentence_start",
                "article__published",
                "group_id",
            )
        )
        names: dict[int, set[str]] = {}
        through = Event.entities.through
        # By story, not by a list of ids: a big story's would pass any query-parameter limit.
        for event_id, entity_id in through.objects.filter(event__story=story).values_list(
            "event_id", "entity_id"
        ):
            names.setdefault(event_id, set()).add(str(entity_id))
        self.keys: dict[object, tuple] = {}
        self.entry_of: dict[object, _Entry] = {}  # of the reports entries are compared by
        self.entries: list[_Entry] = []
        # Those reports by the days (short periods) or months (long ones) they can meet.
        self.days: dict[int, dict[int, Report]] = {}
        self.months: dict[int, dict[int, Report]] = {}
        self.orphans = 0
        by_group: dict[int, _Entry] = {}
        reports = []
        for pk, date, precision, end, text, timex, article_id, start, published, group in rows:
            report = self.report(
                id=pk,
                date=date,
                precision=precision,
                end_date=end,
                text=text,
                timex_text=timex,
                entities=frozenset(names.get(pk, ())),
                published=published,
                sentence=(article_id, start),
            )
            reports.append(report)
            self.keys[pk] = (published, article_id, start, pk)
            if group is None:
                self.orphans += 1
                continue
            entry = by_group.get(group)
            if entry is None:
                entry = _Entry(heads=[], size=0, order=(0, self.keys[pk]), key=group)
                by_group[group] = entry
                self.entries.append(entry)
            entry.size += 1
            if len(entry.heads) < LINKAGE_REPORTS:
                entry.heads.append(report)
                entry.unions = None
                self._index(report, entry)
        self.corpus = _RememberingCorpus(reports)
        self.size = len(reports)
        self.sequence = 0
        # The story's revision once the caller's batch is written (`kept`), None before.
        self.revision: int | None = None

    @classmethod
    def resume(
        cls,
        previous: StoryGrouping | None,
        *,
        story: Story,
        method: Method = DEFAULT_METHOD,
        words: dict[tuple[str, str], tuple[frozenset, frozenset]] | None = None,
    ) -> StoryGrouping:
        """The story's grouping: `previous` itself (what the caller's last batch left, see
        `kept`) when nothing else has written to the story since, else read anew.

        Every write to a story's articles, events or entries bumps its revision in the
        same transaction, so an unchanged revision means the reports and entries in memory
        are the ones a new read would give: reading them again cost a big story's ingest a
        query of every report and its names, and their words, per batch.
        """
        if previous is not None and previous.story.pk == story.pk and previous.method == method:
            # Locked first, as a new grouping locks it: one grouping at a time.
            revision = (
                Story.objects.select_for_update()
                .filter(pk=story.pk)
                .values_list("revision", flat=True)
                .first()
            )
            if revision is not None and revision == previous.revision:
                return previous
        return cls(story=story, method=method, words=words)

    def kept(self) -> StoryGrouping:
        """Call last in the transaction that stored what was placed (every entry keyed): the
        grouping can then be resumed (`resume`) if nobody else writes to the story."""
        for entry in self.entries:
            entry.first = None  # stored: not to be started again
        self.revision = Story.objects.filter(pk=self.story.pk).values_list("revision", flat=True)[0]
        return self

    def report(self, *, text: str, timex_text: str, **fields) -> Report:
        """A Report, its words computed once per sentence (and remembered across batches)."""
        words = self.words.get((text, timex_text))
        if words is None:
            words = self.words[(text, timex_text)] = (
                content_words(text, drop=timex_text),
                words_near(text, timex_text),
            )
        return Report(text=text, timex_text=timex_text, words=words[0], near=words[1], **fields)

    def _buckets(self, report: Report) -> Iterable[dict[int, Report]]:
        start, end = report.period
        if (end - start).days < _SHORT_DAYS:
            for n in range(start.toordinal(), end.toordinal() + 1):
                yield self.days.setdefault(n, {})
        else:
            for n in range(_month(start), _month(end) + 1):
                yield self.months.setdefault(n, {})

    def _index(self, report: Report, entry: _Entry) -> None:
        self.entry_of[report.id] = entry
        for bucket in self._buckets(report):
            bucket[id(report)] = report

    def _unindex(self, report: Report) -> None:
        del self.entry_of[report.id]
        for bucket in self._buckets(report):
            bucket.pop(id(report), None)

    def _near(self, report: Report) -> Iterable[Report]:
        """Every indexed report whose dates may meet this one's (and a few that do not)."""
        start, end = report.period
        reach = dt.timedelta(days=self.method.tolerance_days)
        low, high = start - reach, end + reach
        found: dict[int, Report] = {}
        for buckets, first, last in (
            (self.days, low.toordinal(), high.toordinal()),
            (self.months, _month(low), _month(high)),
        ):
            for n in range(first, last + 1):
                bucket = buckets.get(n)
                if bucket:
                    found.update(bucket)
        return found.values()

    def _join(self, report: Report) -> _Entry | None:
        """`_cluster_join_capped` over the story's entries, with only the reports that can
        score."""
        if self.method.threshold <= 0:  # then even an entry scoring 0 may be chosen
            entries = sorted(self.entries, key=lambda e: e.order)
            clusters = [Cluster(reports=e.heads) for e in entries]
            best = cluster_join(report, clusters, corpus=self.corpus, method=self.method)
            return None if best is None else entries[clusters.index(best)]
        method, corpus = self.method, self.corpus
        words_weight = corpus._weights[id(corpus.word_df)].__getitem__
        names_weight = corpus._weights[id(corpus.entity_df)].__getitem__
        sentence, (start, end) = report.sentence, report.period
        day = report.precision == "day"
        tolerance, entry_of = method.tolerance_days, self.entry_of
        # The reports that can score (as `Corpus.similarity` gates them), by entry, each with
        # its gap in days and whether it is of the same day.
        parts: dict[_Entry, list[tuple[Report, int, bool]]] = {}
        for other in self._near(report):
            if sentence is not None and sentence == other.sentence:
                continue
            b_start, b_end = other.period
            gap = (
                (b_start - end).days
                if end < b_start
                else (start - b_end).days
                if b_end < start
                else 0
            )
            if gap > tolerance or (gap and not day and other.precision != "day"):
                continue
            same_day = day and other.precision == "day" and report.date == other.date
            entry = entry_of[other.id]
            if entry in parts:
                parts[entry].append((other, gap, same_day))
            else:
                parts[entry] = [(other, gap, same_day)]
        if not parts:
            return None
        a_words, a_near, a_names = report.words, report.near, report.entities
        a_words_total = sum(map(words_weight, a_words))
        a_near_total = sum(map(words_weight, a_near))
        a_names_total = sum(map(names_weight, a_names))
        w_words, w_near, w_names = method.words, method.near / 2, method.entities
        w_rest, w_same_day = method.wording, method.same_day  # the wording at its most
        w_gap = method.disagreement_penalty
        # First a rough most for each entry, from the words and names of all its first
        # reports at once: a set's weighted overlap with another (shared weight over the
        # weight of both) is at most its shared weight with all of the entry's reports' over
        # its own weight; the wording is taken at its most (100). Each report that can score
        # adds at most that, the one with the smallest gap and any of the same day counted
        # for all.
        queue: list[tuple[float, int, int, _Entry]] = []
        alike: dict[_Entry, float] = {}  # an entry's rough most of the words and names parts
        for n, (entry, others) in enumerate(parts.items()):
            words_union, near_union, names_union = entry.unions or self._unions(entry)
            words = near = names = 0.0
            if a_words:
                shared = a_words & words_union
                if shared:
                    words = sum(map(words_weight, shared)) / a_words_total
                shared = a_words & near_union
                if shared:
                    near = sum(map(words_weight, shared)) / a_words_total
            if a_near:
                shared = a_near & words_union
                if shared:
                    near += sum(map(words_weight, shared)) / a_near_total
            if a_names:
                shared = a_names & names_union
                if shared:
                    names = sum(map(names_weight, shared)) / a_names_total
            else:
                names = words  # both unnamed: the words' share; else none
            most = alike[entry] = w_words * words + w_near * near + w_names * names
            most += w_rest - w_gap * min(map(_GAP, others))
            if any(map(_SAME_DAY, others)):
                most += w_same_day
            if most < 0.0:
                most = 0.0
            rough = most * len(others) / len(entry.heads) + _ROUNDING
            queue.append((-rough, n, _ROUGH, entry))
        # Then, highest most first, the rough ones made closer with each report's wording
        # (the letter-level comparison `Corpus.similarity` makes), those made close report by
        # report (`_bound`), and the close ones scored exactly (as `Corpus.similarity`
        # scores), until no entry could reach the best score found. Every entry scored
        # exactly could have been the best, so the entry chosen is the one that ranking every
        # entry by its close most and scoring them in turn would choose.
        heapq.heapify(queue)
        best, best_score = None, method.threshold
        w_wording = method.wording / 100
        wordings: dict[_Entry, list[float]] = {}
        while queue:
            most, n, level, entry = heapq.heappop(queue)
            if -most < best_score:
                break  # nor can any entry after it
            if level == _ROUGH:
                # The wording of each report, the rough rest of its score.
                most, joined, rough = 0.0, report.joined, alike[entry]
                wording = wordings[entry] = []
                for other, gap, same_day in parts[entry]:
                    wording.append(w_wording * token_set_ratio(joined, other.joined))
                    rest = rough + wording[-1] - w_gap * gap
                    if same_day:
                        rest += w_same_day
                    if rest > 0.0:
                        most += rest
                heapq.heappush(queue, (-(most / len(entry.heads) + _ROUNDING), n, _WORDED, entry))
                continue
            if level == _WORDED:
                # The rest made close, report by report.
                rests = self._bound(
                    report, parts[entry], a_words_total, a_near_total, a_names_total
                )
                most = 0.0
                for rest, wording in zip(rests, wordings[entry], strict=True):
                    if rest + wording > 0.0:
                        most += rest + wording
                heapq.heappush(queue, (-(most / len(entry.heads) + _ROUNDING), n, _CLOSE, entry))
                continue
            scores = []
            for other, _, _ in parts[entry]:
                score = corpus.similarity(report, other, method)
                if score:
                    position = next(n for n, r in enumerate(entry.heads) if r is other)
                    scores.append((position, score))
            # Summed in the entry's order, as cluster_join sums (its zeros change nothing).
            score = sum(score for _, score in sorted(scores)) / len(entry.heads)
            # As cluster_join chooses: the highest score, the first entry in order on a tie.
            if score >= best_score and (
                best is None or score > best_score or entry.order < best.order
            ):
                best, best_score = entry, score
        return best

    def _unions(self, entry: _Entry) -> tuple[frozenset, frozenset, frozenset]:
        """The words, words near the date, and names of an entry's first reports, together."""
        heads = entry.heads
        entry.unions = (
            frozenset().union(*(r.words for r in heads)),
            frozenset().union(*(r.near for r in heads)),
            frozenset().union(*(r.entities for r in heads)),
        )
        return entry.unions

    def _bound(
        self,
        report: Report,
        others: list[tuple[Report, int, bool]],
        a_words_total: float,
        a_near_total: float,
        a_names_total: float,
    ) -> list[float]:
        """The most each of `others` could score but for the wording (a letter-level
        comparison, the dearest): every other part of the score, the weight of a union taken
        as the weights of both sets less their shared ones' (the same sum, but for rounding,
        which _ROUNDING covers)."""
        method, corpus = self.method, self.corpus
        words_weight = corpus._weights[id(corpus.word_df)].__getitem__
        names_weight = corpus._weights[id(corpus.entity_df)].__getitem__
        words_totals, names_totals = corpus.totals
        a_words, a_near, a_names = report.words, report.near, report.entities
        w_words, w_near, w_names = method.words, method.near / 2, method.entities
        w_same_day = method.same_day
        w_gap = method.disagreement_penalty
        rests = []
        for other, gap, same_day in others:
            b_words = other.words
            b_words_total = words_totals.get(b_words)
            if b_words_total is None:
                b_words_total = words_totals[b_words] = sum(map(words_weight, b_words))
            shared = a_words & b_words
            if shared:
                weight = sum(map(words_weight, shared))
                words = weight / (a_words_total + b_words_total - weight)
            else:
                words = 0.0
            b_names = other.entities
            if a_names or b_names:
                shared = a_names & b_names
                if shared:
                    b_names_total = names_totals.get(b_names)
                    if b_names_total is None:
                        b_names_total = names_totals[b_names] = sum(map(names_weight, b_names))
                    weight = sum(map(names_weight, shared))
                    names = weight / (a_names_total + b_names_total - weight)
                else:
                    names = 0.0
            else:
                names = words
            near = 0.0
            shared = a_near & b_words
            if shared:
                weight = sum(map(words_weight, shared))
                near = weight / (a_near_total + b_words_total - weight)
            b_near = other.near
            shared = b_near & a_words
            if shared:
                b_near_total = words_totals.get(b_near)
                if b_near_total is None:
                    b_near_total = words_totals[b_near] = sum(map(words_weight, b_near))
                weight = sum(map(words_weight, shared))
                near += weight / (b_near_total + a_words_total - weight)
            rest = w_words * words + w_near * near + w_names * names - w_gap * gap
            if same_day:
                rest += w_same_day
            rests.append(rest)
        return rests

    def place(self, events: list[Event], *, published: dt.date) -> dict[int, _Entry]:
        """Place one new article's reports (unsaved events with their `entity_ids`), as
        `article_group_events` would: returns each event's entry, by its index in `events`."""
        if not events:
            return {}
        fresh: list[tuple[tuple, int, Report]] = []
        for n, event in enumerate(events):
            self.sequence += 1
            ref = ("new", self.sequence)
            report = self.report(
                id=ref,
                date=event.date,
                precision=event.precision,
                end_date=event.end_date,
                text=event.text,
                timex_text=event.timex_text,
                entities=frozenset(str(pk) for pk in event.entity_ids),
                published=published,
                sentence=(event.article_id, event.sentence_start),
            )
            key = (published, event.article_id, event.sentence_start, self.sequence)
            self.keys[ref] = key
            fresh.append((key, n, report))
        fresh.sort(key=lambda item: item[0])
        self.size += len(fresh)
        self.corpus.size = max(1, self.size)
        self.corpus.word_df.update(w for _, _, r in fresh for w in r.words)
        self.corpus.entity_df.update(e for _, _, r in fresh for e in r.entities)
        self.corpus.changed()
        placed: dict[int, _Entry] = {}
        started = 0
        for _key, n, report in fresh:
            entry = self._join(report)
            if entry is None:
                entry = _Entry(heads=[], size=0, order=(1, started), first=events[n])
                started += 1
                self.entries.append(entry)
            entry.size += 1
            if entry.new is None:
                entry.new = []
            entry.new.append(report)
            if len(entry.heads) < LINKAGE_REPORTS:
                entry.heads.append(report)
                entry.unions = None
                self._index(report, entry)  # the article's next reports may be compared with it
            placed[n] = entry
        # Between articles, an entry's reports are in timeline order: its first ones stand for
        # it, and the first of all places it among entries.
        for entry in dict.fromkeys(placed.values()):
            heads = sorted({id(r): r for r in (*entry.heads, *entry.new)}.values(), key=self._key)
            heads = heads[:LINKAGE_REPORTS]
            kept = {id(r) for r in heads}
            for report in entry.heads:
                if id(report) not in kept:
                    self._unindex(report)
                    entry.unions = None
            for report in heads:
                if report.id not in self.entry_of:
                    self._index(report, entry)
            entry.heads, entry.new = heads, None
            entry.order = (0, self.keys[heads[0].id])
        return placed

    def _key(self, report: Report) -> tuple:
        return self.keys[report.id]
