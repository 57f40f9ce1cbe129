"""Pages: the story list, a story's timeline (or its embed), an event, an article, "Add article"."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from timeline import selectors, services, tasks
from timeline.forms import ArticleForm, TimelineFilterForm, UploadArticleForm, UrlArticleForm
from timeline.models import Article, Event, Story
from timeline.selectors import Cursor, TimelineFilters


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    return render(request, "timeline/story_list.html", {"stories": selectors.story_list()})


@dataclass(frozen=True)
class RenderedEvents:
    """A page of the timeline's events, drawn: what the page and its fragments insert."""

    html: str
    count: int
    more: bool


@require_GET
def story_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    htmx = request.htmx
    fragment = bool(htmx and not htmx.history_restore_request)
    # Only the full page draws the filter form, and so needs its choices and their counts.
    form = TimelineFilterForm(request.GET, story=story, with_choices=not fragment)
    embed = is_embed(request)
    query = _query_without_cursor(request)
    after = Cursor.parse(request.GET.get("after", "")) if request.GET.get("after") else None

    def filters() -> TimelineFilters:
        form.is_valid()  # invalid filters are dropped and shown as messages, never a 500
        return form.filters()

    def render_events() -> RenderedEvents:
        page = selectors.story_timeline_page(
            story=story,
            filters=filters(),
            after=after,
            limit=settings.TIMELINE_PAGE_SIZE,
        )
        # Each entry is drawn once per version of it and kept: after a write, only the
        # entries it changed are drawn again (and only their reports read).
        entries = [entry for group in page.groups for entry in group.events]
        selectors.story_entries_drawn(story=story, entries=entries, embed=embed)
        context = {"story": story, "page": page, "query": query, "embed": embed}
        html = render_to_string("timeline/story.html#event-groups", context)
        return RenderedEvents(html=mark_safe(html), count=page.count, more=bool(page.next_cursor))

    def events() -> RenderedEvents:
        return selectors.story_cached(story, "events", f"{embed}|{query}|{after}", render_events)

    def render_results() -> str:
        context = {
            "story": story,
            "form": form,
            "events": events(),
            "embed": embed,
            "density": selectors.story_density(story=story, filters=filters()),
        }
        return mark_safe(render_to_string("timeline/story.html#results", context, request))

    # What the page shows of the story is drawn once per revision of the story and kept (see
    # selectors.story_cached), keyed by all it depends on: the query (filters, cursor, embed)
    # and, for the export links' absolute URLs, the host. "Load more" appends a page of events;
    # a filter change replaces the results region; the full page adds the form around them.
    if fragment and after is not None:
        response = HttpResponse(events().html)
    else:
        origin = f"{request.scheme}://{request.get_host()}"
        detail = f"{origin}|{embed}|{query}|{after}"
        results = selectors.story_cached(story, "results", detail, render_results)
        if fragment:
            response = HttpResponse(results)
        else:

            def render_form() -> str:
                context = {"story": story, "form": form, "embed": embed}
                return render_to_string("timeline/story.html#filter-form", context).strip()

            def render_content() -> str:
                filters()  # the form shows the values it kept and the messages of those dropped
                # The form's choices and counts rarely change with a write (a corrected date
                # leaves them be): drawn once per distinct form, not per revision.
                inputs = f"{story.slug}|{embed}|{form.drawing_inputs()}"
                drawn = selectors.drawn_cached(story, "filter-form", inputs, render_form)
                context = {
                    "story": story,
                    "form": form,
                    "results": results,
                    "embed": embed,
                    "filter_form": mark_safe(drawn),
                }
                html = render_to_string("timeline/story.html#page-content", context, request)
                return mark_safe(html)

            # The page around the results: the filter form with its choices, drawn once too.
            # Only the frame (its CSRF token and script nonce) is drawn for every request.
            content = selectors.story_cached(story, "content", detail, render_content)
            response = render(
                request,
                "timeline/story.html",
                {"story": story, "content": content, "embed": embed},
            )
    patch_vary_headers(response, ["HX-Request"])
    if embed:
        allow_framing(response)
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page without a <link rel="icon"> (admin's)."""
    return redirect(static("favicon.svg"))


def is_embed(request: HttpRequest) -> bool:
    """`?embed=1`: the page without site chrome, for an <iframe> on another site."""
    return request.GET.get("embed") == "1"


def allow_framing(response: HttpResponse) -> None:
    """Let other sites frame this response; every page that is not an embed stays DENY.

    Both guards must open: X-Frame-Options (Django's middleware) and the policy's
    frame-ancestors (django-csp reads `_csp_replace` the way its `csp_replace` decorator sets it).
    """
    response.xframe_options_exempt = True
    response._csp_replace = {"frame-ancestors": ["*"]}


def _query_without_cursor(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("after", None)
    return params.urlencode()


@require_GET
def article_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    try:
        article, events = selectors.article_with_events(story=story, pk=pk)
    except Article.DoesNotExist as exc:
        raise Http404("No such article in this story.") from exc
    return render(
        request,
        "timeline/article.html",
        {
            "story": story,
            "article": article,
            "events": events,
            "paragraphs": selectors.article_paragraphs(article.text, events),
        },
    )


# The three ways to add an article; each is a link, so the page works without JavaScript.
ADD_MODES = {
    "text": ("Paste text", ArticleForm),
    "url": ("From a URL", UrlArticleForm),
    "file": ("Upload a file", UploadArticleForm),
}


@require_GET
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An event's permalink: what happened, when, and the evidence for it."""
    story = get_object_or_404(Story, slug=slug)
    try:
        event, evidence = selectors.event_with_evidence(story=story, pk=pk)
    except Event.DoesNotExist as exc:
        raise Http404("No such event in this story; an editor may have removed it.") from exc
    embed = is_embed(request)
    embed_params = {"embed": "1"} if embed else {}
    # Back to the timeline at this event: the timeline from its date on, scrolled to it.
    at_event = urlencode({"start": event.date.isoformat(), **embed_params})
    timeline_url = f"{reverse('story', kwargs={'slug': slug})}?{at_event}#e{event.pk}"
    response = render(
        request,
        "timeline/event.html",
        {
            "story": story,
            "event": event,
            "evidence": evidence,
            "embed": embed,
            "embed_query": urlencode(embed_params),
            "timeline_url": timeline_url,
        },
    )
    if embed:
        allow_framing(response)
    return response


@require_http_methods(["GET", "POST"])
@permission_required("timeline.add_article")
def article_add(request: HttpRequest) -> HttpResponse:
    mode = request.GET.get("from", "text")
    if mode not in ADD_MODES:
        mode = "text"
    form_class = ADD_MODES[mode][1]
    initial = {"story": request.GET.get("story")}
    if request.method == "POST" and _body_too_large(request):
        # Refused before the body is read; nothing typed can be kept from a request this size.
        form = form_class(initial=initial)
        limit = settings.TIMELINE_UPLOAD_MAX_BYTES / 2**20
        context = {"form": form, "too_large": f"{limit:g} MB"}
        return _render_add(request, mode, context, status=413)
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if getattr(form, "draft", None) is not None:
            # Read, but undated: show everything found in the paste form and ask for the date.
            story_data = {
                "story": request.POST.get("story", ""),
                "new_story": form.cleaned_data["new_story"],
            }
            form = ArticleForm.from_draft(draft=form.draft, story_data=story_data)
            return _render_add(request, "text", {"form": form, "needs_date": True})
        story = form.cleaned_data["story"] or services.story_create(
            title=form.cleaned_data["new_story"]
        )
        stored = [services.article_store(story=story, data=data) for data in form.articles()]
        for article, created in stored:
            if created:
                tasks.article_extraction_enqueue(article=article, priority=tasks.EDITOR_PRIORITY)
        for problem in getattr(form, "problems", []):
            messages.warning(request, f"Not added: {problem}")
        return _report_and_redirect(request, story, stored)
    return _render_add(request, mode, {"form": form})


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    # Room for the form's other fields besides the largest file accepted.
    return length > settings.TIMELINE_UPLOAD_MAX_BYTES + 1024 * 1024


def _render_add(
    request: HttpRequest, mode: str, context: dict, *, status: int = 200
) -> HttpResponse:
    tabs = [(key, label) for key, (label, _) in ADD_MODES.items()]
    return render(
        request,
        "timeline/article_add.html",
        {"mode": mode, "tabs": tabs, "max_upload": settings.TIMELINE_UPLOAD_MAX_BYTES, **context},
        status=status,
    )


def _report_and_redirect(
    request: HttpRequest, story: Story, stored: list[tuple[Article, bool]]
) -> HttpResponse:
    for article, created in stored:
        if not created:
            messages.info(
                request, f"“{article.title}” was already in the timeline; nothing was added."
            )
            continue
        # With the immediate backend the work is already done; otherwise a worker does it.
        article.refresh_from_db()
        if article.extraction_status == Article.ExtractionStatus.DONE:
            count = article.events.count()
            messages.success(
                request,
                f"Saved “{article.title}” with {count} dated event{'s' if count != 1 else ''}.",
            )
        elif article.extraction_status == Article.ExtractionStatus.FAILED:
            messages.error(
                request,
                f"“{article.title}” was saved but extraction failed: {article.extraction_error}",
            )
        else:
            messages.info(
                request,
                f"Saved “{article.title}”. Its dated events are being extracted in the "
                "background; reload its page in a moment to see them.",
            )
    if len(stored) == 1:
        return redirect(stored[0][0])
    return redirect(story)
