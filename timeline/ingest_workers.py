"""The pure part of ingesting an article, run in worker processes: no Django, no database.

Bulk ingestion (`timeline.ingestion.ingest_inputs`) sends each article's text here, in a pool of
processes, and one writer stores what comes back through the service layer. Everything computed
here is a pure function of the text, its publication date and language: the extractor's events,
the names each event's sentence mentions, and the words grouping compares.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from timeline.extraction import Event, extract
from timeline.extraction.entities import EntityMention, find_entities
from timeline.extraction.grouping import content_words, words_near

# The event columns' lengths (timeline.models.Event): grouping reads the stored, cut values.
TIMEX_TEXT_MAX = 200


@dataclass(frozen=True)
class PreparedEvent:
    candidate: Event
    mentions: tuple[EntityMention, ...]
    words: frozenset[str]
    near: frozenset[str]


@dataclass(frozen=True)
class PreparedArticle:
    """An article's extraction, ready to store; `error` when the extractor failed on it."""

    events: tuple[PreparedEvent, ...] = ()
    error: str = ""
    seconds: float = 0.0  # CPU time spent here, for the benchmark's split


def prepare_event(candidate: Event) -> PreparedEvent:
    timex_text = candidate.timex.text[:TIMEX_TEXT_MAX]
    return PreparedEvent(
        candidate=candidate,
        mentions=tuple(find_entities(candidate.sentence)),
        words=content_words(candidate.sentence, drop=timex_text),
        near=words_near(candidate.sentence, timex_text),
    )


def prepare(text: str, published: dt.date, language: str = "en") -> PreparedArticle:
    """Extract one article's events with their names and words; never raises."""
    started = time.process_time()
    try:
        result = extract(text, published=published, lang=language)
        events = tuple(prepare_event(candidate) for candidate in result.events)
    except Exception as exc:  # the extractor must never take an ingest down with it
        return PreparedArticle(
            error=f"{type(exc).__name__}: {exc}", seconds=time.process_time() - started
        )
    return PreparedArticle(events=events, seconds=time.process_time() - started)


def prepare_packed(args: tuple[str, dt.date, str]) -> PreparedArticle:
    """`prepare` for Pool.imap, which passes one argument."""
    return prepare(*args)
