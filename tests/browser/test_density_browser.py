"""A reader narrows the timeline by clicking a bar of the density chart, in a real Chromium."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SLUG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def entries_matching(story, **filters) -> int:
    """How many timeline entries match (an entry matches when any of its reports does)."""
    from timeline.selectors import TimelineFilters, story_entries

    return story_entries(story=story, filters=TimelineFilters(**filters)).count()


def chart_title(page) -> str:
    return page.locator("#density-title").text_content()


def test_clicking_a_bar_narrows_the_results_and_the_url_in_place_and_back_restores(
    page, story_url, demo
):
    page.goto(story_url)
    expect(page.locator(".density svg[role=img]")).to_be_visible()
    weekly = chart_title(page)
    assert weekly.startswith("Reports per week")
    unfiltered = page.locator("#results li.event").evaluate_all("els => els.map(e => e.id)")
    page.evaluate("window.__marker = 42")

    bar = page.locator("a.density__bar", has=page.locator("title", has_text="week of 22 March"))
    href = bar.get_attribute("href")
    narrowed = {k: v[0] for k, v in parse_qs(href.lstrip("?")).items()}
    assert narrowed == {"start": "2021-03-22", "end": "2021-03-28"}
    bar.click()

    page.wait_for_url(re.compile(r"start=2021-03-22&end=2021-03-28"))
    expected = entries_matching(demo, start=dt.date(2021, 3, 22), end=dt.date(2021, 3, 28))
    assert 0 < expected < len(unfiltered)
    expect(page.locator("#results li.event")).to_have_count(expected)
    expect(page.locator("#density-title")).to_have_text(
        "Reports per day, 22 March 2021 to 28 March 2021"
    )
    # The form follows the chart, so the next filter keeps the narrowed dates.
    expect(page.locator("#id_start")).to_have_value("2021-03-22")
    expect(page.locator("#id_end")).to_have_value("2021-03-28")
    assert page.evaluate("window.__marker") == 42, "the page was reloaded instead of swapped"

    page.go_back()
    page.wait_for_url(story_url)
    expect(page.locator("#density-title")).to_have_text(weekly)
    assert page.locator("#results li.event").evaluate_all("els => els.map(e => e.id)") == (
        unfiltered
    )
    expect(page.locator("#id_start")).to_have_value("")


def test_a_bar_works_as_a_plain_link_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/stories/{SLUG}/")
        page.locator(
            "a.density__bar", has=page.locator("title", has_text="week of 22 March")
        ).click()
        page.wait_for_url(re.compile(r"start=2021-03-22"))
        assert parse_qs(urlsplit(page.url).query) == {
            "start": ["2021-03-22"],
            "end": ["2021-03-28"],
        }
        expect(page.locator("#id_start")).to_have_value("2021-03-22")
        expect(page.locator("#density-title")).to_contain_text("Reports per day")
    finally:
        context.close()


def test_the_chart_reads_well_on_a_phone(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/stories/{SLUG}/")
        chart = page.locator(".density")
        box = chart.bounding_box()
        assert box["width"] <= 390, "the chart makes the page scroll sideways"
        svg = page.locator(".density svg").bounding_box()
        assert svg["height"] >= 70
        # Labels are HTML, so they keep their size however narrow the chart gets.
        size = page.locator(".density__axis span").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 12
    finally:
        context.close()
