"""A story's tallies (filter counts, events per day) carried from revision to revision.

Each test counts the story once (so its tallies are cached), writes through the service layer
or the admin with the commit hooks run, and then checks that the new revision's tallies are
already in the cache (no recount) and equal what a recount gives.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from timeline import entries, revisions, selectors, services
from timeline.models import Entity, Event, EventGroup, Source, Story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counted_story(story, ingest):
    ingest(
        "Tugboats from Port Said reached the ship on 24 March 2021.",
        published=dt.date(2021, 3, 26),
        source="Meridian Wire",
        title="Tugs arrive",
    )
    ingest(
        "Dredgers from the canal authority worked at the bow in Suez on 25 March 2021. "
        "Pilots from Ismailia boarded on 26 March 2021.",
        published=dt.date(2021, 3, 27),
        source="Harbour Ledger",
        title="Dredging",
    )
    return story


def count(story: Story) -> tuple[dict, list]:
    """The tallies as the timeline reads them (counted, and cached, if not cached yet)."""
    story.refresh_from_db()
    return revisions.story_facet_tally(story).counts, revisions.story_day_tally(story)


def carried(story: Story) -> tuple[dict, list]:
    """The tallies cached for the story's current revision, which must be there."""
    story.refresh_from_db()
    facets = cache.get(revisions.story_key(story, revisions.FACETS))
    days = cache.get(revisions.story_key(story, revisions.DAYS))
    assert facets is not None, "the filter counts were not carried to the new revision"
    assert days is not None, "the events per day were not carried to the new revision"
    return facets[1], days[1]


def recounted(story: Story) -> tuple[dict, list]:
    cache.clear()
    return count(story)


def test_counted_tallies_match_the_events(counted_story):
    facets, days = count(counted_story)
    meridian = Event.objects.get(text__startswith="Tugboats").source_id
    assert facets[revisions.SOURCE, meridian] == 1
    assert facets[revisions.ENTITY, Entity.objects.get(slug="port-said").pk] == 1
    assert days == [(dt.date(2021, 3, 24), 1), (dt.date(2021, 3, 25), 1), (dt.date(2021, 3, 26), 1)]


def test_a_correction_carries_the_day_it_moved_to(
    counted_story, django_capture_on_commit_callbacks
):
    count(counted_story)
    event = Event.objects.get(text__startswith="Tugboats")
    event.date = dt.date(2021, 3, 23)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save_edit(event=event, changed_fields=["date"])
    facets, days = carried(counted_story)
    assert (dt.date(2021, 3, 23), 1) in days and (dt.date(2021, 3, 24), 1) not in days
    assert (facets, days) == recounted(counted_story)


def test_a_rejection_and_a_verification_carry(counted_story, django_capture_on_commit_callbacks):
    count(counted_story)
    tugs = Event.objects.filter(text__startswith="Tugboats")
    with django_capture_on_commit_callbacks(execute=True):
        services.events_set_status(events=tugs, status=Event.Status.REJECTED)
    facets, days = carried(counted_story)
    port_said = Entity.objects.get(slug="port-said").pk
    assert (revisions.ENTITY, port_said) not in facets  # no visible event names it now
    assert (facets, days) == recounted(counted_story)
    with django_capture_on_commit_callbacks(execute=True):
        services.events_set_status(events=tugs, status=Event.Status.VERIFIED)
    facets, days = carried(counted_story)
    assert facets[revisions.ENTITY, port_said] == 1
    assert (facets, days) == recounted(counted_story)


def test_a_new_article_and_a_re_extraction_carry(
    counted_story, ingest, django_capture_on_commit_callbacks
):
    count(counted_story)
    with django_capture_on_commit_callbacks(execute=True):
        article = ingest(
            "Salvage crews from Port Said refloated the ship on 29 March 2021.",
            published=dt.date(2021, 3, 30),
            source="Meridian Wire",
        )
    facets, days = carried(counted_story)
    assert facets[revisions.ENTITY, Entity.objects.get(slug="port-said").pk] == 2
    assert (facets, days) == recounted(counted_story)
    article.text = "Salvage crews refloated the ship on 28 March 2021, officials said."
    article.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_extract_events(article=article)
    facets, days = carried(counted_story)
    assert (dt.date(2021, 3, 28), 1) in days and (dt.date(2021, 3, 29), 1) not in days
    assert (facets, days) == recounted(counted_story)


def test_a_bulk_ingest_carries(counted_story, django_capture_on_commit_callbacks):
    count(counted_story)
    data = [
        services.ArticleInput(
            title=f"Bulk {n}",
            text=f"Pilots from Ismailia guided convoy {n} through on {day} March 2021.",
            published=dt.date(2021, 3, 31),
            source="Harbour Ledger" if n % 2 else "Canal Daily",
            url=f"https://example.org/bulk/{n}",
            language="en",
        )
        for n, day in enumerate((27, 28, 28, 29))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.articles_ingest_batch(story=counted_story, articles=data)
    facets, days = carried(counted_story)
    assert (dt.date(2021, 3, 28), 2) in days
    assert (facets, days) == recounted(counted_story)


def test_moving_an_article_to_another_story_carries_both(
    counted_story, django_capture_on_commit_callbacks
):
    other = services.story_get_or_create(slug="canal", title="Canal traffic")
    count(counted_story)
    count(other)
    article = Event.objects.get(text__startswith="Dredgers").article
    article.story = other
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save_edit(article=article, changed_fields=["story"], created=False)
    left, joined = carried(counted_story), carried(other)
    assert [day for day, _ in joined[1]] == [dt.date(2021, 3, 25), dt.date(2021, 3, 26)]
    assert left == recounted(counted_story)
    assert joined == recounted(other)


def test_regrouping_and_renaming_carry_the_tallies_unchanged(
    counted_story, admin_client, django_capture_on_commit_callbacks
):
    before = count(counted_story)
    with django_capture_on_commit_callbacks(execute=True):
        entries.groups_merge(groups=EventGroup.objects.filter(story=counted_story))
    assert carried(counted_story) == before
    entity = Entity.objects.get(slug="port-said")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/timeline/entity/{entity.pk}/change/",
            {
                "name": "Port Said harbour",
                "kind": entity.kind,
                "slug": entity.slug,
                "aliases": "[]",
            },
        )
    assert response.status_code == 302
    assert carried(counted_story) == before


def test_deleting_in_the_admin_carries_and_keeps_entries_right(
    counted_story, admin_client, django_capture_on_commit_callbacks
):
    count(counted_story)
    event = Event.objects.get(text__startswith="Pilots")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/timeline/event/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    facets, days = carried(counted_story)
    assert (dt.date(2021, 3, 26), 1) not in days
    assert (facets, days) == recounted(counted_story)
    article = Event.objects.get(text__startswith="Tugboats").article
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/timeline/article/",
            {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
        )
    assert response.status_code == 302
    facets, days = carried(counted_story)
    assert days == [(dt.date(2021, 3, 25), 1)]
    assert (facets, days) == recounted(counted_story)
    # No entry is left without reports (the timeline would show it empty).
    assert not EventGroup.objects.filter(story=counted_story, report_count__gt=0).exclude(
        events__status__in=["extracted", "verified"]
    )
    assert EventGroup.objects.filter(story=counted_story).count() == 1


def test_writes_that_cannot_know_their_difference_leave_a_recount(
    counted_story, ingest, django_capture_on_commit_callbacks
):
    count(counted_story)
    ingest("Officials in Suez met on 27 March 2021.", published=dt.date(2021, 3, 28))
    count(counted_story)
    # An entity merge moves links between entities: the next request counts afresh.
    with django_capture_on_commit_callbacks(execute=True):
        services.entities_merge(entities=Entity.objects.filter(slug__in=["suez", "ismailia"]))
    counted_story.refresh_from_db()
    assert cache.get(revisions.story_key(counted_story, revisions.FACETS)) is None
    # So does an editor's change of an event's entities, which the admin saves afterwards.
    count(counted_story)
    event = Event.objects.get(text__startswith="Tugboats")
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save_edit(event=event, changed_fields=["entities"])
    counted_story.refresh_from_db()
    assert cache.get(revisions.story_key(counted_story, revisions.FACETS)) is None


def test_a_difference_that_does_not_fit_is_not_carried(
    counted_story, django_capture_on_commit_callbacks
):
    count(counted_story)
    counted_story.refresh_from_db()
    # Counts that disagree with the difference (as if counted from another snapshot).
    cache.set(revisions.story_key(counted_story, revisions.DAYS), (0.0 + 10**10, []), timeout=None)
    event = Event.objects.get(text__startswith="Tugboats")
    event.status = Event.Status.REJECTED
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save_edit(event=event, changed_fields=["status"])
    counted_story.refresh_from_db()
    assert cache.get(revisions.story_key(counted_story, revisions.DAYS)) is None


def test_tallies_are_counted_afresh_after_the_cache_lifetime(
    counted_story, settings, django_capture_on_commit_callbacks
):
    count(counted_story)
    counted_story.refresh_from_db()
    key = revisions.story_key(counted_story, revisions.FACETS)
    counted_at, counts = cache.get(key)
    cache.set(key, (counted_at - settings.TIMELINE_CACHE_SECONDS - 1, counts))
    event = Event.objects.get(text__startswith="Tugboats")
    event.date = dt.date(2021, 3, 22)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save_edit(event=event, changed_fields=["date"])
    counted_story.refresh_from_db()
    assert cache.get(revisions.story_key(counted_story, revisions.FACETS)) is None
    assert cache.get(revisions.story_key(counted_story, revisions.DAYS)) is not None


def test_a_failed_write_carries_nothing(counted_story, django_capture_on_commit_callbacks):
    count(counted_story)
    event = Event.objects.get(text__startswith="Tugboats")
    stale = Event.objects.get(pk=event.pk)
    event.date = dt.date(2021, 3, 20)
    services.event_save_edit(event=event, changed_fields=["date"])
    counted_story.refresh_from_db()
    revision = counted_story.revision
    stale.date = dt.date(2021, 3, 21)
    with (
        django_capture_on_commit_callbacks(execute=True) as hooks,
        pytest.raises(services.EditConflict),
    ):
        services.event_save_edit(event=stale, changed_fields=["date"])
    assert hooks == []
    counted_story.refresh_from_db()
    assert counted_story.revision == revision  # the bump was rolled back with the write


def filtered(story: Story, **filters) -> list:
    return selectors.story_day_counts(story=story, filters=selectors.TimelineFilters(**filters))


def test_filtered_counts_are_carried_through_the_changes_when_next_asked_for(
    counted_story, ingest, django_capture_on_commit_callbacks, django_assert_num_queries
):
    port_said = Entity.objects.get(slug="port-said")
    meridian = Event.objects.get(text__startswith="Tugboats").source
    cases = [
        {"entity": port_said},
        {"source": meridian},
        {"start": dt.date(2021, 3, 25)},
        {"end": dt.date(2021, 3, 24)},
        {"precision": "day", "source": meridian},
    ]
    counted_story.refresh_from_db()
    for filters in cases:
        filtered(counted_story, **filters)
    # Three writes, each of a kind: a correction, a new article, a rejection.
    event = Event.objects.get(text__startswith="Tugboats")
    event.date = dt.date(2021, 3, 27)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save_edit(event=event, changed_fields=["date"])
    with django_capture_on_commit_callbacks(execute=True):
        ingest(
            "Salvage crews from Port Said refloated the ship on 29 March 2021.",
            published=dt.date(2021, 3, 30),
            source="Meridian Wire",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.events_set_status(
            events=Event.objects.filter(text__startswith="Pilots"), status="rejected"
        )
    counted_story.refresh_from_db()
    with django_assert_num_queries(0):  # carried: nothing counted
        carried_counts = [filtered(counted_story, **filters) for filters in cases]
    cache.clear()
    assert carried_counts == [filtered(counted_story, **filters) for filters in cases]
    assert carried_counts[0] == [(dt.date(2021, 3, 27), 1), (dt.date(2021, 3, 29), 1)]


def test_a_text_search_is_counted_afresh(
    counted_story, django_capture_on_commit_callbacks, django_assert_num_queries
):
    counted_story.refresh_from_db()
    filtered(counted_story, q="tugboats")
    event = Event.objects.get(text__startswith="Tugboats")
    event.date = dt.date(2021, 3, 27)
    with django_capture_on_commit_callbacks(execute=True):
        services.event_save_edit(event=event, changed_fields=["date"])
    counted_story.refresh_from_db()
    with django_assert_num_queries(1):
        assert filtered(counted_story, q="tugboats") == [(dt.date(2021, 3, 27), 1)]


def test_a_change_that_is_not_known_stops_the_carrying(
    counted_story, django_capture_on_commit_callbacks
):
    port_said = Entity.objects.get(slug="port-said")
    counted_story.refresh_from_db()
    filtered(counted_story, entity=port_said)
    entries.stories_changed(story_ids=[counted_story.pk])  # a write that knows nothing
    counted_story.refresh_from_db()
    assert revisions._carry_back(counted_story, "entity=port-said", lambda r: True) is None


def test_the_filter_test_on_reports_agrees_with_the_database(counted_story, ingest):
    ingest(
        "The canal authority in Suez said the backlog would clear between 27 March and "
        "3 April 2021. In March 2021 pilots from Port Said were busy.",
        published=dt.date(2021, 3, 28),
        source="Canal Daily",
    )
    reports = revisions.visible_reports(Event.objects.filter(story=counted_story))
    by_event = {}
    for event in Event.objects.filter(story=counted_story):
        by_event[event.pk] = next(
            r
            for r in reports[counted_story.pk]
            if (r.date, r.source_id, r.precision) == (event.date, event.source_id, event.precision)
            and r.entity_ids == tuple(sorted(event.entities.values_list("pk", flat=True)))
        )
    sources = list(Source.objects.all()) + [None]
    named = list(Entity.objects.all()) + [None]
    days = [None, dt.date(2021, 3, 24), dt.date(2021, 3, 26), dt.date(2021, 3, 31)]
    for entity in named:
        for source in sources:
            for start in days:
                for end in days:
                    for precision in ("", "day", "month"):
                        filters = selectors.TimelineFilters(
                            start=start, end=end, entity=entity, source=source, precision=precision
                        )
                        expected = set(
                            selectors.story_events(
                                story=counted_story, filters=filters
                            ).values_list("pk", flat=True)
                        )
                        judged = {
                            pk
                            for pk, report in by_event.items()
                            if selectors._matches(filters, report)
                        }
                        assert judged == expected, filters
