"""A reader and an editor use the timeline in a real Chromium, against a live server."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SLUG, matching

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_SIZE = 50


def events(page):
    return page.locator("#results li.event")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def entry_texts(page) -> list[str]:
    """Each entry's text with its reports' sentences and sources (shown or in the disclosure)."""
    return events(page).evaluate_all(
        "els => els.map(e => [...e.querySelectorAll("
        "'.event__text, .report__text, .event__source, .event__first')]"
        ".map(t => t.textContent).join(' ').toLowerCase())"
    )


def search(page, word: str) -> None:
    """Type into the search box like a person; htmx fires after its 350 ms debounce."""
    page.locator("#id_q").press_sequentially(word, delay=20)
    page.wait_for_url(re.compile(rf"[?&]q={word}(&|$)"))


def test_typing_a_filter_updates_the_list_in_place_and_the_url(page, story_url, demo):
    page.goto(story_url)
    expect(events(page)).to_have_count(PAGE_SIZE)
    before = events(page).count()
    page.evaluate("window.__marker = 42")

    search(page, "dredger")

    expected = matching(demo, q="dredger")
    assert 0 < expected < before
    expect(events(page)).to_have_count(expected)
    for text in entry_texts(page):
        assert "dredger" in text
    assert page.evaluate("window.__marker") == 42, "the page was reloaded instead of swapped"
    # static/timeline.js drops the empty fields, so the shared URL carries only what was set.
    assert query_of(page.url) == {"q": ["dredger"]}, page.url
    expect(page.locator("#id_q")).to_have_value("dredger")


def test_going_back_restores_the_previous_results_and_form(page, story_url, demo):
    page.goto(story_url)
    expect(events(page)).to_have_count(PAGE_SIZE)
    unfiltered = events(page).evaluate_all("els => els.map(e => e.id)")
    page.evaluate("window.__marker = 42")
    search(page, "dredger")
    filtered_count = matching(demo, q="dredger")
    expect(events(page)).to_have_count(filtered_count)
    filtered = events(page).evaluate_all("els => els.map(e => e.id)")

    page.go_back()
    page.wait_for_url(story_url)
    expect(events(page)).to_have_count(PAGE_SIZE)
    assert events(page).evaluate_all("els => els.map(e => e.id)") == unfiltered
    expect(page.locator("#id_q")).to_have_value("")
    assert page.evaluate("window.__marker") == 42, "Back reloaded the whole page"

    page.go_forward()
    page.wait_for_url(re.compile(r"[?&]q=dredger(&|$)"))
    expect(events(page)).to_have_count(filtered_count)
    assert events(page).evaluate_all("els => els.map(e => e.id)") == filtered
    expect(page.locator("#id_q")).to_have_value("dredger")

    # The restored form still works: a further search goes through htmx again.
    page.locator("#id_q").fill("")
    search(page, "refloat")
    expect(events(page)).to_have_count(matching(demo, q="refloat"))


def test_the_filtered_url_works_without_javascript(browser, live_server, demo):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/stories/{SLUG}/?q=dredger")
        expect(page.locator("html.js")).to_have_count(0)  # timeline.js did not run
        expect(events(page)).to_have_count(matching(demo, q="dredger"))
        for text in entry_texts(page):
            assert "dredger" in text
        expect(page.locator("#id_q")).to_have_value("dredger")

        page.locator("#id_q").fill("refloat")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url(re.compile(r"[?&]q=refloat(&|$)"))
        expected = matching(demo, q="refloat")
        expect(events(page)).to_have_count(expected)
        for text in entry_texts(page):
            assert "refloat" in text
        expect(page.locator(".results-summary")).to_contain_text(f"{expected} events")
    finally:
        context.close()


def _period(value: str) -> tuple[dt.date, dt.date]:
    """The days a <time datetime> value covers: 2021, 2021-04, 2021-W14 or 2021-04-03."""
    if re.fullmatch(r"\d{4}", value):
        return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", value):
        monday = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday, monday + dt.timedelta(days=6)
    if m := re.fullmatch(r"(\d{4})-(\d{2})", value):
        first = dt.date(int(m[1]), int(m[2]), 1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return first, following - dt.timedelta(days=1)
    day = dt.date.fromisoformat(value)
    return day, day


def test_selecting_a_source_and_dates_filters(page, story_url, demo):
    from timeline.models import Source

    start, end = dt.date(2021, 4, 1), dt.date(2021, 4, 30)
    # A source that reported something in April 2021, so both steps narrow the list.
    source = next(
        s for s in Source.objects.order_by("name") if matching(demo, source=s, start=start, end=end)
    )
    slug = source.slug
    page.goto(story_url)
    expect(events(page)).to_have_count(PAGE_SIZE)

    page.select_option("#id_source", value=slug)
    page.wait_for_url(re.compile(rf"[?&]source={slug}(&|$)"))
    assert query_of(page.url) == {"source": [slug]}
    count = matching(demo, source=source)
    assert 0 < count < PAGE_SIZE
    expect(events(page)).to_have_count(count)
    assert all(source.name.lower() in text for text in entry_texts(page))

    page.fill("#id_start", "2021-04-01")
    page.fill("#id_end", "2021-04-30")
    page.wait_for_url(re.compile(r"end=2021-04-30"))
    assert query_of(page.url) == {
        "source": [slug],
        "start": ["2021-04-01"],
        "end": ["2021-04-30"],
    }, page.url
    in_range = matching(demo, source=source, start=start, end=end)
    assert 0 < in_range < count
    expect(events(page)).to_have_count(in_range)
    assert all(source.name.lower() in text for text in entry_texts(page))
    stamps = (
        events(page).locator("time.event__date").evaluate_all("els => els.map(e => e.dateTime)")
    )
    assert "2015" not in stamps
    for stamp in stamps:
        first, last = _period(stamp)
        assert first <= end and last >= start, f"{stamp} is outside April 2021"
    # The form shows what is applied.
    expect(page.locator("#id_start")).to_have_value("2021-04-01")
    expect(page.locator("#id_end")).to_have_value("2021-04-30")


def test_load_more_appends_events(page, story_url, demo):
    total = matching(demo)
    assert total > PAGE_SIZE
    page.goto(story_url)
    expect(events(page)).to_have_count(PAGE_SIZE)

    page.locator("#load-more").get_by_role("link", name="Load more events").click()
    expect(events(page)).to_have_count(min(total, 2 * PAGE_SIZE))
    ids = events(page).evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)), "an event was listed twice"
    # The appended page continues the same year and month instead of repeating their headings.
    years = page.locator("#results .year-heading").all_inner_texts()
    months = page.locator("#results .month-heading").all_inner_texts()
    assert len(years) == len(set(years)), years
    assert len(months) == len(set(months)), months

    shown = min(total, 2 * PAGE_SIZE)
    while shown < total:
        page.locator("#load-more").get_by_role("link", name="Load more events").click()
        shown = min(total, shown + PAGE_SIZE)
        expect(events(page)).to_have_count(shown)
    expect(page.locator("#load-more")).to_have_count(0)
    ids = events(page).evaluate_all("els => els.map(e => e.id)")
    assert len(ids) == len(set(ids)) == total
    expect(page.locator(".results-summary")).to_contain_text("showing the first 50")


def test_opening_an_event_shows_its_sentence_highlighted_in_the_article(page, story_url, demo):
    page.goto(story_url)
    link = events(page).first.locator("a.event__article")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(r"/articles/\d+/#event-\d+$"))
    anchor = urlsplit(page.url).fragment
    assert anchor == href.split("#", 1)[1]

    target = page.locator(f"#{anchor}")
    expect(target).to_be_visible()
    expect(target).to_be_in_viewport()
    # The sentence is highlighted: the target <mark> (or the <mark> holding the target, when
    # several events share a sentence), and the date expression is in the highlighted sentence.
    mark = page.locator(f"mark.evidence#{anchor}, mark.evidence:has(> #{anchor})")
    expect(mark).to_have_count(1)
    expect(mark).to_have_css("background-color", "rgb(255, 216, 107)")  # the :target highlight
    sentence_timexes = mark.evaluate(
        """m => {
            const out = [];
            for (let el = m; el && el.matches('mark.evidence') && el.title === m.title;
                 el = el.nextElementSibling) {
                out.push(...[...el.querySelectorAll('strong.timex')].map(t => t.textContent));
            }
            return out;
        }"""
    )
    assert sentence_timexes, "the date expression is not highlighted in the event's sentence"
    page.screenshot(path="/tmp/article-page.png", full_page=False)


def test_the_targeted_highlight_covers_the_date_expression(page, story_url, demo):
    page.goto(story_url)
    page.locator("li.event a.event__article").first.click()
    page.wait_for_url(re.compile(r"#event-\d+$"))
    anchor = urlsplit(page.url).fragment
    mark = page.locator(f"mark.evidence#{anchor}")
    expect(mark).to_be_visible()
    expect(mark.locator("strong.timex")).to_have_count(1, timeout=1_000)


def test_an_editor_changes_an_event_date_in_admin_and_the_timeline_shows_it(
    page, live_server, demo
):
    from django.contrib.auth import get_user_model

    from timeline.models import Event, Precision

    get_user_model().objects.create_superuser("editor", "", "pw-for-tests-only-123")
    event = (
        Event.objects.visible()
        # A report alone in its entry, so the entry shows its date.
        .filter(story=demo, precision=Precision.DAY, end_date__isnull=True, group__report_count=1)
        .exclude(date=dt.date(2021, 6, 15))
        .order_by("date", "id")
        .first()
    )
    assert event is not None and "date" not in event.edited_fields

    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-for-tests-only-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/timeline/event/{event.pk}/change/")
    page.fill("#id_date", "2021-06-15")
    page.locator("input[name=_save]").click()
    page.wait_for_url(f"{live_server.url}/admin/timeline/event/")
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(f"{live_server.url}/stories/{SLUG}/?start=2021-06-15&end=2021-06-15")
    item = page.locator(f"li.event#e{event.pk}")
    expect(item).to_be_visible()
    expect(item.locator(".event__text")).to_have_text(event.text)
    expect(item.locator("time")).to_have_text("15 June 2021")
    expect(item.locator("time")).to_have_attribute("datetime", "2021-06-15")

    event.refresh_from_db()
    assert event.date == dt.date(2021, 6, 15)
    assert "date" in event.edited_fields


def test_invalid_filter_shows_a_friendly_message(page, story_url, demo):
    page.goto(f"{story_url}?start=not-a-date")
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text("Some filters were ignored")
    expect(notice).to_contain_text("Enter a date as YYYY-MM-DD.")
    expect(events(page)).to_have_count(PAGE_SIZE)


def test_the_layout_works_on_a_phone(browser, story_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(story_url)
        expect(events(page)).to_have_count(PAGE_SIZE)
        page.screenshot(path="/tmp/story-phone.png")
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll_width <= inner_width + 1, f"{scroll_width}px wide in a {inner_width}px window"
        # Nothing on the page pokes out to the right either (overflow hidden would mask it).
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                .map(el => el.tagName + '.' + el.className).slice(0, 5)"""
        )
        assert wide == []
    finally:
        context.close()


def test_desktop_screenshot_of_the_story(page, story_url):
    page.goto(story_url)
    expect(events(page)).to_have_count(PAGE_SIZE)
    page.screenshot(path="/tmp/story-desktop.png")
