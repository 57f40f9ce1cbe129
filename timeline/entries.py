"""Services that group reports into timeline entries, and editors' merges, splits and choices.

Part of the service layer (the only code that writes): `timeline.services` calls it after each
extraction. The similarity itself is pure Python in `timeline.extraction.grouping`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from timeline.extraction.grouping import (
    DEFAULT_METHOD,
    Cluster,
    Corpus,
    Method,
    Report,
    cluster_join,
    dates_agree,
)
from timeline.models import VISIBLE, Article, Entity, Event, EventGroup, Precision, Story

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


def stories_changed(*, story_ids: Iterable[int | None]) -> None:
    """Bump the revision of stories whose articles, events or entries were just written.

    Everything the timeline caches is keyed by it (counts, chart, drawn pages), so a write is
    seen by the next request. Call it inside the write's transaction, or after its last
    statement: never before.
    """
    ids = {pk for pk in story_ids if pk is not None}
    if ids:
        Story.objects.filter(pk__in=ids).update(revision=F("revision") + 1)


# The fields of an entity or source the timeline shows (names, chip colour, filter links).
_SHOWN = {"name", "kind", "slug"}


def named_changed(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """post_save of an Entity or Source (the admin edits them directly): the stories whose
    events name it are redrawn. After the commit, so no story row is locked inside a write
    that may hold another story's lock (ingest sets an entity's kind)."""
    if created or (update_fields is not None and not _SHOWN & set(update_fields)):
        return
    named = {"entities": instance.pk} if sender is Entity else {"source": instance.pk}

    def bump() -> None:
        stories = Event.objects.filter(**named).order_by().values_list("story_id", flat=True)
        stories_changed(story_ids=set(stories.distinct()))

    transaction.on_commit(bump)


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
    for event_id, entity_id in through.objects.filter(event__in=events).values_list(
        "event_id", "entity_id"
    ):
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
        target = cluster_join(report, list(clusters.values()), corpus=corpus, method=method)
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


def _canonical(group: EventGroup, reports: list[Event]) -> Event:
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
            r.article.published,
            r.pk,
        ),
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
    members: dict[int, list[Event]] = {pk: [] for pk in groups}
    all_members: set[int] = set()
    for event in Event.objects.filter(group_id__in=groups).select_related("article"):
        all_members.add(event.group_id)
        if event.status != Event.Status.REJECTED:
            members[event.group_id].append(event)
    empty = [pk for pk in groups if pk not in all_members]
    EventGroup.objects.filter(pk__in=empty).delete()
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
        group.sources_disagree = not dates_agree(
            Report(id=r.pk, date=r.date, precision=r.precision, end_date=r.end_date, text="")
            for r in reports
        )
        # Bookkeeping follows the reports; editors' decisions have their own history rows.
        group.save_without_historical_record()
    stories_changed(story_ids={group.story_id for group in groups.values()})
    return len(empty)


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
