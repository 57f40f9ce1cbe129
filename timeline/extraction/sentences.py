"""Split a text into sentences, keeping character offsets into the original text."""

from __future__ import annotations

import bisect
import re

from .types import Sentence

# A period after one of these words rarely ends a sentence in news copy. Company suffixes are
# included because "Acme Inc. said" is far more common than a sentence ending in "Inc.".
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st jr sr gen gov sen rep lt col capt sgt cmdr adm maj rev hon pres supt
    messrs mt ft ave blvd no nos vol fig approx est dept univ assn bros inc corp co ltd plc
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    vs etc al e.g i.e a.m p.m
    ene abr ago dic janv févr fevr fév fev avr juil déc okt dez mär febr
    """.split()
)

_LINE = re.compile(r"[^\r\n]+")
# A run of terminal punctuation, any closing quotes or brackets, then whitespace or the end.
# Matched from the start of a run only and without backtracking (possessive quantifiers):
# otherwise "." * 40_000 + "x" is retried from every dot (quadratic).
_TERMINATOR = re.compile(r"(?<![.!?])[.!?]++[\"'\u201d\u2019\u00bb)\]]*+(?=\s|$)")
_FIRST_VISIBLE = re.compile(r"\s*+(\S)")
_WORD_BEFORE = re.compile(r"([^\W\d_](?:[^\W\d_]|\.)*)$")
_OPENERS = "\"'\u201c\u2018\u00ab([" + "0123456789"


def split_sentences(text: str) -> list[Sentence]:
    """Return the sentences of `text` in order; every line break also ends a sentence."""
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        sentences += _split_line(text, line.start(), line.end())
    return sentences


class SentenceFinder:
    """The sentence of `split_sentences(text)` holding a position, splitting only the lines
    asked about: a sentence never spans a line break, so each line splits on its own."""

    def __init__(self, text: str) -> None:
        self.text = text
        spans = [line.span() for line in _LINE.finditer(text)]
        self._line_starts = [start for start, _end in spans]
        self._line_ends = [end for _start, end in spans]
        self._lines: dict[int, tuple[list[Sentence], list[int]]] = {}

    def sentence_at(self, position: int) -> Sentence | None:
        line = bisect.bisect_right(self._line_starts, position) - 1
        if line < 0 or position >= self._line_ends[line]:
            return None  # a line break, or before the first line
        if line not in self._lines:
            sentences = _split_line(self.text, self._line_starts[line], self._line_ends[line])
            self._lines[line] = (sentences, [sentence.start for sentence in sentences])
        sentences, starts = self._lines[line]
        index = bisect.bisect_right(starts, position) - 1
        if index < 0:
            return None
        sentence = sentences[index]
        return sentence if position < sentence.end else None


def _split_line(text: str, line_start: int, line_end: int) -> list[Sentence]:
    sentences: list[Sentence] = []
    start = line_start
    for boundary in _boundaries(text, line_start, line_end):
        _append(sentences, text, start, boundary)
        start = boundary
    _append(sentences, text, start, line_end)
    return sentences


def _boundaries(text: str, line_start: int, line_end: int):
    for match in _TERMINATOR.finditer(text, line_start, line_end):
        after = match.end()
        # Peek at the next visible character; copying the rest of the line for every full stop
        # made a long line of them quadratic.
        following = _FIRST_VISIBLE.match(text, after, line_end)
        if following is None:
            continue
        first = following.group(1)
        if not (first.isupper() or first in _OPENERS):
            continue
        if _is_abbreviation(text, line_start, match.start(), match.group()):
            continue
        yield after


def _is_abbreviation(text: str, line_start: int, dot: int, terminator: str) -> bool:
    if not terminator.startswith(".") or len(terminator.rstrip("\"'\u201d\u2019\u00bb)]")) > 1:
        return False
    word = _WORD_BEFORE.search(text, max(line_start, dot - 20), dot)
    if word is None:
        return False
    token = word.group(1)
    bare = token.rstrip(".").lower()
    if "." in token.strip("."):
        # Dotted acronyms and initials such as "U.S." or "a.m."
        return True
    if len(bare) == 1 and token[0].isupper():
        # A single capital is an initial ("John F. Kennedy").
        return True
    return bare in ABBREVIATIONS


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = start + lead
    e = s + len(stripped)
    sentences.append(Sentence(s, e, text[s:e]))
