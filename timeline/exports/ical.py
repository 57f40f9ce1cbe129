"""A story's timeline as an iCalendar feed: one all-day event per timeline entry, spanning the
days its date covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import icalendar

from timeline.exports.records import (
    LISTED_REPORTS,
    Links,
    day_month_year,
    entry_entity_names,
)
from timeline.models import Event, EventGroup, Precision, Story

# How often a subscribed calendar should look again (RFC 7986, and the older Outlook property).
REFRESH = dt.timedelta(hours=6)


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def ical_days(event: Event | EventGroup) -> tuple[dt.date, dt.date]:
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


def ical_uid(entry: EventGroup, host: str) -> str:
    return f"entry-{entry.pk}@{host}"


def _report_line(report: Event) -> str:
    published = day_month_year(report.article.published)
    if report.source_id:
        return f"{report.source.name} in “{report.article.title}”, {published}"
    return f"“{report.article.title}”, {published}"


def ical_event(entry: EventGroup, links: Links, host: str) -> icalendar.Event:
    """One timeline entry as an all-day event; what the reports say goes in its description."""
    reports = entry.reports
    canonical = entry.canonical_report
    start, end = ical_days(entry)
    changed = max([entry.updated_at, *(report.updated_at for report in reports)])
    vevent = icalendar.Event()
    vevent.add("uid", ical_uid(entry, host))
    vevent.add("dtstamp", changed)
    vevent.add("created", entry.created_at)
    vevent.add("last-modified", changed)
    # Seconds from the entry's creation to its latest change: grows with every change, as
    # RFC 5545 wants of SEQUENCE, however reports come and go.
    vevent.add("sequence", max(0, int((changed - entry.created_at).total_seconds())))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    summary = entry.text
    if entry.precision != Precision.DAY:
        # The calendar shows the span; the label says how much of it is known.
        summary = f"{entry.date_label}: {summary}"
    vevent.add("summary", summary)
    lines = [entry.text, ""]
    if canonical is not None:
        lines.append(f"Date: {entry.date_label} (from “{canonical.timex_text}”)")
    heading = "Reported by" if len(reports) == 1 else f"Reported in {len(reports)} articles:"
    if len(reports) == 1:
        lines.append(f"{heading} {_report_line(reports[0])}")
    else:
        lines.append(heading)
        lines.extend(f"- {_report_line(report)}" for report in reports[:LISTED_REPORTS])
        if len(reports) > LISTED_REPORTS:
            lines.append(f"- and {len(reports) - LISTED_REPORTS} more")
    if entry.sources_disagree:
        versions = "; ".join(
            f"{label} ({', '.join(names)})" for label, names in entry.date_versions
        )
        lines.append(f"Sources disagree on the date: {versions}")
    if names := entry_entity_names(entry):
        lines.append(f"Named: {', '.join(names)}")
    if canonical is not None:
        if note := canonical.correction_note:
            lines.append(note)
        lines.append(links.permalink(canonical))
        vevent.add("url", links.permalink(canonical))
    vevent.add("description", "\n".join(lines))
    vevent.add("transp", "TRANSPARENT")  # a news event does not make anyone busy
    verified = any(report.status == Event.Status.VERIFIED for report in reports)
    vevent.add("status", "CONFIRMED" if verified else "TENTATIVE")
    if sources := [report.source.name for report in reports if report.source_id]:
        vevent.add("categories", list(dict.fromkeys(sources)))
    return vevent


def ical_chunks(
    *, story: Story, entries: Iterable[EventGroup], links: Links, host: str, query: str
) -> Iterator[bytes]:
    """The calendar, streamed: its header, one VEVENT per entry at a time, then its end."""
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
    for entry in entries:
        yield ical_event(entry, links, host).to_ical()
    yield closing
