"""Run many patterns over a text without scanning the whole text once per pattern.

A plain `pattern.finditer(text)` per pattern walks every character of the text about forty
times. Instead, one scan finds the places where some pattern could match (its *triggers*: a
word or a digit every match of that pattern must contain), and each pattern then only runs
over small windows around its own triggers. The matches are exactly those of the full scan,
in the same order, with the same groups: see `finditer` for why.

The triggers are not written by hand: `plan_for` reads them off the compiled pattern itself
(the regular-expression parser's tree): a part every match must go through, such as the
month name of "month-day" or the unit word of "duration", becomes the pattern's trigger. A
pattern whose tree it cannot read gets no plan and is scanned in full, so a pattern added
later is never silently skipped. The standard library has no public API for that tree; the
`re._parser` module it uses is the one `re` itself compiles with.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

DIGIT = "#digit"  # the trigger "any decimal digit" (what `\d` matches)

# A guess at how often a trigger occurs in text, to choose the rarest part of a pattern.
# It only affects speed, never the matches.
_DIGIT_COST = 26.0**-2.5
# An unbounded repeat (a grouped number "1,000,000") is assumed to run at most this many
# times; a text with a longer run is scanned in full for that pattern (see `_Plan.guard`).
_REPEAT_CAP = 8

_LITERAL = sre.LITERAL
_IN = sre.IN
_BRANCH = sre.BRANCH
_SUBPATTERN = sre.SUBPATTERN
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ASSERTS = (sre.ASSERT, sre.ASSERT_NOT)
_MAXREPEAT = sre.MAXREPEAT
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class _Unsupported(Exception):
    """A construct the planner does not reason about: the pattern is scanned in full."""


@dataclass(frozen=True)
class _Plan:
    """How to find all matches of one pattern from its triggers."""

    triggers: frozenset[str]  # lower-case ASCII words (found anywhere, case-insensitively), DIGIT
    reach_back: int  # how far before its first trigger a match can start
    width: int  # the longest match, with unbounded repeats capped at _REPEAT_CAP
    margin: int  # how far past a match the engine may look (look-aheads, \b)
    # Characters of an unbounded repeat, and the run length past the cap: when the text has
    # such a run, a match may be longer than `width` and the pattern is scanned in full.
    guard: re.Pattern[str] | None


# Reading a pattern's tree -------------------------------------------------------------

# Triggers of a part of a pattern, and how far from the start of that part the first
# trigger can begin at most.
_Found = tuple[frozenset[str], int]


def _cost(found: _Found) -> float:
    triggers, offset = found
    rarity = sum(_DIGIT_COST if t == DIGIT else 26.0 ** -len(t) for t in triggers)
    return rarity * (1 + offset / 16)  # a far trigger makes every window longer


def _best(options: list[_Found]) -> _Found | None:
    return min(options, key=_cost) if options else None


def _set_triggers(items: list) -> frozenset[str] | None:
    """Triggers of a character set `[...]`: DIGIT if it holds only digits, else its letters."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            chars.add(DIGIT)
        elif op is _LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 64:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    if all(c == DIGIT or c.isdecimal() for c in chars):
        return frozenset({DIGIT})
    if chars <= _ASCII_LETTERS:
        return frozenset(c.lower() for c in chars)
    return None


def _literal_run_triggers(run: str, offset: int) -> list[_Found]:
    """A run of literal characters: its longest ASCII word, and DIGIT if it has a digit."""
    options = []
    digits = [i for i, c in enumerate(run) if c.isdecimal()]
    if digits:
        options.append((frozenset({DIGIT}), offset + digits[0]))
    words = list(re.finditer(r"[A-Za-z]+", run))
    if words:
        word = max(words, key=lambda w: len(w.group()))
        options.append((frozenset({word.group().lower()}), offset + word.start()))
    return options


def _sequence_triggers(items: Iterable, groups: dict[int, int]) -> _Found | None:
    """Triggers of a sequence: those of its rarest part that every match goes through."""
    options: list[_Found] = []
    run: list[str] = []
    before = run_start = 0  # the longest the parts before can be
    for op, av in items:
        if op is _LITERAL:
            if not run:
                run_start = before
            run.append(chr(av))
            before += 1
            continue
        if run:
            options += _literal_run_triggers("".join(run), run_start)
            run = []
        found = _item_triggers(op, av, groups)
        if found is not None:
            options.append((found[0], before + found[1]))
        before += _width([(op, av)], groups)[0]
    if run:
        options += _literal_run_triggers("".join(run), run_start)
    return _best(options)


def _item_triggers(op, av, groups: dict[int, int]) -> _Found | None:
    if op is _IN:
        found = _set_triggers(av)
        return None if found is None else (found, 0)
    if op is _SUBPATTERN or op is sre.ATOMIC_GROUP:
        return _sequence_triggers(av[-1] if op is _SUBPATTERN else av, groups)
    if op is _BRANCH:
        alternatives = [_sequence_triggers(alternative, groups) for alternative in av[1]]
        if any(a is None for a in alternatives):
            return None
        triggers = frozenset().union(*(a[0] for a in alternatives if a))
        return triggers, max(a[1] for a in alternatives if a)
    if op in _REPEATS and av[0] >= 1:
        # Every repetition holds a trigger, so the first one is within the first repetition.
        return _sequence_triggers(av[2], groups)
    return None  # optional parts, assertions, back-references: no promise of content


def _width(items: Iterable, groups: dict[int, int]) -> tuple[int, int]:
    """(longest match, furthest look past it) of a sequence, unbounded repeats capped."""
    width = margin = 0
    for op, av in items:
        if op is _LITERAL or op is sre.NOT_LITERAL or op is _IN or op is sre.ANY:
            item, extra = 1, 0
        elif op is sre.AT:
            item, extra = 0, 1  # \b and friends read one character each side
        elif op is _SUBPATTERN:
            item, extra = _width(av[-1], groups)
            if av[0] is not None:
                groups[av[0]] = item
        elif op is sre.ATOMIC_GROUP:
            item, extra = _width(av, groups)
        elif op is _BRANCH:
            spans = [_width(alternative, groups) for alternative in av[1]]
            item, extra = max(s[0] for s in spans), max(s[1] for s in spans)
        elif op in _REPEATS:
            body, extra = _width(av[2], groups)
            item = body * (_REPEAT_CAP if av[1] == _MAXREPEAT else av[1])
        elif op in _ASSERTS:
            inner, inner_extra = _width(av[1], groups)
            # A look-behind reads before the match, which a search from `pos` still sees.
            item, extra = 0, (inner + inner_extra if av[0] == 1 else 0)
        elif op is sre.GROUPREF and av in groups:
            item, extra = groups[av], 0
        else:
            raise _Unsupported(op)
        # A part can read `extra` past its own end, and its end is never past the match's.
        width += item
        margin = max(margin, extra)
    return width, margin


def _unbounded_bodies(items: Iterable) -> Iterator:
    """The bodies of the repeats with no upper bound (`+`, `*`, `{n,}`), at any depth."""
    for op, av in items:
        if op in _REPEATS:
            if av[1] == _MAXREPEAT:
                yield av[2]
            else:
                yield from _unbounded_bodies(av[2])
        elif op is _SUBPATTERN:
            yield from _unbounded_bodies(av[-1])
        elif op is sre.ATOMIC_GROUP:
            yield from _unbounded_bodies(av)
        elif op is _BRANCH:
            for alternative in av[1]:
                yield from _unbounded_bodies(alternative)
        elif op in _ASSERTS:
            yield from _unbounded_bodies(av[1])


def _guard(tree) -> re.Pattern[str] | None | bool:
    """A run of characters that only a match longer than the capped width could need.

    More than _REPEAT_CAP repetitions of a body fill a run of at least (_REPEAT_CAP + 1)
    times its shortest length with its characters. None: nothing unbounded; False: an
    unbounded part the planner cannot bound this way.
    """
    bodies = list(_unbounded_bodies(tree.data))
    if not bodies:
        return None
    chars: set[str] = set()
    for body in bodies:
        body_chars = _plain_chars(body)
        if body_chars is None or body.getwidth()[0] == 0:
            return False
        chars |= body_chars
    shortest = min(body.getwidth()[0] for body in bodies)
    return re.compile(f"[{''.join(sorted(chars))}]{{{(_REPEAT_CAP + 1) * shortest},}}")


def _plain_chars(items: Iterable) -> set[str] | None:
    """Characters a repeat body can match, as a set of literal characters and `\\d`."""
    chars: set[str] = set()
    for op, av in items:
        if op is _LITERAL:
            chars.add(re.escape(chr(av)))
        elif op is _IN and all(
            (o is _LITERAL) or (o is sre.CATEGORY and a is sre.CATEGORY_DIGIT) for o, a in av
        ):
            chars.update(r"\d" if o is sre.CATEGORY else re.escape(chr(a)) for o, a in av)
        elif op in _REPEATS:
            inner = _plain_chars(av[2])
            if inner is None:
                return None
            chars |= inner
        elif op is _SUBPATTERN:
            inner = _plain_chars(av[-1])
            if inner is None:
                return None
            chars |= inner
        else:
            return None
    return chars


@cache
def plan_for(pattern: re.Pattern[str]) -> _Plan | None:
    """The trigger plan of a compiled pattern, or None: scan that pattern in full."""
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        groups: dict[int, int] = {}
        width, margin = _width(tree.data, groups)
        found = _sequence_triggers(tree.data, groups)
    except (_Unsupported, re.error, RecursionError, TypeError, ValueError):
        return None
    if not found or not found[0] or width == 0 or tree.getwidth()[0] == 0:
        return None  # a pattern that can match the empty string or anything at all
    guard = _guard(tree)
    if guard is False:
        return None
    triggers, reach_back = found
    return _Plan(triggers, reach_back + 1, width + 2, margin + 2, guard)


# Finding the triggers in a text --------------------------------------------------------


@dataclass(frozen=True)
class _TriggerWords:
    """The trigger words of a set of plans, and which of them each word of a text holds."""

    words: frozenset[str]
    # A run of letters -> the trigger words inside it. Bounded: cleared when full.
    held: dict[str, tuple[str, ...]]

    def inside(self, token: str) -> tuple[str, ...]:
        held = self.held.get(token)
        if held is None:
            if len(self.held) >= _HELD_LIMIT:
                self.held.clear()
            held = self.held[token] = tuple(w for w in self.words if w in token)
        return held


_HELD_LIMIT = 50_000


@cache
def _trigger_words(words: frozenset[str]) -> _TriggerWords:
    return _TriggerWords(words, {})


# The characters that case-insensitive matching takes for an ASCII letter besides its two
# cases (U+0130 "İ" lower-cases to two characters, so it is mapped before lower-casing).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_LETTER_RUN = re.compile(r"[a-z]+")
_DIGIT_RUN = re.compile(r"\d+")


def _folded(text: str) -> str:
    """`text` lower-cased, one character for one, so `word` in it finds `(?i:word)`."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        text = text.translate(_FOLD)
    return text.lower()


class TriggerIndex:
    """Where the trigger words (inside any run of letters, in any case) and digits are."""

    def __init__(self, text: str, plans: Iterable[_Plan | None]) -> None:
        words = frozenset(t for plan in plans if plan for t in plan.triggers if t != DIGIT)
        trigger_words = _trigger_words(words)
        self.text = text
        self.digit_runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
        # Every ASCII word of a pattern lies inside one run of ASCII letters of the folded text.
        self.words: dict[str, list[tuple[int, int]]] = {}
        inside = trigger_words.inside
        spans = self.words
        for match in _LETTER_RUN.finditer(_folded(text)):
            for word in inside(match.group()):
                spans.setdefault(word, []).append(match.span())
        self._guards: dict[re.Pattern[str], bool] = {}

    def windows(self, plan: _Plan) -> list[tuple[int, int]]:
        """Sorted, merged ranges of positions where a match of `plan` could start."""
        back = plan.reach_back
        ranges: list[tuple[int, int]] = []
        for trigger in plan.triggers:
            spans = self.digit_runs if trigger == DIGIT else self.words.get(trigger, ())
            ranges += [(start - back, end) for start, end in spans]
        ranges.sort()
        merged: list[tuple[int, int]] = []
        for start, end in ranges:
            if merged and start <= merged[-1][1]:
                if end > merged[-1][1]:
                    merged[-1] = (merged[-1][0], end)
            else:
                merged.append((max(0, start), end))
        return merged

    def needs_full_scan(self, plan: _Plan) -> bool:
        if plan.guard is None:
            return False
        if plan.guard not in self._guards:
            self._guards[plan.guard] = plan.guard.search(self.text) is not None
        return self._guards[plan.guard]


def finditer(pattern: re.Pattern[str], index: TriggerIndex) -> Iterator[re.Match[str]]:
    """The matches of `pattern.finditer(index.text)`, found from the triggers only.

    Why they are the same: every match contains one of the plan's triggers, so it starts in
    one of `windows`; between windows no match can start. `finditer` takes the leftmost match
    at or after the end of the previous one; so does this loop, window by window. A search
    limited to `endpos` behaves as on the full text for any start from which the engine
    cannot read up to `endpos`: the match is at most `width` long and the engine looks at
    most `margin` further, so `endpos` is set beyond both.
    """
    text = index.text
    plan = plan_for(pattern)
    if plan is None or index.needs_full_scan(plan):
        yield from pattern.finditer(text)
        return
    search = pattern.search
    reach = plan.width + plan.margin + 1
    size = len(text)
    position = 0
    for low, high in index.windows(plan):
        start = max(low, position)
        while start < high:
            match = search(text, start, min(size, high + reach))
            if match is None or match.start() >= high:
                break
            yield match
            start = position = match.end()


def scan_all(
    patterns: Sequence[re.Pattern[str]], text: str
) -> Iterator[tuple[int, Iterator[re.Match[str]]]]:
    """(pattern number, its matches) for each pattern, sharing one trigger scan."""
    index = TriggerIndex(text, [plan_for(p) for p in patterns])
    for number, pattern in enumerate(patterns):
        yield number, finditer(pattern, index)
