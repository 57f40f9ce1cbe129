"""Event permalinks, the ?embed=1 timeline for other sites' iframes, and the export links."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.stories import GROUNDING
from timeline import services
from timeline.models import Event

pytestmark = pytest.mark.django_db


def permalink(event: Event, embed: bool = False) -> str:
    url = reverse("event", kwargs={"slug": event.story.slug, "pk": event.pk})
    return f"{url}?embed=1" if embed else url


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


# --- Permalinks ------------------------------------------------------------------------------


def test_an_event_permalink_shows_the_event_and_its_evidence(
    client, timeline_story, django_assert_max_num_queries
):
    event = Event.objects.get(text__contains="ran aground")
    with django_assert_max_num_queries(4):
        response = client.get(permalink(event))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="page-title"><time datetime="2021-03-23">23 March 2021</time></h1>' in html
    assert event.text in html
    # The sentence it came from, with the date expression marked.
    assert '<strong class="timex">Tuesday</strong>, blocking traffic.' in html
    assert "Meridian Wire" in html and "Ship blocks canal" in html
    assert f"/stories/suez/articles/{event.article_id}/#event-{event.pk}" in hrefs(html)
    assert "“Tuesday”" in html  # the expression, in the facts
    assert "Suez Canal" in html  # an entity chip
    # Back to the timeline at this event.
    assert f"/stories/suez/?start=2021-03-23#e{event.pk}" in hrefs(html)
    assert response["X-Frame-Options"] == "DENY"
    assert f'<link rel="canonical" href="http://testserver{permalink(event)}">' in html


def test_the_timeline_links_each_event_to_its_permalink(client, timeline_story):
    html = client.get("/stories/suez/").content.decode()
    for event in Event.objects.all():
        assert permalink(event) in hrefs(html)


def test_the_timeline_link_of_a_permalink_lands_on_a_page_that_shows_the_event(
    client, timeline_story
):
    event = Event.objects.get(text__startswith="Salvage teams")
    html = client.get(permalink(event)).content.decode()
    back = next(h for h in hrefs(html) if h.startswith("/stories/suez/?start="))
    timeline = client.get(back).content.decode()
    assert f'id="e{event.pk}"' in timeline


def test_a_rejected_event_or_one_from_another_story_has_no_permalink(client, timeline_story):
    event = Event.objects.get(text__contains="ran aground")
    other = services.story_get_or_create(slug="other", title="Another story")
    assert client.get(f"/stories/other/events/{event.pk}/").status_code == 404
    assert other.events.count() == 0
    services.events_set_status(events=Event.objects.filter(pk=event.pk), status="rejected")
    assert client.get(permalink(event)).status_code == 404
    assert client.get("/stories/suez/events/999999/").status_code == 404


def test_a_permalink_escapes_user_text(client, story, ingest):
    ingest(
        "<script>alert(1)</script> The ship ran aground on Tuesday.",
        title="<img src=x onerror=alert(2)>",
        source="<b>Evil</b> Outlet",
    )
    html = client.get(permalink(Event.objects.get())).content.decode()
    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html and "<b>Evil</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- Embed -----------------------------------------------------------------------------------


def test_the_embed_has_no_site_chrome_and_may_be_framed(client, timeline_story):
    page = client.get("/stories/suez/")
    embed = client.get("/stories/suez/?embed=1")
    assert page["X-Frame-Options"] == "DENY"
    assert "X-Frame-Options" not in embed
    html = embed.content.decode()
    assert 'class="site-header"' not in html and 'class="site-footer"' not in html
    assert 'aria-label="Site"' not in html
    assert "<body hx-headers=" in html and 'class="embed"' in html
    assert "ran aground" in html
    # A way out to the full timeline, opened outside the iframe.
    assert 'href="/stories/suez/" target="_blank"' in html
    # No export panel inside someone else's page.
    assert 'id="exports"' not in html
    assert 'class="site-header"' in page.content.decode()


def test_the_embed_keeps_embed_in_its_filters_links_and_permalinks(
    client, timeline_story, settings
):
    settings.TIMELINE_PAGE_SIZE = 2
    html = client.get("/stories/suez/?embed=1").content.decode()
    assert '<input type="hidden" name="embed" value="1">' in html
    links = hrefs(html)
    load_more = next(h for h in links if "after=" in h)
    assert "embed=1" in load_more
    assert any(h.startswith("?embed=1&entity=") for h in links)
    events = Event.objects.order_by("date", "id")[:2]
    for event in events:
        assert permalink(event, embed=True) in links
    # The article pages are not embeds: they open outside the iframe.
    assert re.search(r'class="event__article" href="[^"]+" target="_blank"', html)


def test_an_htmx_request_from_the_embed_keeps_embed_in_the_fragment(client, timeline_story):
    response = client.get(
        "/stories/suez/", {"embed": "1", "q": "canal"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "Clear filters" in html
    clear = next(h for h in hrefs(html) if h.startswith("/stories/suez/?"))
    assert clear == "/stories/suez/?embed=1"
    assert f'hx-get="{clear}"' in html
    event = Event.objects.get(text__contains="ran aground")
    assert permalink(event, embed=True) in hrefs(html)
    assert "X-Frame-Options" not in response


def test_an_embedded_permalink_stays_in_the_embed(client, timeline_story):
    event = Event.objects.get(text__contains="ran aground")
    response = client.get(permalink(event, embed=True))
    html = response.content.decode()
    assert "X-Frame-Options" not in response
    assert 'class="site-header"' not in html
    links = hrefs(html)
    assert f"/stories/suez/?start=2021-03-23&embed=1#e{event.pk}" in links
    assert "/stories/suez/?embed=1" in links
    assert any(h.startswith("/stories/suez/?embed=1&entity=") for h in links)


def test_only_embed_1_turns_the_embed_on(client, timeline_story):
    response = client.get("/stories/suez/?embed=yes")
    assert response["X-Frame-Options"] == "DENY"
    assert 'class="site-header"' in response.content.decode()


# --- Export links on the timeline ------------------------------------------------------------


def test_the_timeline_links_to_every_export_with_its_current_filters(client, timeline_story):
    html = client.get("/stories/suez/?q=refloated&precision=day&source=harbour-ledger").content
    links = hrefs(html.decode())
    query = "q=refloated&source=harbour-ledger&precision=day"
    for path in ("events.csv", "events.json", "events.ics", "timeline.json", "feed.atom"):
        assert f"/stories/suez/{path}?{query}" in links
    assert f"webcal://testserver/stories/suez/events.ics?{query}" in links
    assert '<link rel="alternate" type="application/atom+xml"' in html.decode()


def test_export_links_leave_out_filters_the_page_ignored(client, timeline_story):
    html = client.get("/stories/suez/?q=canal&start=soon").content.decode()
    assert "Some filters were ignored" in html
    assert "/stories/suez/events.csv?q=canal" in hrefs(html)


def test_an_htmx_filter_change_brings_export_links_for_the_new_filters(client, timeline_story):
    html = client.get(
        "/stories/suez/", {"q": "tugboats"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "/stories/suez/events.csv?q=tugboats" in hrefs(html)
    assert "Export these events" in html


def test_the_embed_code_frames_the_embed_with_the_current_filters(client, story, ingest):
    story.title = 'Canal "watch" <live>'
    story.save()
    ingest(GROUNDING)
    html = client.get("/stories/suez/?q=tugboats").content.decode()
    code = unescape(re.search(r'<textarea id="embed-code"[^>]*>(.*?)</textarea>', html, re.S)[1])
    assert code == (
        '<iframe src="http://testserver/stories/suez/?embed=1&amp;q=tugboats" '
        'title="Canal &quot;watch&quot; &lt;live&gt;: timeline" width="100%" height="640" '
        'loading="lazy"></iframe>'
    )
