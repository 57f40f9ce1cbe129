"""The public pages: story list, timeline (full page and htmx fragment), article evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from timeline import services
from timeline.models import Event

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_stories_with_their_event_counts(client, timeline_story):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Suez Canal blockage" in html
    entries = Event.objects.order_by().values("group").distinct().count()
    assert f"{entries} events from 2 articles" in html  # what the timeline shows
    assert reverse("story", kwargs={"slug": "suez"}) in html


def test_the_home_page_counts_are_cached_until_the_story_changes(
    client, story, ingest, django_assert_num_queries
):
    ingest("The ship ran aground on 23 March 2021.", published=dt.date(2021, 3, 24))
    other = services.story_get_or_create(slug="other", title="Another story")
    assert "1 event from 1 article" in client.get("/").content.decode()
    with django_assert_num_queries(1):  # the stories; their counts come from the cache
        html = client.get("/").content.decode()
    assert "1 event from 1 article" in html and "0 events from 0 articles" in html
    ingest(
        "Tugs freed the ship on 29 March 2021.",
        published=dt.date(2021, 3, 29),
        title="Freed",
        url="https://example.test/freed",
    )
    with django_assert_num_queries(2):  # the stories, then the changed story's counts
        html = client.get("/").content.decode()
    assert "2 events from 2 articles" in html and "0 events from 0 articles" in html
    other.delete()
    html = client.get("/").content.decode()
    assert "Another story" not in html and "2 events from 2 articles" in html


def test_the_timeline_lists_events_oldest_first_with_dates_at_their_precision(
    client, timeline_story
):
    response = client.get("/stories/suez/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        '<time class="event__date event__date--day" datetime="2021-03-23">23 March 2021</time>'
        in html
    )
    assert html.index("23 March 2021") < html.index("29 March 2021")
    assert '<h2 class="year-heading">2021</h2>' in html
    assert "March 2021</h3>" in html
    assert "Meridian Wire" in html


def test_an_htmx_request_gets_only_the_results_fragment(client, timeline_story):
    response = client.get("/stories/suez/", {"q": "refloated"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="filters"' not in html
    assert "refloated the Ever Given" in html
    assert "ran aground" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_same_url_without_htmx_renders_the_full_page_with_the_same_results(
    client, timeline_story
):
    fragment = client.get("/stories/suez/?q=refloated", headers={"HX-Request": "true"})
    full = client.get("/stories/suez/?q=refloated")
    html = full.content.decode()
    assert "<html" in html and 'id="filters"' in html
    assert 'value="refloated"' in html
    assert "refloated the Ever Given" in html and "ran aground" not in html
    assert fragment.content.decode().strip() in html


def test_a_history_restore_request_gets_the_full_page(client, timeline_story):
    response = client.get(
        "/stories/suez/?q=tugboats",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "present", "absent"),
    [
        ({"start": "2021-03-28"}, "refloated the Ever Given", "ran aground"),
        ({"end": "2021-03-24"}, "ran aground", "refloated the Ever Given"),
        ({"source": "harbour-ledger"}, "refloated the Ever Given", "ran aground"),
        ({"q": "TUGBOATS wednesday"}, "Tugboats from", "refloated"),
        ({"precision": "year"}, "No events match", "ran aground"),
    ],
)
def test_filters_narrow_the_timeline(client, timeline_story, params, present, absent):
    html = client.get("/stories/suez/", params).content.decode()
    assert present in html
    assert absent not in html


def test_the_entity_filter_keeps_only_events_naming_that_entity(client, timeline_story):
    event = Event.objects.get(text__startswith="Tugboats")
    entity = event.entities.get(name="Suez Canal Authority")
    html = client.get("/stories/suez/", {"entity": entity.slug}).content.decode()
    assert "Tugboats from" in html
    assert "refloated the Ever Given" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "24/03/2021"}, "Enter a date as YYYY-MM-DD."),
        ({"start": "2021-03-20", "end": "2021-03-01"}, "The end date is before the start date."),
        ({"precision": "century"}, "Precision must be day"),
        ({"entity": "nobody-at-all"}, "No person, organisation or place"),
        ({"source": "<script>"}, "No such source"),
        ({"after": "garbage"}, "load more"),
    ],
)
def test_invalid_filters_get_a_friendly_message_not_an_error(
    client, timeline_story, params, message
):
    response = client.get("/stories/suez/", params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters were ignored" in html
    assert message in html
    assert "<script>" not in html
    # The other events still show: a bad filter is dropped, not fatal.
    assert "ran aground" in html


def test_rejected_events_never_show(client, timeline_story):
    services.events_set_status(
        events=Event.objects.filter(text__contains="ran aground"), status=Event.Status.REJECTED
    )
    html = client.get("/stories/suez/").content.decode()
    assert "ran aground" not in html
    assert "refloated the Ever Given" in html


def test_load_more_pages_through_events_without_repeating_the_month_heading(
    client, timeline_story, settings
):
    settings.TIMELINE_PAGE_SIZE = 2
    first = client.get("/stories/suez/").content.decode()
    assert "Load more events" in first
    cursor = first.split("after=")[1].split('"')[0]
    more = client.get(f"/stories/suez/?after={cursor}", headers={"HX-Request": "true"})
    html = more.content.decode()
    assert "month-heading" not in html  # the next page continues March 2021
    assert 'class="event"' in html
    assert "refloated the Ever Given" in html or "resume" in html


def test_the_timeline_query_count_is_small_and_constant(
    client, story, ingest, django_assert_max_num_queries
):
    for day in range(1, 9):
        ingest(
            f"Officials met in Cairo on {day} March 2021 to discuss the canal. Report {day}.",
            published=dt.date(2021, 3, 20),
            source=f"Outlet {day}",
        )
    # Story, the form's entity and source choices with counts, entries, their reports, the
    # reports' names, the density chart.
    with django_assert_max_num_queries(6):
        response = client.get("/stories/suez/")
    assert response.status_code == 200
    # The fragment: story, entries, their reports, the reports' names, the density chart.
    with django_assert_max_num_queries(5):
        client.get("/stories/suez/?q=Cairo", headers={"HX-Request": "true"})


def test_an_unknown_story_is_a_404(client, db):
    assert client.get("/stories/nothing-here/").status_code == 404


def test_the_article_page_highlights_every_event_sentence_and_anchors_each_event(
    client, timeline_story
):
    event = Event.objects.get(text__contains="ran aground")
    response = client.get(reverse("article", kwargs={"slug": "suez", "pk": event.article_id}))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="event-{event.pk}"' in html
    assert '<strong class="timex">Tuesday</strong>' in html
    assert html.count('<mark class="evidence"') >= 2


def test_user_text_is_escaped_everywhere(client, story, ingest):
    ingest(
        "<script>alert(1)</script> The ship ran aground on Tuesday.",
        title="<img src=x onerror=alert(2)>",
        source="<b>Evil</b> Outlet",
    )
    event = Event.objects.get()
    for url in (
        "/",
        "/stories/suez/",
        reverse("article", kwargs={"slug": "suez", "pk": event.article_id}),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
        assert "<b>Evil</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/stories/suez/").content.decode()


def test_add_article_requires_a_staff_permission(client, db):
    response = client.get("/articles/add/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_add_article_saves_extracts_and_shows_the_events(admin_client, db):
    response = admin_client.post(
        "/articles/add/",
        {
            "new_story": "Canal watch",
            "title": "Ship stuck",
            "source": "Meridian Wire",
            "url": "https://example.org/ship-stuck",
            "published": "2021-03-24",
            "language": "en",
            "text": "The Ever Given ran aground on Tuesday. Salvors will try again on Friday.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "with 2 dated events" in html
    assert "23 March 2021" in html and "26 March 2021" in html
    # Posting the same URL again adds nothing.
    again = admin_client.post(
        "/articles/add/",
        {
            "new_story": "Canal watch",
            "title": "Ship stuck",
            "url": "https://example.org/ship-stuck",
            "published": "2021-03-24",
            "language": "en",
            "text": "Different text on Tuesday.",
        },
        follow=True,
    )
    assert "already in the timeline" in again.content.decode()
    assert Event.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("published", "not a date", "Enter a valid date"),
        ("published", "2999-01-01", "not in the future"),
        ("text", "   ", "This field is required"),
        ("url", "javascript:alert(1)", "Enter a valid URL"),
    ],
)
def test_add_article_rejects_bad_input_with_a_clear_message(admin_client, field, value, message):
    data = {
        "new_story": "Canal watch",
        "title": "Ship stuck",
        "published": "2021-03-24",
        "language": "en",
        "text": "The ship ran aground on Tuesday.",
        field: value,
    }
    response = admin_client.post("/articles/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Event.objects.exists()


def test_add_article_extracts_a_spanish_article(admin_client, db):
    response = admin_client.post(
        "/articles/add/",
        {
            "new_story": "Canal",
            "title": "Buque encallado",
            "published": "2021-03-25",
            "language": "es",
            "text": "El buque Ever Given encalló el martes en el canal de Suez.",
        },
        follow=True,
    )
    assert "23 March 2021" in response.content.decode()


def test_the_favicon_address_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".svg")
    assert client.get("/").content.decode().count('rel="icon"') == 1
