"""A story's events as an iCalendar feed: all-day events spanning the days each date covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import icalendar

from timeline.exports.records import Links, entity_names, source_name
from timeline.models import Event, Precision, Story

# How often a subscribed calendar should look again (RFC 7986, and the older Outlook property).
REFRESH = dt.timedelta(hours=6)


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def ical_days(event: Event) -> tuple[dt.date, dt.date]:
    """The first day and the exclusive end day (DTEND) of the period the event's date covers.

    A day is one all-day event; a week, month, quarter or year is an all-day span over all of
    its days, so a calendar never shows "some time in March" as the 1st of March.
    """
    start, last = event.date, event.end_date or event.date
    match event.precision:
        case Precision.WEEK:
            start = start - dt.timedelta(days=start.weekday())
            return start, last - dt.timedelta(days=last.weekday()) + dt.timedelta(days=7)
        case Precision.MONTH:
            return _first_of_month(start), _next_month(last)
        case Precision.QUARTER:
            first = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
            last_month = dt.date(last.year, (last.month - 1) // 3 * 3 + 3, 1)
            return first, _next_month(last_month)
        case Precision.YEAR:
            return dt.date(start.year, 1, 1), dt.date(last.year + 1, 1, 1)
        case _:
            return start, last + dt.timedelta(days=1)


def ical_uid(event: Event, host: str) -> str:
    return f"event-{event.pk}@{host}"


def ical_event(event: Event, links: Links, host: str) -> icalendar.Event:
    start, end = ical_days(event)
    vevent = icalendar.Event()
    vevent.add("uid", ical_uid(event, host))
    vevent.add("dtstamp", event.updated_at)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.version - 1)
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    summary = event.text
    if event.precision != Precision.DAY:
        # The calendar shows the span; the label says how much of it is known.
        summary = f"{event.date_label}: {summary}"
    vevent.add("summary", summary)
    lines = [event.text, ""]
    source = source_name(event)
    lines.append(
        f"Reported by {source} in “{event.article.title}”" if source else event.article.title
    )
    lines.append(f"Date: {event.date_label} (from “{event.timex_text}”)")
    if names := entity_names(event):
        lines.append(f"Named: {', '.join(names)}")
    if note := event.correction_note:
        lines.append(note)
    lines.append(links.permalink(event))
    vevent.add("description", "\n".join(lines))
    vevent.add("url", links.permalink(event))
    vevent.add("transp", "TRANSPARENT")  # a news event does not make anyone busy
    vevent.add("status", "CONFIRMED" if event.status == Event.Status.VERIFIED else "TENTATIVE")
    if source:
        vevent.add("categories", [source])
    return vevent


def ical_chunks(
    *, story: Story, events: Iterable[Event], links: Links, host: str, query: str
) -> Iterator[bytes]:
    """The calendar, streamed: its header, one VEVENT at a time, then its end."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//News timeline//Story events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Text values are named explicitly so commas and semicolons in a title are escaped.
    calendar.add("name", icalendar.vText(story.title))
    calendar.add("x-wr-calname", icalendar.vText(story.title))
    description = story.description or f"Dated events of “{story.title}”"
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", icalendar.vText(description))
    calendar.add("url", links.story_page(query))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    closing = b"END:VCALENDAR\r\n"
    # icalendar writes whole components; the calendar's own lines go first and its END last,
    # with the events serialised one by one between them.
    yield calendar.to_ical().removesuffix(closing)
    for event in events:
        yield ical_event(event, links, host).to_ical()
    yield closing
