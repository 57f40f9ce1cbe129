"""An Atom feed of a story's new and changed events, written by Django's feedgenerator."""

from __future__ import annotations

from html import escape

from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from timeline.exports.records import Links, entity_names, source_name
from timeline.models import Event, Story

# Feed readers keep what they have seen; the latest changes are what they need.
FEED_SIZE = 50


def entry_id(event: Event, domain: str) -> str:
    """A tag URI (RFC 4151) that stays the same when the event is edited or the story renamed."""
    return f"tag:{domain},{event.created_at:%Y-%m-%d}:event-{event.pk}"


def entry_summary(event: Event, links: Links) -> str:
    """The entry's HTML summary: a reader renders it, so every piece of user text is escaped."""
    source = source_name(event)
    reported = f"{escape(source)}: " if source else ""
    parts = [
        f"<p><strong>{escape(event.date_label)}</strong>: {escape(event.text)}</p>",
        f'<p>{reported}<a href="{escape(links.article_page(event))}">'
        f"{escape(event.article.title)}</a></p>",
    ]
    if names := entity_names(event):
        parts.append(f"<p>Named: {escape(', '.join(names))}</p>")
    if note := event.correction_note:
        parts.append(f"<p><em>{escape(note)}</em></p>")
    return "".join(parts)


def story_feed(
    *, story: Story, events: list[Event], links: Links, domain: str, query: str, feed_url: str
) -> Atom1Feed:
    """The feed of events newest change first; an edited event comes back with a new `updated`."""
    subtitle = "New and changed events"
    if query:
        subtitle += " matching the timeline's filters"
    feed = Atom1Feed(
        title=f"{story.title}: timeline",
        link=links.story_page(query),
        description=subtitle,
        subtitle=subtitle,
        language="en",
        feed_url=feed_url,
        feed_guid=f"tag:{domain},{story.created_at:%Y-%m-%d}:story-{story.pk}"
        + (f":{query}" if query else ""),
    )
    for event in events:
        feed.add_item(
            title=f"{event.date_label}: {Truncator(event.text).words(20)}",
            link=links.permalink(event),
            description=entry_summary(event, links),
            unique_id=entry_id(event, domain),
            pubdate=event.created_at,
            updateddate=event.updated_at,
            author_name=source_name(event) or None,
            categories=entity_names(event),
        )
    return feed
