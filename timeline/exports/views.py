"""The export and feed responses: the timeline's filters in, a file or feed out."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, quote_etag
from django.views.decorators.http import require_safe

from timeline import selectors
from timeline.exports import atom, ical, records
from timeline.forms import TimelineFilterForm
from timeline.models import Event, EventGroup, Story
from timeline.selectors import TimelineFilters

# Bump when an export's layout changes, so clients holding an ETag fetch the new layout.
EXPORT_LAYOUT = "2"
# Rows fetched per round trip while a large export streams (and ids per entity query).
CHUNK_SIZE = 1000


@dataclass(frozen=True)
class Export:
    """What one request for an export knows: the story, its filters and where it is served."""

    request: HttpRequest
    story: Story
    filters: TimelineFilters
    query: str
    links: records.Links

    @property
    def host(self) -> str:
        return self.request.get_host()

    @property
    def domain(self) -> str:
        """The host without its port, as a tag URI wants it."""
        return urlsplit(f"//{self.host}").hostname or self.host

    def events(self) -> Iterable[Event]:
        """Every matching report, fetched in chunks: a 100k-event story streams in bounded
        memory."""
        return selectors.story_export_events(
            story=self.story, filters=self.filters, chunk_size=CHUNK_SIZE
        )

    def entries(self) -> Iterable[EventGroup]:
        """Every matching timeline entry with its reports, as the page shows them, in chunks."""
        return selectors.story_export_entries(
            story=self.story, filters=self.filters, chunk_size=CHUNK_SIZE
        )

    def filename(self, extension: str) -> str:
        suffix = "-filtered" if self.query else ""
        return f"{self.story.slug}-events{suffix}.{extension}"


@dataclass(frozen=True)
class Format:
    content_type: str
    extension: str
    attachment: bool  # a download; inline ones are read by programs (TimelineJS, feed readers)
    errors_as_json: bool
    render: Callable[[Export], Iterable[str | bytes] | bytes]
    streamed: bool = True


def _csv(export: Export) -> Iterable[str]:
    return records.csv_lines(export.events(), export.links)


def _json(export: Export) -> Iterable[str]:
    head = {
        "story": {
            "title": export.story.title,
            "slug": export.story.slug,
            "url": export.links.story_page(export.query),
        },
        "filters": dict(parse_qsl(export.query)),
    }
    items = (records.json_record(event, export.links) for event in export.events())
    return records.json_document(head, "events", items)


def _timelinejs(export: Export) -> Iterable[str]:
    head = {"title": records.timelinejs_title(export.story, export.links, export.query)}
    slides = (records.timelinejs_slide(entry, export.links) for entry in export.entries())
    return records.json_document(head, "events", slides)


def _ics(export: Export) -> Iterable[bytes]:
    return ical.ical_chunks(
        story=export.story,
        entries=export.entries(),
        links=export.links,
        host=export.host,
        query=export.query,
    )


def _atom(export: Export) -> bytes:
    events = selectors.story_events_changed(
        story=export.story, filters=export.filters, limit=atom.FEED_SIZE
    )
    feed_path = reverse("export_atom", kwargs={"slug": export.story.slug})
    feed = atom.story_feed(
        story=export.story,
        events=events,
        links=export.links,
        domain=export.domain,
        query=export.query,
        feed_url=export.request.build_absolute_uri(feed_path)
        + (f"?{export.query}" if export.query else ""),
    )
    return feed.writeString("utf-8").encode()


FORMATS = {
    "csv": Format("text/csv; charset=utf-8", "csv", True, False, _csv),
    "json": Format("application/json", "json", True, True, _json),
    "timelinejs": Format("application/json", "json", False, True, _timelinejs),
    "ics": Format("text/calendar; charset=utf-8", "ics", True, False, _ics),
    "atom": Format("application/atom+xml; charset=utf-8", "atom", False, False, _atom, False),
}


def _buffered(chunks: Iterable[str | bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join the per-event pieces into blocks of about `size` bytes: fewer, larger writes."""
    block: list[bytes] = []
    length = 0
    for chunk in chunks:
        data = chunk.encode() if isinstance(chunk, str) else chunk
        block.append(data)
        length += len(data)
        if length >= size:
            yield b"".join(block)
            block, length = [], 0
    if block:
        yield b"".join(block)


def _invalid_filters(form: TimelineFilterForm, fmt: Format) -> HttpResponse:
    """A 400 the client can read: an export never silently ignores a filter it was asked for."""
    errors = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    if fmt.errors_as_json:
        return JsonResponse({"error": "invalid filters", "errors": errors}, status=400)
    lines = ["These filters are not valid, so nothing was exported:"]
    for name, messages in errors.items():
        label = form.fields[name].label if name in form.fields else name
        lines.extend(f"- {label} ({name}): {message}" for message in messages)
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain; charset=utf-8", status=400
    )


def _etag(export: Export, name: str) -> str:
    fingerprint = selectors.story_events_fingerprint(story=export.story, filters=export.filters)
    raw = "|".join(
        (EXPORT_LAYOUT, name, export.host, str(export.story.pk), export.story.slug, export.query)
    )
    return quote_etag(hashlib.sha256(f"{raw}|{fingerprint}".encode()).hexdigest()[:32])


@require_safe
def story_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    """One story's events in one format, filtered exactly like the timeline page."""
    story = get_object_or_404(Story, slug=slug)
    format_ = FORMATS[fmt]
    params = request.GET.copy()
    params.pop("after", None)  # exports are whole: the timeline's paging does not apply
    form = TimelineFilterForm(params, story=story)
    if not form.is_valid():
        return _invalid_filters(form, format_)
    filters = form.filters()
    query = filters.to_query()
    export = Export(
        request=request,
        story=story,
        filters=filters,
        query=query,
        links=records.Links(story=story, origin=f"{request.scheme}://{request.get_host()}"),
    )
    etag = _etag(export, fmt)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        body = format_.render(export)
        if format_.streamed:
            response = StreamingHttpResponse(_buffered(body), content_type=format_.content_type)
        else:
            response = HttpResponse(body, content_type=format_.content_type)
        response["Content-Disposition"] = content_disposition_header(
            format_.attachment, export.filename(format_.extension)
        )
    response["ETag"] = etag
    # Public data without cookies: TimelineJS and feed readers on other sites may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=60)
    return response
