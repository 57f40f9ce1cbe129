"""Guess whether the clause around a temporal expression talks about the past or the future.

A deliberately light heuristic: no parser, just the tense markers of the clause that holds the
expression. The marker nearest to the expression wins; when the clause has none (a fronted
"On Thursday," for instance) the nearest marker in the whole sentence decides.
"""

from __future__ import annotations

import bisect
import re
from enum import Enum

from .languages import Language, base_language, language


class Tense(str, Enum):
    PAST = "past"
    PRESENT = "present"
    FUTURE = "future"
    # A plan or a future seen from the past ("planned to leave on Thursday", "said they would
    # appeal Wednesday's ruling"): it may lie either side of publication; the nearest wins.
    PLAN = "plan"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|--|[,;:()\"\u201c\u201d\u2014\u2013]")
_CLAUSE_BREAKS = frozenset(
    [",", ";", ":", "(", ")", '"', "\u201c", "\u201d", "\u2014", "\u2013", "--"]
    + "where while whereas although though because but that which who".split()
    # Subordinators open a clause with its own verb: "will leave on Wednesday after X reached".
    + "after before when once if unless as".split()
)

_FUTURE_WORDS = frozenset("will shall won't 'll upcoming may might should".split())
_PAST_WORDS = frozenset(
    """said was were had did ago yesterday told met held came went took made gave began left won
    lost saw sent spoke wrote found brought bought sold paid fell rose struck led kept got became
    thought knew felt heard meant ran stood sat set put cut hit let read spent built broke chose
    drove flew grew threw wore fought caught taught sought""".split()
)
# "-ed" words that are not past-tense verbs.
_NOT_PAST = frozenset(
    """need speed seed feed bleed breed proceed exceed succeed indeed hundred red bed shed
    wed bred fled sled naked wicked sacred kindred steed greed tweed heed weed deed""".split()
)
# Before these "last" is the verb ("will last until May"), not "last week".
_VERB_LEADERS = frozenset("will would to may might could can should must 'll won't".split())
# Only a present auxiliary makes "due"/"expected" look ahead; "had been due in April" is past.
_PRESENT_AUXILIARIES = frozenset("is are am be 's".split())
# A participle after these is passive ("will be paid Dec. 14"): the auxiliary's tense counts.
_PASSIVE_AUXILIARIES = frozenset("be being".split())
_PRESENT_WORDS = frozenset("is are am".split())
# Before an "-ed" word these make it an adjective ("a planned merger"), not a past verb.
_ADJECTIVE_LEADERS = frozenset("a an the its their his her our this these still newly".split())
_FUTURE_ADJECTIVES = frozenset(
    "set due scheduled slated expected poised going about planned".split()
)
# These announce a plan even without an auxiliary ("talks, set to resume Monday").
_PLAN_PARTICIPLES = frozenset("set scheduled slated poised".split())
_PLAN_LINKS = frozenset("to in on for by".split())
# "planned to" is left out: as often a past plan ("the government planned to pay on Friday").
_INTENT_VERBS = frozenset("plans plan planning intends intend aims hopes".split())
# "next" looks ahead only before a time word; "next to the embassy" is a place.
_TIME_WORDS = frozenset(
    """week month year quarter weekend day decade century spring summer autumn fall winter
    monday tuesday wednesday thursday friday saturday sunday morning evening""".split()
)


class SentenceTenses:
    """Tense markers of one sentence, indexed once so each expression is a few bisections."""

    def __init__(self, sentence: str, lang: str = "en") -> None:
        table = language(base_language(lang)) if lang and lang[:2].lower() != "en" else None
        token = _TOKEN if table is None else _WORD_TOKEN
        words = token.findall(sentence)
        if table is None:
            # English tokens are ASCII words and punctuation, none with a space: lowered at
            # once, they split back into the same tokens.
            lowered = " ".join(words).lower().split(" ") if words else []
            self._markers = _markers(words, lowered)
            breaks = _CLAUSE_BREAKS
        else:
            lowered = [word.lower() for word in words]
            self._markers = _language_markers(words, table)
            breaks = _PUNCTUATION_BREAKS | table.clause_breaks
        if not self._markers:
            return  # `tense_at` answers UNKNOWN without looking at the positions
        # Every token's start and every token's end, as bisect wants them.
        self._starts, self._ends = _spans(sentence, words)
        self._marker_positions = sorted(self._markers)
        self._breaks = [i for i, word in enumerate(lowered) if word in breaks]

    def tense_at(self, start: int, end: int) -> Tense:
        """Tense of the clause governing the characters `start:end` of the sentence."""
        if not self._markers:
            return Tense.UNKNOWN  # no marker anywhere: neither search below can find one
        last_before = bisect.bisect_right(self._ends, start) - 1
        first_after = bisect.bisect_left(self._starts, end)
        # The clause runs between the nearest breaks around the expression.
        b = bisect.bisect_right(self._breaks, last_before) - 1
        clause_start = self._breaks[b] if b >= 0 else -1
        a = bisect.bisect_left(self._breaks, first_after)
        clause_end = self._breaks[a] if a < len(self._breaks) else len(self._starts)
        chosen = self._nearest(last_before, first_after, clause_start, clause_end)
        if chosen is not None:
            return self._markers[chosen]
        chosen = self._nearest(last_before, first_after, -1, len(self._starts))
        if chosen is None:
            return Tense.UNKNOWN
        tense = self._markers[chosen]
        if tense is Tense.PLAN and chosen >= first_after:
            # "On Thursday, the team planned to leave": a fronted day dates the planning.
            return Tense.PAST
        return tense

    def _nearest(self, last_before: int, first_after: int, low: int, high: int) -> int | None:
        positions = self._marker_positions
        candidates = []
        i = bisect.bisect_right(positions, last_before) - 1
        if i >= 0 and positions[i] > low:
            candidates.append((last_before - positions[i], 0, positions[i]))
        j = bisect.bisect_left(positions, first_after)
        if j < len(positions) and positions[j] < high:
            candidates.append((positions[j] - first_after, 1, positions[j]))
        # On a tie the earlier marker wins: English puts the verb before its adjuncts.
        return min(candidates)[2] if candidates else None


def _spans(sentence: str, tokens: list[str]) -> tuple[list[int], list[int]]:
    """The starts and ends of `tokens`, the matches of _TOKEN or _WORD_TOKEN in `sentence`.

    Each token is the first occurrence of its text after the token before: the characters
    between two tokens are none that a token can begin with (else the scan would have taken
    a token there), so `find` finds it where the scan did, without a match object per token.
    """
    starts: list[int] = []
    ends: list[int] = []
    find = sentence.find
    end = 0
    for token in tokens:
        start = find(token, end)
        starts.append(start)
        end = start + len(token)
        ends.append(end)
    return starts, ends


def clause_tense(sentence: str, start: int, end: int, lang: str = "en") -> Tense:
    """Tense of the clause governing `sentence[start:end]`."""
    return SentenceTenses(sentence, lang).tense_at(start, end)


# Spanish, French, German: a table of marker words and endings per language (languages.py).
_WORD_TOKEN = re.compile(
    r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?|--|[,;:()\"\u201c\u201d\u2014\u2013\u00ab\u00bb]"
)
_PUNCTUATION_BREAKS = frozenset(
    [",", ";", ":", "(", ")", '"', "\u201c", "\u201d", "\u2014", "\u2013", "--", "\u00ab", "\u00bb"]
)


def _language_markers(words: list[str], table: Language) -> dict[int, Tense]:
    markers: dict[int, Tense] = {}
    lowered = [w.lower().replace("\u2019", "'") for w in words]
    seen_auxiliary = False
    for i, word in enumerate(lowered):
        nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
        after = lowered[i + 1 : i + 3]
        plain = words[i].islower() and len(word) >= 4
        if table.code == "de" and words[i] == "morgen":
            markers[i] = Tense.FUTURE
        elif table.code == "de" and word == "morgen":
            continue  # the noun "Morgen", morning
        elif word in table.future_words:
            markers[i] = Tense.FUTURE
        elif word in table.going_to and nxt and nxt.endswith(table.going_to_next):
            markers[i] = Tense.FUTURE
        elif word in table.past_words:
            markers[i] = Tense.PAST
        elif word in table.perfect_auxiliaries and any(
            w.endswith(table.participle_suffixes) and w not in table.future_words for w in after
        ):
            markers[i] = Tense.PAST
        elif plain and word.endswith(table.future_suffixes) and word not in table.not_future:
            markers[i] = Tense.FUTURE
        elif plain and word.endswith(table.past_suffixes) and word not in table.not_past:
            if not (table.code == "fr" and word.endswith(("rait", "raient"))):
                markers[i] = Tense.PAST
        elif table.code == "de" and seen_auxiliary and _german_participle(words[i]):
            markers[i] = Tense.PAST
        if table.code == "de" and word in ("ist", "sind", "hat", "haben", "war", "waren"):
            seen_auxiliary = True
    return markers


_NOT_PARTICIPLES = frozenset("gegen genug gestern gerade genau gemeinsam gesamt generell".split())


def _german_participle(word: str) -> bool:
    """ "getroffen", "gereist": a perfect's participle closing a clause after "ist"."""
    return (
        word.islower()
        and len(word) >= 6
        and word.startswith("ge")
        and word.endswith(("t", "en"))
        and word not in _NOT_PARTICIPLES
    )


def _markers(words: list[str], lowered: list[str]) -> dict[int, Tense]:
    markers: dict[int, Tense] = {}
    for i, word in enumerate(lowered):
        if word not in _MARKER_WORDS and not word.endswith(_MARKER_ENDINGS):
            continue  # most words: no branch below can mark them
        nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
        prev = lowered[i - 1] if i else ""
        if word in _FUTURE_WORDS or word.endswith("'ll") or (word == "next" and nxt in _TIME_WORDS):
            markers[i] = Tense.FUTURE
        elif word in _FUTURE_ADJECTIVES and prev in _PRESENT_AUXILIARIES:
            markers[i] = Tense.FUTURE
        elif word in _FUTURE_ADJECTIVES and prev in ("was", "were") and nxt in _PLAN_LINKS:
            markers[i] = Tense.FUTURE
        elif word in _PLAN_PARTICIPLES and i > 1 and prev == "been" and lowered[i - 2] == "had":
            # "had been scheduled to expire Friday": a plan that lay in the past.
            markers[i] = Tense.PAST
        elif word in _PLAN_PARTICIPLES and (nxt == "to" or prev in ("has", "have")):
            # "set to resume", "has scheduled a vote for Friday": a plan still ahead.
            markers[i] = Tense.FUTURE
        elif word == "as" and prev in ("soon", "early") and i > 1 and lowered[i - 2] == "as":
            # "as soon as Tuesday", "as early as next week": the earliest of what is to come.
            markers[i] = Tense.FUTURE
        elif word in _INTENT_VERBS and nxt == "to":
            markers[i] = Tense.FUTURE
        elif word == "planned" and prev not in _ADJECTIVE_LEADERS and prev not in ("be", "been"):
            markers[i] = Tense.PLAN
        elif word == "would":
            markers[i] = Tense.PLAN  # the future of a past "said": ahead of then, not of now
        elif word in ("was", "were") and nxt == "planning":
            markers[i] = Tense.PLAN  # "were planning to drive ... on Monday"
        elif (
            word == "to"
            and nxt == "be"
            and i + 2 < len(lowered)
            and lowered[i + 2]
            in (
                "held",
                "signed",
                "released",
                "published",
                "launched",
            )
        ):
            markers[i] = Tense.FUTURE
        elif (word in _PAST_WORDS and prev not in _PASSIVE_AUXILIARIES) or (
            word == "last" and prev not in _VERB_LEADERS
        ):
            markers[i] = Tense.PAST
        elif (
            _looks_past(words[i])
            and prev not in _PASSIVE_AUXILIARIES
            and prev not in _ADJECTIVE_LEADERS
            and nxt != "by"
        ):
            # "would be signed": the participle after "be" is passive, the modal decides; "an
            # unspecified date" and "markets untouched by the crisis" are adjectives.
            markers[i] = Tense.PAST
        elif word in _PRESENT_WORDS and nxt not in _FUTURE_ADJECTIVES:
            markers[i] = Tense.PRESENT
    return _drop_consumed(markers, lowered)


# Every word one of the branches of `_markers` can mark, besides the endings below: the
# others are skipped at once.
_MARKER_WORDS = (
    _FUTURE_WORDS
    | _FUTURE_ADJECTIVES
    | _PLAN_PARTICIPLES
    | _INTENT_VERBS
    | _PAST_WORDS
    | _PRESENT_WORDS
    | frozenset("next as planned would was were to last".split())
)
_MARKER_ENDINGS = ("ed", "'ll")


def _looks_past(word: str) -> bool:
    return len(word) > 4 and word.islower() and word.endswith("ed") and word not in _NOT_PAST


def _drop_consumed(markers: dict[int, Tense], words: list[str]) -> dict[int, Tense]:
    # "is set to", "to be held": the participle inside a future phrase is not a past marker.
    for i in sorted(markers):
        if markers.get(i) is not Tense.FUTURE:
            continue  # not a future marker, or dropped by an earlier one
        word = words[i]
        if word == "to" and i + 2 < len(words):
            markers.pop(i + 2, None)
        elif word in _FUTURE_ADJECTIVES and i:
            markers.pop(i - 1, None)
    return markers
