"""Feeds: conditional fetching, new entries become articles once, errors are kept per entry."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.local_server import article_page
from timeline import services
from timeline.models import Article, Feed

pytestmark = pytest.mark.django_db

LONG_SUMMARY = (
    "Salvage teams refloated the Ever Given on Monday after six days wedged across the canal, "
    "and the canal authority said traffic would resume on Tuesday once the ship had been "
    "inspected in the Great Bitter Lake, where it was moved on Monday afternoon."
)


def rss(server, *items: tuple[str, str, str, str]) -> bytes:
    """An RSS document whose items are (title, path or '', pubDate, description)."""
    parts = []
    for title, path, date, description in items:
        link = f"<link>{server.url(path)}</link>" if path else ""
        pub = f"<pubDate>{date}</pubDate>" if date else ""
        parts.append(
            f"<item><title>{title}</title>{link}{pub}<description>{description}</description></item>"
        )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Meridian Wire</title>'
        f"<link>{server.url('/')}</link>{''.join(parts)}</channel></rss>"
    ).encode()


@pytest.fixture
def fetch_locally(settings):
    settings.TIMELINE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def feed_server(local_server, fetch_locally):
    local_server.serve("/ship", body=article_page())
    local_server.serve(
        "/refloated",
        body=article_page(
            title="Ship refloated",
            published="2021-03-29",
            paragraphs=(LONG_SUMMARY, "Shipping lines said the backlog would take days to clear."),
        ),
    )
    local_server.serve(
        "/rss",
        body=rss(
            local_server,
            ("Ship blocks canal", "/ship", "Wed, 24 Mar 2021 10:00:00 GMT", "Short teaser."),
            ("Ship refloated", "/refloated", "Mon, 29 Mar 2021 18:00:00 GMT", "Teaser."),
        ),
        content_type="application/rss+xml",
        etag='"feed-1"',
        headers={"Last-Modified": "Mon, 29 Mar 2021 18:00:00 GMT"},
    )
    return local_server


@pytest.fixture
def feed(story, feed_server):
    return Feed.objects.create(story=story, url=feed_server.url("/rss"))


def test_a_feeds_entries_become_articles_read_from_their_pages(feed, feed_server):
    report = services.feed_fetch(feed=feed)
    assert (report.added, report.repeated, report.errors) == (2, 0, [])
    ship = Article.objects.get(url=feed_server.url("/ship"))
    assert ship.title == "Ship blocks canal" and ship.published == dt.date(2021, 3, 24)
    assert ship.source.name == "Meridian Wire"
    assert ship.text.startswith("The container ship Ever Given ran aground")
    assert ship.events.filter(date=dt.date(2021, 3, 23)).exists()  # "on Tuesday"
    feed.refresh_from_db()
    assert feed.title == "Meridian Wire"
    assert (feed.last_status, feed.last_added, feed.last_error) == (200, 2, "")
    assert feed.etag == '"feed-1"' and feed.last_modified == "Mon, 29 Mar 2021 18:00:00 GMT"
    assert feed.last_fetched_at is not None


def test_fetching_again_asks_conditionally_and_adds_nothing(feed, feed_server):
    services.feed_fetch(feed=feed)
    report = services.feed_fetch(feed=feed)
    assert report.not_modified and report.summary.endswith("unchanged since the last fetch.")
    second = feed_server.hits("/rss")[1]
    assert second["If-None-Match"] == '"feed-1"'
    assert second["If-Modified-Since"] == "Mon, 29 Mar 2021 18:00:00 GMT"
    assert Article.objects.count() == 2
    feed.refresh_from_db()
    assert feed.last_status == 304 and feed.last_added == 0


def test_a_changed_feed_fetches_only_the_pages_it_has_not_stored(feed, feed_server):
    services.feed_fetch(feed=feed)
    feed_server.routes["/rss"].etag = '"feed-2"'  # the feed changed: no 304 this time
    report = services.feed_fetch(feed=feed)
    assert (report.added, report.repeated) == (0, 2)
    assert len(feed_server.hits("/ship")) == 1


def test_the_same_article_under_another_url_is_stored_once(feed, feed_server, story):
    feed_server.serve("/ship-copy", body=article_page())
    feed_server.serve(
        "/rss",
        body=rss(
            feed_server,
            ("Ship blocks canal", "/ship", "Wed, 24 Mar 2021 10:00:00 GMT", "x"),
            ("Ship blocks canal", "/ship-copy", "Wed, 24 Mar 2021 10:00:00 GMT", "x"),
        ),
        content_type="application/rss+xml",
    )
    report = services.feed_fetch(feed=feed)
    assert (report.added, report.repeated) == (1, 1)


def test_an_entry_whose_page_fails_falls_back_to_the_feeds_own_text(feed, feed_server):
    feed_server.serve(
        "/rss",
        body=rss(
            feed_server,
            ("Refloated", "/gone", "Mon, 29 Mar 2021 18:00:00 GMT", LONG_SUMMARY),
            ("Teaser only", "/also-gone", "Mon, 29 Mar 2021 18:00:00 GMT", "Too short."),
            ("Undated", "", "", LONG_SUMMARY + " Undated."),
        ),
        content_type="application/rss+xml",
    )
    report = services.feed_fetch(feed=feed)
    assert (report.added, report.from_feed_text) == (1, 1)
    article = Article.objects.get(url=feed_server.url("/gone"))
    assert article.text == LONG_SUMMARY and article.published == dt.date(2021, 3, 29)
    assert report.errors == [
        f"{feed_server.url('/also-gone')}: the server answered HTTP 404",
        "entry “Undated”: the entry has no link",
    ]
    feed.refresh_from_db()
    assert feed.last_error.splitlines() == report.errors


def test_an_entry_without_any_date_is_refused_not_dated_today(feed, feed_server):
    feed_server.serve("/undated", body=article_page(published=None))
    feed_server.serve(
        "/rss",
        body=rss(feed_server, ("Undated", "/undated", "", "x")),
        content_type="application/rss+xml",
    )
    report = services.feed_fetch(feed=feed)
    assert report.added == 0
    assert report.errors == [
        f"{feed_server.url('/undated')}: "
        "neither the page nor the feed entry gives a publication date"
    ]


def test_a_page_without_a_date_takes_the_feed_entrys_date(feed, feed_server):
    feed_server.serve("/undated", body=article_page(published=None))
    feed_server.serve(
        "/rss",
        body=rss(feed_server, ("Undated", "/undated", "Thu, 25 Mar 2021 09:00:00 GMT", "x")),
        content_type="application/rss+xml",
    )
    services.feed_fetch(feed=feed)
    assert Article.objects.get().published == dt.date(2021, 3, 25)


@pytest.mark.parametrize(
    ("route", "status", "message"),
    [
        ({"status": 500, "body": b"down"}, 500, "the server answered HTTP 500"),
        ({"body": b"<html><body>hi</body></html>"}, 200, "not an RSS or Atom feed"),
        ({"body": b"%PDF", "content_type": "application/pdf"}, None, "the server sent"),
    ],
)
def test_a_feed_that_cannot_be_read_records_why(feed, feed_server, route, status, message):
    feed_server.serve("/rss", **route)
    report = services.feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert feed.last_status == status
    assert message in feed.last_error and message in report.summary


def test_a_feed_on_a_private_address_is_refused_by_default(story, local_server, settings):
    settings.TIMELINE_FETCH_ALLOWED_NETWORKS = []
    settings.TIMELINE_FETCH_ALLOW_PRIVATE = False
    feed = Feed.objects.create(story=story, url=local_server.serve("/rss", body=b""))
    services.feed_fetch(feed=feed)
    feed.refresh_from_db()
    assert "loopback address 127.0.0.1, which is not fetched" in feed.last_error
    assert local_server.hits("/rss") == []


def test_the_command_fetches_active_feeds_and_is_idempotent(feed, feed_server, story):
    Feed.objects.create(story=story, url=feed_server.url("/paused"), active=False)
    out = StringIO()
    call_command("fetch_feeds", stdout=out)
    call_command("fetch_feeds", stdout=out)
    assert "Meridian Wire: 2 articles added, 0 already present, 0 problems." in out.getvalue()
    assert "Meridian Wire: unchanged since the last fetch." in out.getvalue()
    assert Article.objects.count() == 2
    assert feed_server.hits("/paused") == []


def test_the_command_fetches_one_feed_by_id_and_fails_when_it_cannot_be_read(feed, feed_server):
    feed_server.serve("/rss", status=503)
    err = StringIO()
    with pytest.raises(CommandError, match="1 feed"):
        call_command("fetch_feeds", "--feed", str(feed.pk), stdout=StringIO(), stderr=err)
    assert "HTTP 503" in err.getvalue()
    with pytest.raises(CommandError, match="No feed with id 999"):
        call_command("fetch_feeds", "--feed", "999", stdout=StringIO())


def test_the_fetch_now_admin_action_fetches_the_chosen_feeds(admin_client, feed, feed_server):
    response = admin_client.post(
        "/admin/timeline/feed/",
        {"action": "fetch_now", "_selected_action": [feed.pk]},
        follow=True,
    )
    assert "Meridian Wire: 2 articles added" in response.content.decode()
    listing = admin_client.get("/admin/timeline/feed/").content.decode()
    assert "Meridian Wire" in listing and "200" in listing


def test_editors_may_add_and_change_feeds_but_not_delete_them():
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="Editors")
        .permissions.filter(codename__endswith="_feed")
        .values_list("codename", flat=True)
    )
    assert codenames == {"view_feed", "add_feed", "change_feed"}


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://news.example.org/rss", True), ("ftp://news.example.org/rss", False)],
)
def test_the_feed_form_takes_only_web_addresses(admin_client, story, url, ok):
    response = admin_client.post(
        "/admin/timeline/feed/add/", {"url": url, "story": story.pk, "active": "on"}
    )
    assert Feed.objects.filter(url=url).exists() is ok
    if not ok:
        assert "Enter a valid URL." in response.content.decode()
