"""A reader opens a timeline entry's reports in a real Chromium, and follows one to its article."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def most_reported(story):
    from timeline.models import EventGroup

    return EventGroup.objects.filter(story=story).order_by("-report_count", "date", "id").first()


def test_a_grouped_entry_discloses_every_report_and_links_to_each_article(
    page, live_server, demo, tmp_path
):
    from timeline.models import Event

    group = most_reported(demo)
    assert group.report_count >= 3
    reports = list(
        Event.objects.visible()
        .filter(group=group)
        .select_related("source", "article")
        .order_by("article__published", "article_id", "sentence_start", "id")
    )
    page.goto(f"{live_server.url}/stories/{demo.slug}/?start={group.date.isoformat()}")
    entry = page.locator(f"li.event:has(#entry-{group.pk})")
    expect(entry).to_have_count(1)
    expect(entry.locator(".event__text")).to_have_text(group.text)
    expect(entry.locator(".event__sources")).to_have_text(f"{group.source_count} sources")
    first = reports[0]
    expect(entry.locator(".event__first")).to_contain_text(
        f"first reported by {first.source.name} on {first.article.published:%-d %B %Y}"
    )

    report_items = entry.locator("details.reports li.report")
    expect(report_items.first).to_be_hidden()  # closed until the reader asks
    entry.locator("details.reports summary").click()
    expect(report_items).to_have_count(len(reports))
    expect(entry.locator(".report__text")).to_have_text([r.text for r in reports])
    expect(report_items.first).to_be_visible()
    entry.screenshot(path=str(tmp_path / "entry.png"))

    last = reports[-1]
    entry.locator(f"#report-{last.pk} a.event__article").click()
    page.wait_for_url(re.compile(rf"/articles/{last.article_id}/#event-{last.pk}$"))
    expect(page.locator(f"#event-{last.pk}")).to_be_in_viewport()


def test_sources_that_disagree_are_flagged_on_the_timeline(page, live_server, demo):
    import datetime as dt

    from timeline import services
    from timeline.models import Event

    group = most_reported(demo)
    report = Event.objects.filter(group=group).select_related("source").order_by("-id").first()
    # An editor corrects one report to the day after: the entry's sources now disagree.
    report.date, report.precision, report.end_date = group.date + dt.timedelta(days=1), "day", None
    services.event_save_edit(event=report, changed_fields=["date", "precision", "end_date"])
    group.refresh_from_db()
    assert group.sources_disagree

    page.goto(f"{live_server.url}/stories/{demo.slug}/?start={group.date.isoformat()}")
    flag = page.locator(f"li.event:has(#entry-{group.pk}) .event__disagree")
    expect(flag).to_be_visible()
    expect(flag).to_contain_text("Sources disagree")
    expect(flag.locator("li").last).to_contain_text(report.source.name)


def test_a_report_permalink_lands_on_its_entry_laid_out_like_any_other(page, live_server, demo):
    entry = most_reported(demo)
    other = next(r for r in entry.events.all() if r.pk != entry.canonical_event_id)
    page.goto(f"{live_server.url}/stories/{demo.slug}/events/{other.pk}/")
    page.get_by_role("link", name="See it on the timeline").click()
    page.wait_for_url(re.compile(rf"#e{other.pk}$"))
    shown = page.locator(f"li.event:has(#e{other.pk})")
    expect(shown).to_have_count(1)
    expect(shown.locator(".event__text")).to_be_in_viewport()
    # The entry's anchors for its other reports take no room: its text is as wide as any other.
    widths = page.locator("li.event .event__body").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().width))"
    )
    assert len(set(widths)) == 1, widths
