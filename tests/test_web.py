"""Reading web pages and feeds: main text, dates, title and site name; no date is never today."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.local_server import article_page
from timeline import web
from timeline.fetching import FetchPolicy

LOCAL = FetchPolicy(allowed_networks=("127.0.0.1/32",))


def test_a_page_gives_its_main_text_title_site_name_and_dates():
    draft = web.page_draft(
        article_page(published="2021-03-24T10:00:00Z", modified="2021-03-26T08:00:00Z"),
        url="https://news.example.org/ship",
    )
    assert draft.title == "Ship blocks canal"
    assert draft.source == "Meridian Wire"
    assert draft.url == "https://news.example.org/ship"
    assert draft.published == dt.date(2021, 3, 24)
    assert draft.modified == dt.date(2021, 3, 26)
    assert draft.text.startswith("The container ship Ever Given ran aground")
    assert "\n\nTugboats worked" in draft.text  # one paragraph per block, blank-line separated
    assert "Home" not in draft.text and "©" not in draft.text  # navigation and footer left out


def test_the_canonical_link_is_the_url_when_the_page_is_read_from_a_file():
    draft = web.page_draft(article_page(canonical="https://news.example.org/canonical"))
    assert draft.url == "https://news.example.org/canonical"


def test_a_date_in_the_url_dates_a_page_without_date_metadata():
    draft = web.page_draft(
        article_page(published=None), url="https://news.example.org/2021/03/24/ship-blocks-canal"
    )
    assert draft.published == dt.date(2021, 3, 24)


def test_a_page_without_a_publication_date_is_refused_rather_than_dated_today():
    draft = web.page_draft(article_page(published=None), url="https://news.example.org/ship")
    assert draft.published is None
    with pytest.raises(web.NoPublicationDate, match="no publication date") as caught:
        web.draft_article(draft)
    assert caught.value.draft.title == "Ship blocks canal"  # nothing found is lost


def test_a_date_given_by_the_editor_wins_over_the_pages():
    draft = web.page_draft(article_page(published="2021-03-24"))
    assert web.draft_article(draft, published=dt.date(2021, 3, 25)).published == dt.date(
        2021, 3, 25
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "the page is empty"),
        (b"<html><body><p>Accept cookies?</p></body></html>", "no article text"),
        (
            b"<html><body><nav><a href='/a'>A</a><a href='/b'>B</a></nav></body></html>",
            "no article",
        ),
    ],
)
def test_a_page_without_an_article_is_a_clear_error(body, message):
    with pytest.raises(web.PageError, match=message):
        web.page_draft(body)


def test_html_in_a_page_title_stays_text():
    draft = web.page_draft(article_page(title="Ship &lt;script&gt;alert(1)&lt;/script&gt; blocks"))
    assert draft.title == "Ship <script>alert(1)</script> blocks"


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Meridian Wire: shipping</title>
<link>https://news.example.org/</link><description>Shipping news</description>
<item><title>Ship blocks canal</title><link>https://news.example.org/ship</link>
<pubDate>Wed, 24 Mar 2021 10:00:00 GMT</pubDate>
<description>&lt;p&gt;The ship ran aground on &lt;b&gt;Tuesday&lt;/b&gt;.&lt;/p&gt;
&lt;p&gt;Second.&lt;/p&gt;</description>
</item>
<item><title>No link</title><description>Only text</description></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Ledger</title>
<id>urn:x-harbour</id><updated>2021-03-29T12:00:00Z</updated>
<entry><title>Ship refloated</title><id>urn:x-harbour:1</id>
<link href="https://ledger.example.net/refloated"/><updated>2021-03-29T12:00:00Z</updated>
<content type="html">&lt;p&gt;Salvage teams refloated the ship on Monday.&lt;/p&gt;
</content></entry>
</feed>"""


def test_an_rss_feed_gives_its_title_and_entries_with_links_dates_and_plain_text():
    feed = web.feed_parse(RSS, url="https://news.example.org/rss")
    assert feed.title == "Meridian Wire: shipping"
    first, second = feed.entries
    assert first.link == "https://news.example.org/ship"
    assert first.published == dt.date(2021, 3, 24)
    assert first.text == "The ship ran aground on Tuesday.\n\nSecond."
    assert second.link == "" and second.published is None


def test_an_atom_feed_reads_the_same_way():
    feed = web.feed_parse(ATOM, url="https://ledger.example.net/atom")
    (entry,) = feed.entries
    assert (entry.title, entry.link, entry.published) == (
        "Ship refloated",
        "https://ledger.example.net/refloated",
        dt.date(2021, 3, 29),
    )
    assert entry.text == "Salvage teams refloated the ship on Monday."


@pytest.mark.parametrize("body", [b"<html><body>Not a feed</body></html>", b"\x00\x01garbage"])
def test_bytes_that_are_not_a_feed_are_a_clear_error(body):
    with pytest.raises(web.PageError, match="not an RSS or Atom feed"):
        web.feed_parse(body, url="https://example.org/feed")


def test_a_page_is_fetched_and_read_from_the_local_server(local_server):
    url = local_server.serve("/ship", body=article_page())
    draft, fetched = web.url_draft(url, policy=LOCAL)
    assert fetched.status == 200
    assert draft.url == url and draft.published == dt.date(2021, 3, 24)
