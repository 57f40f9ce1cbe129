"""Exports, permalinks and the embed in a real Chromium: another site frames the timeline."""

from __future__ import annotations

import csv
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SLUG, matching, matching_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def newsroom(live_server):
    """Another site (its own origin, 127.0.0.1 on another port) whose page frames the timeline.

    A real server rather than a routed page: Chromium's local-network checks only let a page
    frame a local address when that page is itself served from one.
    """
    embed_src = f"{live_server.url}/stories/{SLUG}/?embed=1"
    html = (
        "<!doctype html><html><head><title>Newsroom</title></head><body>"
        "<h1>Our coverage of the canal</h1>"
        f'<iframe name="timeline" src="{embed_src}" width="900" height="700"></iframe>'
        f'<iframe name="plain" src="{live_server.url}/stories/{SLUG}/" width="300" height="200">'
        "</iframe></body></html>"
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/canal-story.html"
    server.shutdown()
    server.server_close()


def test_another_site_embeds_the_timeline_and_a_reader_follows_an_event_permalink(
    page, demo, newsroom
):
    page.goto(newsroom)
    embed = page.frame_locator("iframe[name=timeline]")
    expect(embed.locator("li.event")).to_have_count(50)
    expect(embed.locator(".site-header")).to_have_count(0)
    expect(embed.locator(".embed-header__title")).to_have_text(demo.title)
    # The ordinary page refuses to be framed (X-Frame-Options: DENY): Chromium shows its error.
    plain = page.frame(name="plain")
    for _ in range(50):
        if plain.url.startswith("chrome-error:"):
            break
        page.wait_for_timeout(100)
    assert plain.url.startswith("chrome-error:"), plain.url
    page.screenshot(path="/tmp/embed-in-newsroom.png")

    # Filtering inside the embed goes through htmx and keeps embed=1.
    embed.locator(".filters__title").click()
    embed.locator("#id_q").press_sequentially("dredger", delay=20)
    frame = page.frame(name="timeline")
    expect(embed.locator("li.event")).to_have_count(matching(demo, q="dredger"))
    assert parse_qs(urlsplit(frame.url).query) == {"embed": ["1"], "q": ["dredger"]}, frame.url

    first = embed.locator("li.event").first
    event_id = first.get_attribute("id").removeprefix("e")
    text = first.locator(".event__text").inner_text()
    first.locator(".event__meta a.event__permalink").click()
    expect(embed.locator(".permalink__text")).to_have_text(text)
    assert re.search(rf"/stories/{SLUG}/events/{event_id}/\?embed=1$", frame.url), frame.url
    expect(embed.locator(".evidence-card strong.timex")).to_have_count(1)
    expect(embed.locator(".site-header")).to_have_count(0)
    assert page.url == newsroom, "the permalink left the iframe"
    page.screenshot(path="/tmp/embed-permalink.png")

    # And back to the timeline at that event, still inside the embed.
    embed.get_by_role("link", name="See it on the timeline").click()
    expect(embed.locator(f"li.event#e{event_id}")).to_be_visible()
    assert "embed=1" in frame.url and frame.url.endswith(f"#e{event_id}")
    expect(embed.locator(".site-header")).to_have_count(0)


def test_a_reader_downloads_the_filtered_csv_from_the_timeline(page, live_server, demo):
    page.goto(f"{live_server.url}/stories/{SLUG}/")
    csv_link = page.locator("#exports").get_by_role("link", name="CSV", exact=True)
    expect(csv_link).to_have_attribute("href", f"/stories/{SLUG}/events.csv")

    page.locator("#id_q").press_sequentially("dredger", delay=20)
    page.wait_for_url(re.compile(r"[?&]q=dredger(&|$)"))
    # The links follow the filters htmx applied.
    expect(csv_link).to_have_attribute("href", f"/stories/{SLUG}/events.csv?q=dredger")

    with page.expect_download() as info:
        csv_link.click()
    download = info.value
    assert download.suggested_filename == f"{SLUG}-events-filtered.csv"
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    # One row per report; the page shows each happening once, in the words of one report.
    assert len(rows) == matching_events(demo, q="dredger") > 0
    assert all("dredger" in row["text"].lower() for row in rows)
    # An entry matches when any of its reports does, so each row is on the page, shown as the
    # entry's text or among its reports.
    shown = page.locator("#results li.event").locator(".event__text, .report__text")
    assert {row["text"] for row in rows} <= {text.strip() for text in shown.all_text_contents()}


def test_the_export_panel_and_permalink_page_look_right(page, live_server, demo):
    page.goto(f"{live_server.url}/stories/{SLUG}/?q=canal")
    page.locator(".exports__embed summary").click()
    expect(page.locator("#embed-code")).to_be_visible()
    expect(page.get_by_role("button", name="Copy embed code")).to_be_visible()
    page.screenshot(path="/tmp/story-exports.png")
    page.locator("li.event .event__meta a.event__permalink").first.click()
    expect(page.locator(".evidence-card")).to_be_visible()
    page.screenshot(path="/tmp/event-permalink.png", full_page=True)
