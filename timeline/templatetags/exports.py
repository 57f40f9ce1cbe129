"""The timeline page's links to its exports, feeds and embed code, for the current filters."""

from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("timeline/export_links.html", takes_context=True)
def export_links(context) -> dict:
    """Links carrying the filters the page applied (an invalid one is left out, as on the page).

    Rendered inside the results region, so an htmx filter change swaps them with the events.
    """
    if context.get("embed"):
        return {"show": False}
    request, story, form = context["request"], context["story"], context["form"]
    query = form.filters().to_query()

    def url(name: str) -> str:
        path = reverse(name, kwargs={"slug": story.slug})
        return f"{path}?{query}" if query else path

    calendar = request.build_absolute_uri(url("export_ics"))
    embed_src = request.build_absolute_uri(
        f"{reverse('story', kwargs={'slug': story.slug})}?embed=1" + (f"&{query}" if query else "")
    )
    # The code the user copies is HTML for their page; the template escapes it again to show it.
    embed_code = (
        f'<iframe src="{escape(embed_src)}" title="{escape(story.title)}: timeline" '
        'width="100%" height="640" loading="lazy"></iframe>'
    )
    return {
        "show": True,
        "filtered": bool(query),
        "downloads": [
            ("CSV", url("export_csv"), "A spreadsheet: one row per event"),
            ("JSON", url("export_json"), "Every field of every event, for programs"),
            ("iCalendar", url("export_ics"), "An .ics file of all-day events"),
            ("TimelineJS", url("export_timelinejs"), "JSON for Knight Lab’s TimelineJS"),
        ],
        "atom": url("export_atom"),
        "webcal": "webcal://" + calendar.split("://", 1)[1],
        "embed_code": embed_code,
    }
