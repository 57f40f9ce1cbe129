"""How the exports write the timeline: each report as a flat CSV row or a JSON record, each
timeline entry (one happening, however many reports) as a TimelineJS slide."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from html import escape

from django.urls import reverse
from django.utils.text import Truncator

from timeline.models import (
    Event,
    EventGroup,
    Precision,
    Story,
    format_date_at_precision,
    iso_at_precision,
)

# Stands for an id in a reversed URL, so each URL is reversed once per export, not per event.
_ID = 9876543210


class Links:
    """Absolute URLs for one story on the host the export was asked from."""

    def __init__(self, *, story: Story, origin: str):  # origin: "https://example.org"
        self.story = story
        self.origin = origin
        slug = story.slug
        self._event = self._pattern(reverse("event", kwargs={"slug": slug, "pk": _ID}))
        self._article = self._pattern(reverse("article", kwargs={"slug": slug, "pk": _ID}))

    def _pattern(self, path: str) -> tuple[str, str]:
        before, after = path.split(str(_ID))
        return self.origin + before, after

    def story_page(self, query: str = "") -> str:
        url = self.origin + reverse("story", kwargs={"slug": self.story.slug})
        return f"{url}?{query}" if query else url

    def permalink(self, event: Event) -> str:
        before, after = self._event
        return f"{before}{event.pk}{after}"

    def article_page(self, event: Event) -> str:
        before, after = self._article
        return f"{before}{event.article_id}{after}#event-{event.pk}"


def entity_names(event: Event) -> list[str]:
    """Names of the entities the selectors attached to the event (`named`)."""
    return [entity.name for entity in event.named]


def source_name(event: Event) -> str:
    return event.source.name if event.source else ""


def entry_entity_names(entry: EventGroup) -> list[str]:
    """Every name any of the entry's reports mentions, alphabetically."""
    return sorted({name for report in entry.reports for name in entity_names(report)})


def entry_source_names(entry: EventGroup) -> list[str]:
    """The outlets that reported the entry, in the order they first did."""
    return list(dict.fromkeys(report.source_label for report in entry.reports))


def day_month_year(day: dt.date) -> str:
    return format_date_at_precision(day, Precision.DAY)


# At most this many reports are listed in a slide or a calendar event; the rest are counted.
LISTED_REPORTS = 8


# --- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "entry",
    "date",
    "end_date",
    "precision",
    "date_label",
    "text",
    "source",
    "article_title",
    "article_published",
    "article_url",
    "article_page",
    "permalink",
    "entities",
    "status",
    "correction",
    "updated",
)

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def csv_row(event: Event, links: Links) -> list[str]:
    values = (
        event.pk,
        event.group_id or "",
        event.date.isoformat(),
        event.end_date.isoformat() if event.end_date else "",
        event.precision,
        event.date_label,
        event.text,
        source_name(event),
        event.article.title,
        event.article.published.isoformat(),
        event.article.url,
        links.article_page(event),
        links.permalink(event),
        "; ".join(entity_names(event)),
        event.status,
        event.correction_note,
        event.updated_at.isoformat(),
    )
    return [csv_cell(value) for value in values]


class _Line:
    """A file-like object whose write() hands back the line, so csv.writer can stream."""

    def write(self, line: str) -> str:
        return line


def csv_lines(events: Iterable[Event], links: Links) -> Iterator[str]:
    """The header and one line per event; a byte-order mark first so Excel reads UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)
    for event in events:
        yield writer.writerow(csv_row(event, links))


# --- JSON ------------------------------------------------------------------------------------


def json_record(event: Event, links: Links) -> dict:
    return {
        "id": event.pk,
        "entry": event.group_id,
        "url": links.permalink(event),
        "date": event.date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "precision": event.precision,
        "date_iso": iso_at_precision(event.date, event.precision),
        "date_label": event.date_label,
        "text": event.text,
        "source": (
            {"name": event.source.name, "slug": event.source.slug} if event.source else None
        ),
        "article": {
            "id": event.article_id,
            "title": event.article.title,
            "published": event.article.published.isoformat(),
            "url": event.article.url or None,
            "page": links.article_page(event),
        },
        "evidence": {"expression": event.timex_text},
        "entities": [
            {"name": entity.name, "kind": entity.kind, "slug": entity.slug}
            for entity in event.named
        ],
        "status": event.status,
        "correction": event.correction_note or None,
        "created": event.created_at.isoformat(),
        "updated": event.updated_at.isoformat(),
        "version": event.version,
    }


def json_document(head: dict, key: str, items: Iterable[dict]) -> Iterator[str]:
    """Stream `{**head, key: [items...]}` one item at a time, so no list is held in memory."""
    opening = json.dumps(head, ensure_ascii=False)
    yield (opening[:-1] + ", " if head else "{") + json.dumps(key) + ": ["
    for index, item in enumerate(items):
        yield ("," if index else "") + "\n" + json.dumps(item, ensure_ascii=False)
    yield "\n]}\n"


# --- TimelineJS ------------------------------------------------------------------------------
# Knight Lab's TimelineJS reads a slide's start_date/end_date as year/month/day fields plus a
# display_date; a field left out is a precision not claimed, so "March 2021" stays a month.


def _timelinejs_date(day: dt.date, precision: str, label: str) -> dict[str, str]:
    fields = {"year": str(day.year)}
    if precision != Precision.YEAR:
        fields["month"] = str(day.month)
    if precision in (Precision.DAY, Precision.WEEK):
        fields["day"] = str(day.day)
    fields["display_date"] = label
    return fields


def _quarter_last_month(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 3, 1)


def timelinejs_dates(
    event: Event | EventGroup,
) -> tuple[dict[str, str], dict[str, str] | None]:
    """The start and (when the event spans time) end of a slide, at the event's precision."""
    precision, start = event.precision, event.date
    last = event.end_date or start
    start_date = _timelinejs_date(start, precision, format_date_at_precision(start, precision))
    end: dt.date | None = None
    if precision == Precision.WEEK:
        # A week is a span of days: Monday to Sunday of the last week.
        end = last - dt.timedelta(days=last.weekday()) + dt.timedelta(days=6)
    elif precision == Precision.QUARTER:
        # TimelineJS has no quarters: the quarter's first to last month.
        end = _quarter_last_month(last)
        start_date["month"] = str((start.month - 1) // 3 * 3 + 1)
    elif event.end_date and event.end_date != start:
        end = event.end_date
    if end is None:
        return start_date, None
    end_label = format_date_at_precision(event.end_date or start, precision)
    return start_date, _timelinejs_date(end, precision, end_label)


def _slide_report(report: Event, links: Links) -> str:
    source = source_name(report)
    credit = f"{escape(source)}: " if source else ""
    return (
        f'{credit}<a href="{escape(links.article_page(report))}">{escape(report.article.title)}'
        f"</a>, {day_month_year(report.article.published)}"
    )


def timelinejs_slide(entry: EventGroup, links: Links) -> dict:
    """One TimelineJS slide per timeline entry: the canonical report's sentence and date, then
    who reported it. Its text fields are HTML to TimelineJS, so user text is escaped."""
    start_date, end_date = timelinejs_dates(entry)
    canonical = entry.canonical_report
    reports = entry.reports
    paragraphs = [f"<p>{escape(entry.text)}</p>"]
    if len(reports) == 1:
        paragraphs.append(f"<p>{_slide_report(reports[0], links)}</p>")
    else:
        sources = entry_source_names(entry)
        paragraphs.append(
            f"<p>Reported in {len(reports)} articles by {len(sources)} "
            f"source{'s' if len(sources) != 1 else ''}, first by {escape(sources[0])}:</p>"
        )
        items = "".join(f"<li>{_slide_report(r, links)}</li>" for r in reports[:LISTED_REPORTS])
        if len(reports) > LISTED_REPORTS:
            items += f"<li>and {len(reports) - LISTED_REPORTS} more</li>"
        paragraphs.append(f"<ul>{items}</ul>")
    if entry.sources_disagree:
        versions = "; ".join(
            f"{escape(label)} ({escape(', '.join(names))})" for label, names in entry.date_versions
        )
        paragraphs.append(f"<p><strong>Sources disagree on the date:</strong> {versions}</p>")
    if canonical is not None and (note := canonical.correction_note):
        paragraphs.append(f"<p><em>{escape(note)}</em></p>")
    if canonical is not None:
        link = escape(links.permalink(canonical))
        paragraphs.append(f'<p><a href="{link}">Link to this event</a></p>')
    slide = {
        "unique_id": f"entry-{entry.pk}",
        "start_date": start_date,
        "display_date": entry.date_label,
        "text": {
            "headline": escape(Truncator(entry.text).words(14)),
            "text": "".join(paragraphs),
        },
        "autolink": False,
    }
    if end_date:
        slide["end_date"] = end_date
    return slide


def timelinejs_title(story: Story, links: Links, query: str) -> dict:
    text = f"<p>{escape(story.description)}</p>" if story.description else ""
    text += f'<p><a href="{escape(links.story_page(query))}">The full timeline</a></p>'
    return {"text": {"headline": escape(story.title), "text": text}}
