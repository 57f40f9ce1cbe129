"""The timeline's cache: a few queries per request, and never a stale page after a write.

Each test first loads the page so that its counts, chart and drawn events are cached, then
writes through the service layer (or the admin), and reads again.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from timeline import entries, services
from timeline.models import Entity, Event, EventGroup, Source, Story

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def cached_story(story, ingest):
    ingest(
        "Tugboats from Port Said reached the ship on 24 March 2021.",
        published=dt.date(2021, 3, 26),
        source="Meridian Wire",
        title="Tugs arrive",
    )
    ingest(
        "Dredgers from the canal authority worked at the bow on 25 March 2021.",
        published=dt.date(2021, 3, 27),
        source="Harbour Ledger",
        title="Dredging",
    )
    return story


def page(client, **params) -> str:
    return client.get("/stories/suez/", params).content.decode()


def fragment(client, **params) -> str:
    return client.get("/stories/suez/", params, headers=HTMX).content.decode()


def warm(client, **params) -> None:
    """Load the page and its fragment twice, so the second load is served from the cache."""
    for _ in range(2):
        page(client, **params)
        fragment(client, **params)


def test_a_cached_page_and_a_cached_fragment_cost_one_query_each(
    client, cached_story, django_assert_num_queries
):
    warm(client)
    with django_assert_num_queries(1):  # the story
        page(client)
    with django_assert_num_queries(1):  # the story
        fragment(client)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "tugboats"},
        {"start": "2021-03-25", "end": "2021-03-31"},
        {"precision": "day"},
        {"source": "meridian-wire"},
        {"entity": "port-said"},
        {"entity": "port-said", "source": "meridian-wire", "q": "ship", "start": "2021-03-01"},
    ],
)
def test_an_uncached_page_and_fragment_make_at_most_six_queries(
    client, cached_story, django_assert_max_num_queries, params
):
    assert Entity.objects.filter(slug="port-said").exists(), "the filter must name a real entity"
    # Cold: nothing about the story is cached after a write.
    entries.stories_changed(story_ids=[cached_story.pk])
    with django_assert_max_num_queries(6):
        html = page(client, **params)
    assert "Some filters were ignored" not in html
    entries.stories_changed(story_ids=[cached_story.pk])
    with django_assert_max_num_queries(6):
        fragment(client, **params)


def test_load_more_makes_at_most_six_queries_cold_and_one_warm(
    client, story, ingest, settings, django_assert_max_num_queries, django_assert_num_queries
):
    settings.TIMELINE_PAGE_SIZE = 2
    for day in (1, 8, 15, 22):
        ingest(f"The canal authority met on {day} March 2021.", published=dt.date(2021, 3, 28))
    first = fragment(client, source="wire")
    cursor = re.search(r"after=([0-9-]+_\d+)", first).group(1)
    story.refresh_from_db()
    entries.stories_changed(story_ids=[story.pk])
    with django_assert_max_num_queries(6):
        more = fragment(client, source="wire", after=cursor)
    assert "15 March 2021" in more and "1 March 2021" not in more
    with django_assert_num_queries(1):  # the story
        assert fragment(client, source="wire", after=cursor) == more


def test_an_editors_correction_shows_on_the_next_request(client, cached_story):
    warm(client)
    warm(client, source="meridian-wire")
    event = Event.objects.get(text__startswith="Tugboats")
    event.text = "Tugboats from Ismailia reached the ship on 24 March 2021."
    event.date = dt.date(2021, 3, 23)
    services.event_save_edit(event=event, changed_fields=["text", "date"])
    for html in (page(client), fragment(client), fragment(client, source="meridian-wire")):
        assert "Tugboats from Ismailia" in html
        assert "Tugboats from Port Said" not in html
        assert "<title>23 March 2021: 1 report</title>" in html  # the chart moved the report
        assert "Date corrected by an editor" in html


def test_a_rejected_event_leaves_the_page_its_chart_and_the_choice_counts(client, cached_story):
    warm(client)
    assert "Meridian Wire (1)" in page(client)
    event = Event.objects.get(text__startswith="Tugboats")
    services.events_set_status(events=Event.objects.filter(pk=event.pk), status="rejected")
    html = page(client)
    assert "Tugboats" not in html
    assert "Meridian Wire (1)" not in html  # no visible event of that source is left
    assert "1 report in" in html  # the chart's description
    assert "Tugboats" not in fragment(client)


def test_a_new_article_shows_on_the_next_request(client, cached_story, ingest):
    warm(client)
    warm(client, q="salvage")
    assert "No events match" in fragment(client, q="salvage")
    ingest(
        "Salvage crews refloated the ship on 29 March 2021.",
        published=dt.date(2021, 3, 30),
        source="Meridian Wire",
        title="Refloated",
    )
    assert "Salvage crews refloated" in fragment(client, q="salvage")
    html = page(client)
    assert "Salvage crews refloated" in html
    assert "Meridian Wire (2)" in html  # the source choice's count
    assert "3 reports in" in html  # the chart


def test_an_article_edit_shows_on_the_next_request(client, cached_story):
    warm(client)
    article = Event.objects.get(text__startswith="Dredgers").article
    article.title = "Dredging, corrected headline"
    services.article_save_edit(article=article, changed_fields=["title"], created=False)
    assert "Dredging, corrected headline" in page(client)
    assert "Dredging, corrected headline" in fragment(client)


def test_merging_entries_shows_one_entry_on_the_next_request(client, cached_story):
    warm(client)
    assert len(re.findall(r'<li class="event[ "]', page(client))) == 2
    entries.groups_merge(groups=EventGroup.objects.filter(story=cached_story))
    html = page(client)
    assert len(re.findall(r'<li class="event[ "]', html)) == 1
    assert "2 reports of this" in html


def test_renaming_an_entity_or_source_in_the_admin_shows_on_the_next_request(
    client, cached_story, admin_client, django_capture_on_commit_callbacks
):
    warm(client)
    entity = Entity.objects.get(slug="port-said")
    assert f">{entity.name}</a>" in fragment(client)
    # The stories are redrawn once the admin's transaction commits.
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
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get(name="Meridian Wire")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/timeline/source/{source.pk}/change/",
            {"name": "Meridian Wire Service", "slug": source.slug, "homepage": ""},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    for html in (page(client), fragment(client)):
        assert ">Port Said harbour</a>" in html
        assert "Meridian Wire Service" in html


def test_renaming_a_story_or_changing_its_slug_in_the_admin_shows_on_the_next_request(
    client, cached_story, admin_client
):
    warm(client)
    assert "Ever Given" not in page(client)
    loaded = Story.objects.get(pk=cached_story.pk)
    # A write lands between the editor opening the form and saving it: the save must not
    # write back the revision the form was loaded with.
    entries.stories_changed(story_ids=[cached_story.pk])
    bumped = Story.objects.get(pk=cached_story.pk).revision
    response = admin_client.post(
        f"/admin/timeline/story/{cached_story.pk}/change/",
        {"title": "The Ever Given in the canal", "slug": "suez-canal", "description": "Six days."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    story = Story.objects.get(pk=cached_story.pk)
    assert story.revision > bumped > loaded.revision
    html = client.get("/stories/suez-canal/").content.decode()
    assert "The Ever Given in the canal" in html and "Six days." in html
    assert "/stories/suez-canal/" in html and "/stories/suez/" not in html
    assert client.get("/stories/suez/").status_code == 404
    assert "The Ever Given in the canal" in client.get("/").content.decode()


def test_merging_entities_updates_the_choices_and_the_chips(client, cached_story, ingest):
    ingest(
        "Officials in Ismailia said on 26 March 2021 that work went on.",
        published=dt.date(2021, 3, 27),
        source="Harbour Ledger",
    )
    warm(client)
    port = Entity.objects.get(slug="port-said")
    other = Entity.objects.get(slug="ismailia")
    assert f'value="{other.slug}"' in page(client)
    services.entities_merge(entities=Entity.objects.filter(pk__in=[port.pk, other.pk]))
    html = page(client)
    survivor = Entity.objects.get(pk__in=[port.pk, other.pk])
    assert f">{survivor.name}</a>" in html
    gone = other if survivor.pk == port.pk else port
    assert f'value="{gone.slug}"' not in html  # no longer a choice
    assert f"entity={gone.slug}" not in html  # no chip links to it


def test_a_rebuilt_story_that_reuses_an_id_never_meets_the_old_ones_cache(client, cached_story):
    warm(client)
    pk = cached_story.pk
    Story.objects.filter(pk=pk).delete()
    reborn = Story.objects.create(pk=pk, slug="suez", title="Suez, again")
    assert reborn.revision == 0
    html = page(client)
    assert "No events match" in html
    assert "Tugboats" not in html


@pytest.mark.parametrize("with_events", [True, False])
def test_a_bulk_ingest_shows_on_the_next_request(client, cached_story, with_events):
    warm(client)
    text = (
        "Salvage crews refloated the ship on 29 March 2021."
        if with_events
        else "Salvage crews kept working."
    )
    data = services.ArticleInput(
        title="Refloated in bulk",
        text=text,
        published=dt.date(2021, 3, 30),
        source="Harbour Ledger",
        url="https://example.org/bulk",
        language="en",
    )
    before = Story.objects.get(pk=cached_story.pk).revision
    services.articles_ingest_batch(story=cached_story, articles=[data])
    assert Story.objects.get(pk=cached_story.pk).revision > before
    if with_events:
        assert "Salvage crews refloated" in fragment(client)
        assert "Harbour Ledger (2)" in page(client)


def test_the_filter_form_is_drawn_again_only_when_what_it_shows_changes(
    client, cached_story, ingest, monkeypatch
):
    from timeline import views

    drawn = []
    render = views.render_to_string

    def counting(template_name, *args, **kwargs):
        drawn.append(template_name)
        return render(template_name, *args, **kwargs)

    monkeypatch.setattr(views, "render_to_string", counting)
    warm(client)
    drawn.clear()
    # A corrected date leaves the choices and their counts as they were: the same form.
    event = Event.objects.get(text__startswith="Tugboats")
    event.date = dt.date(2021, 3, 23)
    services.event_save_edit(event=event, changed_fields=["date"])
    html = page(client)
    assert "timeline/story.html#filter-form" not in drawn
    assert '<time class="event__date event__date--day" datetime="2021-03-23">' in html
    # A new report naming a new place changes the choices: the form is drawn again.
    ingest(
        "Pilots from Ismailia boarded the ship on 28 March 2021.",
        published=dt.date(2021, 3, 28),
        source="Meridian Wire",
        title="Pilots",
    )
    html = page(client)
    assert drawn.count("timeline/story.html#filter-form") == 1
    assert "Ismailia (place, 1)" in html and "Meridian Wire (2)" in html
    # The same form for another filter value is drawn for it, not taken from the first.
    html = page(client, q="pilots")
    assert 'value="pilots"' in html and drawn.count("timeline/story.html#filter-form") == 2
