"""The drawn-entry cache: a page after a write draws again only the entries the write changed,
never shows an entry as it was before, and draws an entry from the cache byte for byte as
afresh."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string

from tests.stories import AGROUND_23_MARCH, AGROUND_24_MARCH, AGROUND_TUESDAY
from timeline import entries, selectors, services
from timeline.models import Article, Entity, Event, EventGroup, Story
from timeline.selectors import Cursor, TimelineFilters

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

TUGBOATS = "Tugboats from Port Said reached the ship on 24 March 2021."
DREDGERS = "Dredgers from Ismailia worked at the bow on 25 March 2021."
REFLOATED = "Salvage crews refloated the Ever Given on 29 March 2021 after six days."


@pytest.fixture
def rich_story(story, ingest):
    """Entries with several reports (one disputed), entities, sources, one without a source,
    a title that needs escaping, and two corrections (an entry's own date and a report's)."""
    ingest(AGROUND_TUESDAY, published=dt.date(2021, 3, 24), title="Ship stuck", source="Wire")
    ingest(AGROUND_23_MARCH, published=dt.date(2021, 3, 25), title="Canal <shut>", source="Desk")
    ingest(AGROUND_24_MARCH, published=dt.date(2021, 3, 26), title="Officials", source="Ledger")
    ingest(TUGBOATS, published=dt.date(2021, 3, 26), title="Tugs & arrive", source="Wire")
    ingest(DREDGERS, published=dt.date(2021, 3, 27), title="Dredging", source="")
    ingest(REFLOATED, published=dt.date(2021, 4, 1), title="Afloat", source="Ledger")
    aground = list(Event.objects.filter(text__contains="ran aground"))
    if len({e.group_id for e in aground}) > 1:  # one happening, whatever grouping said
        entries.groups_merge(groups=EventGroup.objects.filter(events__in=aground).distinct())
    report = Event.objects.get(text=AGROUND_23_MARCH)
    report.date = dt.date(2021, 3, 22)
    services.event_save_edit(event=report, changed_fields=["date"], reason="test")
    refloated = Event.objects.get(text=REFLOATED)
    refloated.date = dt.date(2021, 3, 28)
    services.event_save_edit(event=refloated, changed_fields=["date"], reason="test")
    verified = Event.objects.get(text=TUGBOATS)
    services.events_set_status(events=Event.objects.filter(pk=verified.pk), status="verified")
    return story


def page(client, **params) -> str:
    return client.get("/stories/suez/", params).content.decode()


def fragment(client, **params) -> str:
    return client.get("/stories/suez/", params, headers=HTMX).content.decode()


@pytest.fixture
def drawn(monkeypatch) -> list[int]:
    """The ids of the entries drawn (not taken from the cache) since the test began."""
    ids: list[int] = []
    read = selectors.entries_reports

    def spy(missing):
        ids.extend(entry.pk for entry in missing)
        return read(missing)

    monkeypatch.setattr(selectors, "entries_reports", spy)
    return ids


def entry_of(text: str) -> int:
    return Event.objects.get(text=text).group_id


def test_the_fixture_has_what_the_page_can_draw(rich_story):
    aground = EventGroup.objects.get(pk=entry_of(AGROUND_TUESDAY))
    assert aground.report_count == 3 and aground.sources_disagree
    assert Entity.objects.filter(slug__in=["port-said", "ismailia"]).count() == 2
    assert Event.objects.filter(source=None).exists()


def test_a_correction_draws_again_only_the_corrected_entry(client, rich_story, drawn):
    page(client)
    assert len(drawn) == EventGroup.objects.filter(story=rich_story, report_count__gt=0).count()
    drawn.clear()
    page(client)
    fragment(client)
    assert drawn == []  # warm: the page itself comes from the cache
    event = Event.objects.get(text=TUGBOATS)
    event.text = "Tugboats from Port Said reached the stranded ship on 24 March 2021."
    services.event_save_edit(event=event, changed_fields=["text"], reason="test")
    html = page(client)
    assert drawn == [event.group_id]
    assert "reached the stranded ship" in html
    fragment(client)
    assert drawn == [event.group_id]  # the fragment found it drawn by the page


def test_an_article_title_edit_draws_its_entries_again(client, rich_story, drawn):
    page(client)
    drawn.clear()
    article = Article.objects.get(title="Tugs & arrive")
    article.title = "Tugs <arrive> at last"
    services.article_save_edit(article=article, changed_fields=["title"], created=False)
    html = page(client)
    assert sorted(drawn) == sorted({e.group_id for e in article.events.all()})
    assert "Tugs &lt;arrive&gt; at last" in html
    assert "Tugs &amp; arrive" not in html


def test_renaming_an_entity_draws_the_storys_entries_again(
    client, rich_story, drawn, django_capture_on_commit_callbacks
):
    page(client)
    drawn.clear()
    entity = Entity.objects.get(slug="port-said")
    with django_capture_on_commit_callbacks(execute=True):
        entity.name = "Port Said <harbour>"
        entity.save()
    html = page(client)
    assert drawn, "the entries naming it were drawn again"
    assert ">Port Said &lt;harbour&gt;</a>" in html
    assert "<harbour>" not in html


def test_merging_entities_draws_the_entries_again(client, rich_story, drawn):
    page(client)
    drawn.clear()
    port = Entity.objects.get(slug="port-said")
    other = Entity.objects.get(slug="ismailia")
    services.entities_merge(entities=Entity.objects.filter(pk__in=[port.pk, other.pk]))
    html = page(client)
    assert drawn
    gone = other if Entity.objects.filter(pk=port.pk).exists() else port
    assert f"entity={gone.slug}" not in html
    survivor = Entity.objects.get(pk__in=[port.pk, other.pk])
    assert html.count(f"entity={survivor.slug}") >= 2  # both entries name the survivor


def test_deleting_an_entity_takes_its_chips_off_the_entries(
    client, rich_story, drawn, django_capture_on_commit_callbacks
):
    html = page(client)
    assert "entity=ismailia" in html
    drawn.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Entity.objects.filter(slug="ismailia").delete()
    html = page(client)
    assert drawn
    assert "entity=ismailia" not in html


def timeline_of(html: str) -> str:
    return html[html.index('<div class="timeline">') :]


def test_the_embed_and_the_page_never_share_a_drawn_entry(client, rich_story):
    embedded = timeline_of(fragment(client, embed="1"))
    plain = timeline_of(fragment(client))
    again = timeline_of(fragment(client, embed="1"))
    assert again == embedded
    assert 'target="_blank"' in embedded and "?embed=1" in embedded
    assert 'target="_blank"' not in plain
    assert "?embed=1" not in plain and "embed=1&amp;entity=" not in plain


def test_user_text_stays_escaped_in_drawn_and_cached_entries(client, rich_story):
    event = Event.objects.get(text=DREDGERS)
    event.text = 'Dredgers <script>alert("x")</script> worked on 25 March 2021.'
    services.event_save_edit(event=event, changed_fields=["text"], reason="test")
    for html in (page(client), page(client), fragment(client)):  # drawn, then cached
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "Canal &lt;shut&gt;" in html


def test_the_entries_of_a_story_given_another_slug_link_to_it(client, rich_story):
    page(client)
    story = Story.objects.get(pk=rich_story.pk)
    story.slug = "suez-2021"
    shown = list(EventGroup.objects.filter(story=story, report_count__gt=0))
    selectors.story_entries_drawn(story=story, entries=shown, embed=False)
    assert all("/stories/suez-2021/" in entry.drawn for entry in shown)
    assert not any("/stories/suez/" in entry.drawn for entry in shown)


def events_html(story: Story, *, embed: bool, after: Cursor | None, limit: int) -> str:
    """The page's events as the view draws them: entries alone, each drawn or taken from the
    cache."""
    page = selectors.story_timeline_page(
        story=story, filters=TimelineFilters(), after=after, limit=limit
    )
    shown = [entry for group in page.groups for entry in group.events]
    selectors.story_entries_drawn(story=story, entries=shown, embed=embed)
    context = {"story": story, "page": page, "query": "", "embed": embed}
    return render_to_string("timeline/story.html#event-groups", context)


@pytest.mark.parametrize("embed", [False, True])
def test_entries_from_the_cache_draw_the_page_byte_for_byte_as_drawn_afresh(rich_story, embed):
    story = Story.objects.get(pk=rich_story.pk)
    cache.clear()
    whole = events_html(story, embed=embed, after=None, limit=50)  # every entry drawn
    assert whole.count('<li class="event') == 4
    assert "Sources disagree" in whole and "Correction:" in whole and "verified" in whole
    assert "3 reports of this" in whole and "chip chip--" in whole
    assert events_html(story, embed=embed, after=None, limit=50) == whole  # all from the cache
    # Some from the cache (the first page of two), the others drawn.
    cache.clear()
    first = events_html(story, embed=embed, after=None, limit=2)
    assert events_html(story, embed=embed, after=None, limit=50) == whole
    # A "load more" page: the month heading continues, the cursor's link follows.
    cursor = Cursor.parse(re.search(r"after=([\d-]+_\d+)", first).group(1))
    more = events_html(story, embed=embed, after=cursor, limit=2)
    assert more.count('<li class="event') == 2
    cache.clear()
    assert events_html(story, embed=embed, after=cursor, limit=2) == more
