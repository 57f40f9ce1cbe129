"""Pages: the story list, a story's timeline, an article with its evidence, "Add article"."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from timeline import selectors, services
from timeline.forms import ArticleForm, TimelineFilterForm
from timeline.models import Article, Story


@require_GET
def story_list(request: HttpRequest) -> HttpResponse:
    return render(request, "timeline/story_list.html", {"stories": selectors.story_list()})


@require_GET
def story_timeline(request: HttpRequest, slug: str) -> HttpResponse:
    story = get_object_or_404(Story, slug=slug)
    form = TimelineFilterForm(request.GET, story=story)
    form.is_valid()  # invalid filters are dropped and shown as messages, never a 500
    filters = form.filters()
    page = selectors.story_timeline_page(
        story=story, filters=filters, after=form.cursor(), limit=settings.TIMELINE_PAGE_SIZE
    )
    context = {"story": story, "form": form, "page": page, "query": _query_without_cursor(request)}
    template = "timeline/story.html"
    htmx = request.htmx
    appending = bool(htmx and not htmx.history_restore_request and form.cursor())
    if htmx and not htmx.history_restore_request:
        # "Load more" appends a page; a filter change replaces the results region.
        template += "#more-events" if appending else "#results"
    if not appending:
        context["density"] = selectors.story_density(story=story, filters=filters)
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


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


@require_http_methods(["GET", "POST"])
@permission_required("timeline.add_article")
def article_add(request: HttpRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, initial={"story": request.GET.get("story")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        story = data["story"] or services.story_create(title=data["new_story"])
        outcome = services.article_ingest(
            story=story,
            data=services.ArticleInput(
                title=data["title"],
                text=data["text"],
                published=data["published"],
                source=data["source"],
                url=data["url"],
                language=data["language"],
            ),
        )
        article = outcome.article
        if not outcome.created:
            messages.info(request, "This article was already in the timeline; nothing was added.")
        elif outcome.extraction.error:
            messages.error(
                request, f"The article was saved but extraction failed: {outcome.extraction.error}"
            )
        else:
            count = outcome.extraction.created
            messages.success(
                request,
                f"Saved “{article.title}” with {count} dated event{'s' if count != 1 else ''}.",
            )
        return redirect(article)
    return render(request, "timeline/article_add.html", {"form": form})
