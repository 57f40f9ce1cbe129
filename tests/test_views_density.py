"""The density chart on the timeline page: what a reader sees, the links, the htmx fragment."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from urllib.parse import parse_qs

import pytest

pytestmark = pytest.mark.django_db

REPORTS = [
    ("The ship ran aground in the canal on 23 March 2021.", "Meridian Wire"),
    ("Tugboats pulled at the ship on 24 March 2021.", "Meridian Wire"),
    ("Dredgers dug around the bow on 24 March 2021.", "Harbour Ledger"),
    ("Salvage teams refloated the ship on 29 March 2021.", "Harbour Ledger"),
]


@pytest.fixture
def chart_story(story, ingest):
    for text, source in REPORTS:
        ingest(text, published=dt.date(2021, 4, 1), source=source)
    return story


def results_of(content: bytes) -> str:
    return content.decode().split('id="results"', 1)[1]


def chart_of(html: str) -> str:
    match = re.search(r'<figure class="density".*?</figure>', html, re.S)
    assert match, "no density chart on the page"
    return match.group(0)


def bar_links(html: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(html_lib.unescape(href))
        for href in re.findall(r'<a class="density__bar" href="\?([^"]*)"', chart_of(html))
    ]


def test_the_timeline_shows_an_accessible_svg_chart_above_the_events(client, chart_story):
    html = client.get("/stories/suez/").content.decode()
    chart = chart_of(html)
    assert html.index('class="density"') < html.index('class="timeline"')
    assert 'role="img"' in chart and 'aria-labelledby="density-title density-desc"' in chart
    assert '<title id="density-title">Reports per day, 23 March 2021 to 29 March 2021</title>' in (
        chart
    )
    assert "4 reports in 7 bars of one day" in chart
    assert "<title>24 March 2021: 2 reports</title>" in chart
    assert "<title>23 March 2021: 1 report</title>" in chart
    assert "23 Mar 2021" in chart and "29 Mar 2021" in chart  # the axis labels
    assert "busiest: 24 March 2021 (2 reports)" in chart
    assert "style=" not in chart  # a Content-Security-Policy will forbid inline styles


def test_each_bar_is_a_real_link_that_narrows_the_dates_and_keeps_the_other_filters(
    client, chart_story
):
    html = client.get("/stories/suez/", {"source": "meridian-wire"}).content.decode()
    links = bar_links(html)
    assert links == [
        {"source": ["meridian-wire"], "start": ["2021-03-23"], "end": ["2021-03-23"]},
        {"source": ["meridian-wire"], "start": ["2021-03-24"], "end": ["2021-03-24"]},
    ]
    chart = chart_of(html)
    assert chart.count('hx-target="#results"') == 2
    assert chart.count('hx-push-url="true"') == 2
    assert 'hx-get="?start=2021-03-24&amp;end=2021-03-24&amp;source=meridian-wire"' in chart


def test_following_a_bar_link_shows_only_that_days_events(client, chart_story):
    first = client.get("/stories/suez/").content.decode()
    narrowed = next(link for link in bar_links(first) if link["start"] == ["2021-03-24"])
    html = client.get("/stories/suez/", {k: v[0] for k, v in narrowed.items()}).content.decode()
    assert "Tugboats pulled" in html and "Dredgers dug" in html
    assert "ran aground" not in html and "refloated" not in html
    assert 'value="2021-03-24"' in html  # the form shows the narrowed dates


def test_the_htmx_fragment_carries_the_chart_for_the_new_filters(client, chart_story):
    response = client.get("/stories/suez/", {"q": "ship"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    chart = chart_of(html)
    assert "3 reports in 7 bars of one day" in chart
    assert all(link["q"] == ["ship"] for link in bar_links(html))


def test_load_more_appends_events_without_another_chart(client, chart_story, settings):
    settings.TIMELINE_PAGE_SIZE = 2
    first = client.get("/stories/suez/").content.decode()
    cursor = first.split("after=")[1].split('"')[0]
    more = client.get(f"/stories/suez/?after={cursor}", headers={"HX-Request": "true"})
    assert 'class="density"' not in more.content.decode()


def test_no_chart_when_nothing_matches(client, chart_story):
    html = client.get("/stories/suez/", {"q": "zeppelin"}).content.decode()
    assert "No events match" in html
    assert 'class="density"' not in html


def test_the_chart_escapes_what_the_reader_typed(client, chart_story):
    html = client.get("/stories/suez/", {"q": 'ship "><script>alert(1)</script>'}).content
    assert b"<script>alert(1)" not in html


def test_the_chart_adds_one_query_to_the_page_and_to_the_fragment_until_cached(
    client, chart_story, django_assert_num_queries
):
    # Story, entity and source choices with counts (one query), the entries page, their
    # reports, the reports' names and the chart.
    with django_assert_num_queries(6):
        first = client.get("/stories/suez/").content
    # Until the story changes, the page's drawn form, chart and events come from the cache:
    # only the story is read.
    with django_assert_num_queries(1):
        again = client.get("/stories/suez/").content
    assert results_of(again) == results_of(first)  # the page's nonce differs, nothing else
    # The fragment: story, the matching reports per day (chart, and how to find the
    # entries), entries (drawn by the page already: their reports are not read); then the
    # story alone.
    with django_assert_num_queries(3):
        fragment = client.get("/stories/suez/", {"q": "ship"}, headers={"HX-Request": "true"})
    with django_assert_num_queries(1):
        repeated = client.get("/stories/suez/", {"q": "ship"}, headers={"HX-Request": "true"})
    assert repeated.content == fragment.content
