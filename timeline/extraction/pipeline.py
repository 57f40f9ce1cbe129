"""The extraction pipeline: text and publication date in, timexes and dated events out."""

from __future__ import annotations

import bisect
import contextlib
import datetime
import functools
import gc
import logging
import re
import threading
from collections.abc import Iterator

from .events import make_event
from .languages import base_language, language
from .recognition import Mention, find_mentions, next_word, previous_word
from .resolution import (
    ANCHOR_FREE_KINDS,
    NEXT_WORDS,
    TENSE_FREE_KINDS,
    Context,
    Resolution,
    resolve,
)
from .sentences import SentenceFinder, split_sentences
from .tense import SentenceTenses, Tense
from .types import Event, ExtractionResult, Precision, Sentence, Timex

logger = logging.getLogger(__name__)

_PREPOSITIONS = frozenset("on in since at by until till from during before after of".split())
# Every word before an expression that `_resolve_safely` tells apart (with the language's
# "since" words); any other acts as no word at all.
_BEFORE_WORDS = _PREPOSITIONS | {"effective", "through"}


def extract(text: str, published: datetime.date, lang: str = "en") -> ExtractionResult:
    """Find the temporal expressions in `text` and the events they date.

    `published` anchors every relative expression ("on Sunday", "last month"); pass a date
    (a datetime is accepted and cut to its date). `lang` decides the order of numeric dates
    ("en" reads 3/9/2022 as March 9, "en-GB" and other languages as 3 September) and, for
    "es", "fr" and "de" (or a regional variant), adds that language's expressions and tense
    markers (see languages.py).
    """
    with _cycle_collector_paused():
        return _extract(text, published, lang)


# Extraction makes no reference cycles, only long lists of results: the cycle collector would
# walk them again and again (a fifth of the time on a dense 1 MB text). It stays paused while
# any thread of the process extracts, and is restored as it was found when the last one ends.
_collector_lock = threading.Lock()
_collector_users = 0
_collector_was_enabled = False


@contextlib.contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    global _collector_users, _collector_was_enabled
    with _collector_lock:
        if _collector_users == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_users += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_users -= 1
            if _collector_users == 0 and _collector_was_enabled:
                gc.enable()


def _extract(text: str, published: datetime.date, lang: str) -> ExtractionResult:
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if isinstance(published, datetime.datetime):
        published = published.date()
    base = base_language(lang)
    if base == "de":
        sentences = _join_ordinal_dates(text, split_sentences(text))
        starts = [s.start for s in sentences]
        sentence_at = functools.partial(_sentence_of, sentences, starts)
    else:
        # Only the lines that hold an expression are split into sentences.
        sentence_at = SentenceFinder(text).sentence_at
    timexes: list[Timex] = []
    events: list[Event] = []
    event_keys: set[tuple] = set()
    anchor: datetime.date | None = None
    period_anchor: datetime.date | None = None
    quarter_anchor: datetime.date | None = None
    # Per text, bounded: a sentence's tense markers, by its text (a repeated sentence is
    # indexed once); and resolutions, by all they depend on (a repeated expression in the
    # same setting is resolved once). Both are pure functions of their keys.
    tenses: dict[str, SentenceTenses] = {}
    resolutions: dict[tuple, Resolution | None] = {}
    sentence: Sentence | None = None
    tenses_of: SentenceTenses | None = None
    table = language(base)
    since_words = table.since_words if table is not None else frozenset()

    def tense_of(mention: Mention) -> Tense:
        """The tense of the clause around `mention`, in the current sentence."""
        nonlocal tenses_of
        if sentence is None or mention.kind in TENSE_FREE_KINDS:
            return Tense.UNKNOWN
        if tenses_of is None:
            tenses_of = tenses.get(sentence.text)
            if tenses_of is None:
                if len(tenses) >= _MEMO_LIMIT:
                    tenses.clear()
                tenses_of = tenses[sentence.text] = SentenceTenses(sentence.text, lang)
        offset = mention.start - sentence.start
        return tenses_of.tense_at(offset, offset + len(mention.text))

    def resolution_of(mention: Mention) -> Resolution | None:
        anchors = (anchor, period_anchor, quarter_anchor)
        tense = tense_of(mention)
        before = previous_word(text, mention.start)
        after = next_word(text, mention.end)
        if (
            tense is not Tense.PAST
            and before in _SINCE_GAP_WORDS
            and _since_further_back(text, mention.start)
        ):
            tense = Tense.PAST  # "since shortly after the Oct. 23 slaying": a point passed
        # The resolution tells apart only the words before in the sets below and the words
        # after in NEXT_WORDS (lower case); any other acts as no word: so keyed, more share.
        following = after.lower()
        key = (
            mention.kind,
            mention.text,
            tuple(mention.fields.items()),
            tense,
            None if mention.kind in ANCHOR_FREE_KINDS else anchors,
            before if before in _BEFORE_WORDS or before in since_words else "",
            following if following in NEXT_WORDS else "",
        )
        resolution = resolutions.get(key, _UNSET)  # one lookup: the key hashes afresh each time
        if resolution is _UNSET:
            resolution = _resolve_safely(mention, tense, before, after, published, lang, anchors)
            if len(resolutions) >= _MEMO_LIMIT:
                resolutions.clear()
            resolutions[key] = resolution
        return resolution

    mentions = find_mentions(text, lang)
    for number, mention in enumerate(mentions):
        # Expressions come in order: most share the previous one's sentence.
        if sentence is None or not (sentence.start <= mention.start < sentence.end):
            sentence = sentence_at(mention.start)
            tenses_of = None  # the sentence's tense markers, once an expression needs them
        day_after = None
        if mention.kind == "clock" and sentence is not None:
            day_after = _day_named_after(text, mentions, number, sentence.end)
            if day_after is not None:
                # "at 10 a.m. on Monday": the hour is on the day named next, not on the last
                # day mentioned. That expression keeps its own timex and dates the event.
                day = resolution_of(day_after)
                if day is not None and day.resolved is not None:
                    fields = {**mention.fields, "on": day.resolved.date.isoformat()}
                    mention = Mention(mention.start, mention.end, mention.text, "clock", fields)
                else:
                    day_after = None
        resolution = resolution_of(mention)
        if resolution is None:
            continue
        timex = Timex(mention.start, mention.end, mention.text, resolution.type, resolution.value)
        if mention.parts:
            timexes.extend(_range_parts(text, mention, resolution) or [timex])
        else:
            timexes.append(timex)
        resolved = resolution.resolved
        if resolved is not None:
            period_anchor = resolved.date
            if resolved.precision is Precision.DAY:
                anchor = resolved.date
            elif resolved.rule == "quarter":
                quarter_anchor = resolved.date
            if sentence is not None and day_after is None:
                # One event per sentence and date: the first one (`deduplicate`).
                event_key = (sentence.start, resolved.date, resolved.precision, resolved.end_date)
                if event_key not in event_keys and (event := make_event(sentence, timex, resolved)):
                    event_keys.add(event_key)
                    events.append(event)
    return ExtractionResult(timexes=timexes, events=events)


# What may stand between a time of day and the day named after it: "at 10 a.m. on Monday",
# "10 a.m., Monday", "at 10:35 a.m. (0735 GMT) on Friday" (for both times).
_BEFORE_NAMED_DAY = re.compile(
    r"[^\S\n]{0,3}(?:\)[^\S\n]{0,3})?(?:\([^()\n]{1,30}\)[^\S\n]{0,3})?(?:,[^\S\n]{0,3})?"
    r"(?:(?i:on)[^\S\n]{1,3})?"
)
_NAMED_DAY_KINDS = frozenset({"weekday", "day-month", "month-day", "deictic", "iso", "numeric"})


def _day_named_after(
    text: str, mentions: list[Mention], number: int, sentence_end: int
) -> Mention | None:
    """The day expression right after the time of day `mentions[number]`, if it has none."""
    clock = mentions[number]
    if any(clock.fields.get(name) for name in ("wd", "d", "deictic", "on")):
        return None  # the time names its own day: "9 a.m. Thursday", "noon yesterday"
    for later in mentions[number + 1 : number + 3]:
        if later.start >= sentence_end:
            return None
        if later.kind in _NAMED_DAY_KINDS:
            gap = _BEFORE_NAMED_DAY.match(text, clock.end, later.start)
            return later if gap is not None and gap.end() == later.start else None
        if later.kind != "clock":
            return None  # only a time in another zone may stand between: "(0735 GMT)"
    return None


# Words that may stand between "since" and the point it counts from.
_SINCE_GAP_WORDS = frozenset("the shortly just soon after early late its their his her".split())


def _since_further_back(text: str, start: int) -> bool:
    """Whether "since" opens the phrase a few words before `start` ("since shortly after
    the Oct. 23 slaying"); the words between are all in _SINCE_GAP_WORDS."""
    for skip in range(1, 4):
        word = previous_word(text, start, skip)
        if word == "since":
            return True
        if word not in _SINCE_GAP_WORDS:
            return False
    return False


# Entries kept per text in each memo of `extract` before it starts afresh.
_UNSET: Resolution = object()  # type: ignore[assignment]  # not in the memo (None is a result)
_MEMO_LIMIT = 4096


_ORDINAL_END = re.compile(r"(?<![\d.])\d{1,2}\.$")


def _join_ordinal_dates(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """German writes "am 24. Februar": the ordinal's full stop does not end the sentence."""
    table = language("de")
    joined: list[Sentence] = []
    for sentence in sentences:
        if joined and _ORDINAL_END.search(joined[-1].text):
            first = sentence.text.split(None, 1)[0].rstrip(".,;:").lower() if sentence.text else ""
            if table is not None and (first in table.months or first in table.short_months):
                previous = joined.pop()
                sentence = Sentence(
                    previous.start, sentence.end, text[previous.start : sentence.end]
                )
        joined.append(sentence)
    return joined


def _range_parts(text: str, mention: Mention, resolution: Resolution) -> list[Timex]:
    """The two timexes of a range written with a word ("[May] to [July]"); its event keeps
    the whole range."""
    if len(mention.parts) != 2 or len(resolution.parts) != 2:
        return []
    return [
        Timex(start, end, text[start:end], resolution.type, value)
        for (start, end), value in zip(mention.parts, resolution.parts, strict=True)
    ]


def _sentence_of(sentences: list[Sentence], starts: list[int], position: int) -> Sentence | None:
    index = bisect.bisect_right(starts, position) - 1
    if index < 0:
        return None
    sentence = sentences[index]
    return sentence if position < sentence.end else None


def _resolve_safely(
    mention: Mention,
    tense: Tense,
    before: str,
    after: str,
    published: datetime.date,
    lang: str,
    anchors: tuple[datetime.date | None, datetime.date | None, datetime.date | None],
) -> Resolution | None:
    """Resolve `mention`, with `before` and `after` the words around it."""
    anchor, period_anchor, quarter_anchor = anchors
    table = language(base_language(lang))
    if before == "since" or (table is not None and before in table.since_words):
        tense = Tense.PAST
    elif before == "effective":
        # "a new pact effective June 1": an announced change takes effect ahead.
        tense = Tense.FUTURE
    elif before in ("until", "till", "by") and tense is Tense.UNKNOWN:
        # A limit with no verb to go on is usually a deadline still ahead.
        tense = Tense.FUTURE
    elif before in ("until", "till", "through") and tense is Tense.PAST:
        # "adjourned the case until 11 July", "extended the loans through January": the verb
        # is past, the limit it set may lie either side of publication.
        tense = Tense.PLAN
    context = Context(
        published=published,
        tense=tense,
        anchor=anchor,
        period_anchor=period_anchor,
        quarter_anchor=quarter_anchor,
        next_word=after.lower(),
        lang=lang or "en",
        preposition=before if before in _PREPOSITIONS else "",
    )
    try:
        return resolve(mention, context)
    except (ValueError, OverflowError, KeyError) as error:
        # Dates pushed outside 1..9999 or odd matches: skip the one expression, keep the text.
        logger.debug("could not resolve %r: %s", mention.text, error)
        return None
