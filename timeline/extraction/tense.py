"""Guess whether the clause around a temporal expression talks about the past or the future.

A deliberately light heuristic: no parser, just the tense markers of the clause that holds the
expression. The marker nearest to the expression wins; when the clause has none (a fronted
"On Thursday," for instance) the nearest marker in the whole sentence decides.
"""

from __future__ import annotations

import re
from enum import Enum


class Tense(str, Enum):
    PAST = "past"
    FUTURE = "future"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|--|[,;:()\"\u201c\u201d\u2014\u2013]")
_CLAUSE_BREAKS = frozenset(
    [",", ";", ":", "(", ")", '"', "\u201c", "\u201d", "\u2014", "\u2013", "--"]
    + "where while whereas although though because but that which who".split()
)

_FUTURE_WORDS = frozenset("will shall won't 'll upcoming".split())
_PAST_WORDS = frozenset(
    """said was were had did ago yesterday told met held came went took made gave began left won
    lost saw sent spoke wrote found brought bought sold paid fell rose struck led kept got became
    thought knew felt heard meant ran stood sat set put cut hit let read spent built broke chose
    drove flew grew threw wore fought caught taught sought""".split()
)
# "-ed" words that are not past-tense verbs.
_NOT_PAST = frozenset(
    """need speed seed feed bleed breed proceed exceed succeed indeed hundred red bed shed
    wed bred fled sled naked wicked sacred kindred""".split()
)
_AUXILIARIES = frozenset("is are was were be".split())
_FUTURE_ADJECTIVES = frozenset("set due scheduled slated expected poised going about".split())
_INTENT_VERBS = frozenset("plans plan planning planned intends intend aims hopes".split())


def clause_tense(sentence: str, start: int, end: int) -> Tense:
    """Tense of the clause governing `sentence[start:end]`."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(sentence)]
    words = [t[2] for t in tokens]
    markers = _markers(words)
    before = [i for i, t in enumerate(tokens) if t[1] <= start]
    after = [i for i, t in enumerate(tokens) if t[0] >= end]
    first_after = after[0] if after else len(tokens)
    last_before = before[-1] if before else -1

    clause_start = last_before
    while clause_start >= 0 and words[clause_start] not in _CLAUSE_BREAKS:
        clause_start -= 1
    clause_end = first_after
    while clause_end < len(words) and words[clause_end] not in _CLAUSE_BREAKS:
        clause_end += 1

    in_clause = {i: t for i, t in markers.items() if clause_start < i < clause_end}
    chosen = in_clause or markers
    if not chosen:
        return Tense.UNKNOWN

    def distance(i: int) -> tuple[int, int]:
        gap = last_before - i if i <= last_before else i - first_after
        # On a tie the earlier marker wins: English puts the verb before its adjuncts.
        return (gap, 0 if i <= last_before else 1)

    return chosen[min(chosen, key=distance)]


def _markers(words: list[str]) -> dict[int, Tense]:
    markers: dict[int, Tense] = {}
    lowered = [w.lower() for w in words]
    for i, word in enumerate(lowered):
        nxt = lowered[i + 1] if i + 1 < len(lowered) else ""
        prev = lowered[i - 1] if i else ""
        if word in _FUTURE_WORDS or word.endswith("'ll") or word == "next":
            markers[i] = Tense.FUTURE
        elif word in _FUTURE_ADJECTIVES and prev in _AUXILIARIES and nxt == "to":
            markers[i] = Tense.FUTURE
        elif word in _INTENT_VERBS and nxt == "to":
            markers[i] = Tense.FUTURE
        elif word == "to" and nxt == "be" and i + 2 < len(lowered) and lowered[i + 2] in (
            "held",
            "signed",
            "released",
            "published",
            "launched",
        ):
            markers[i] = Tense.FUTURE
        elif i in markers:
            continue
        elif word in _PAST_WORDS or word == "last" or _looks_past(words[i]):
            markers[i] = Tense.PAST
    return _drop_consumed(markers, lowered)


def _looks_past(word: str) -> bool:
    return (
        len(word) > 4
        and word.islower()
        and word.endswith("ed")
        and word not in _NOT_PAST
        and not word.endswith("eed")
    )


def _drop_consumed(markers: dict[int, Tense], words: list[str]) -> dict[int, Tense]:
    # "is set to", "to be held": the participle inside a future phrase is not a past marker.
    for i, word in enumerate(words):
        if markers.get(i) is not Tense.FUTURE:
            continue
        if word == "to" and i + 2 < len(words):
            markers.pop(i + 2, None)
        elif word in _FUTURE_ADJECTIVES and i:
            markers.pop(i - 1, None)
    return markers
