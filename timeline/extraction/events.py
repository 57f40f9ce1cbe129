"""Turn resolved temporal expressions into dated events, one per sentence and date."""

from __future__ import annotations

from .types import Event, ResolvedDate, Sentence, Timex

# Only these TIMEX3 types name a point or period the timeline can place an event on.
EVENT_TYPES = frozenset({"DATE", "TIME"})


def make_event(sentence: Sentence, timex: Timex, resolved: ResolvedDate | None) -> Event | None:
    """The event a sentence describes at `resolved`, or None when the timex dates nothing."""
    if resolved is None or timex.type not in EVENT_TYPES:
        return None
    if not (sentence.start <= timex.start and timex.end <= sentence.end):
        return None
    return Event(
        date=resolved.date,
        precision=resolved.precision,
        end_date=resolved.end_date,
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        sentence=sentence.text,
        timex=timex,
        confidence=resolved.confidence,
        rule=resolved.rule,
        explanation=resolved.explanation,
    )
