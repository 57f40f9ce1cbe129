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

import bisect
import re
import re._constants as sre
import re._parser as sre_parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache

_DIGIT_PREFIX = "#"
_ANY_DIGIT = r"\d"

# A guess at how often a trigger occurs in text, to choose the rarest part of a pattern.
# It only affects speed, never the matches.
_DIGIT_COST = 26.0**-2.5
# An unbounded repeat (a grouped number "1,000,000") is assumed to run at most this many
# times; a longer match overlaps a long run of that repeat's characters (`_Plan.long_run`).
_REPEAT_CAP = 1

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

    # Lower-case ASCII words (found inside any run of letters, in any case), and
    # `digit_run(n)`: a run of at least n digits.
    triggers: frozenset[str]
    reach_back: int  # how far before its first trigger a match can start
    width: int  # the longest match, with unbounded repeats capped at _REPEAT_CAP
    reach: int  # the furthest character the engine may read from a match's start
    # A run of the characters of an unbounded repeat, longer than the capped repeats can
    # be: only a match that overlaps such a run can be longer than `width`.
    long_run: re.Pattern[str] | None
    # Where a match can start: a `\b` followed by one of the pattern's possible first
    # characters; None if the pattern does not open with `\b` (or its first is any).
    starts: re.Pattern[str] | None
    # The pattern itself, opened by a look-ahead at its possible first characters (see
    # `_guarded`); the pattern if those are unknown.
    guarded: re.Pattern[str]
    words: frozenset[str]  # the trigger words
    digits: int  # the shortest run of digits that is a trigger; 0 if none is


# Reading a pattern's tree -------------------------------------------------------------

# Triggers of a part of a pattern, and how far from the start of that part the first
# trigger can begin at most.
_Found = tuple[frozenset[str], int]


def digit_run(length: int) -> str:
    r"""The trigger "a run of at least `length` digits" (digits as `\d` reads them)."""
    return f"{_DIGIT_PREFIX}{length}"


def _digit_length(trigger: str) -> int | None:
    return int(trigger[1:]) if trigger.startswith(_DIGIT_PREFIX) else None


# A trigger word written "^word" occurs only where a run of letters starts: the part before
# it in the pattern always ends in a character that is no ASCII letter (a space, a hyphen).
# "day" is inside "Monday" and "today"; a duration's unit "day" never is.
_WORD_START = "^"


def word_start(word: str) -> str:
    """The trigger "`word` at the start of a run of letters"."""
    return word if word.startswith(_WORD_START) else f"{_WORD_START}{word}"


def _bare(trigger: str) -> str:
    return trigger[1:] if trigger.startswith(_WORD_START) else trigger


def _at_word_start(found: _Found) -> _Found:
    triggers, offset = found
    return frozenset(t if _digit_length(t) is not None else word_start(t) for t in triggers), offset


def _set_without_letters(items: list) -> bool:
    """Whether a character set `[...]` holds no ASCII letter (in any case)."""
    if items and items[0][0] is sre.NEGATE:
        # [^\S...]: nothing that is not a space, so spaces at most.
        return any(op is sre.CATEGORY and av is sre.CATEGORY_NOT_SPACE for op, av in items[1:])
    for op, av in items:
        if op is _LITERAL:
            if not _plain_non_letter(av):
                return False
        elif op is sre.RANGE:
            if not all(_plain_non_letter(c) for c in range(av[0], av[1] + 1)):
                return False
        elif op is sre.CATEGORY:
            if av not in (sre.CATEGORY_SPACE, sre.CATEGORY_DIGIT):
                return False
        else:
            return False
    return True


def _plain_non_letter(code: int) -> bool:
    # ASCII only: a few other characters match an ASCII letter when case is ignored.
    return code < 128 and chr(code) not in _ASCII_LETTERS


def _ends_without_letter(op, av) -> bool:
    """Whether a part always consumes a last character that is no ASCII letter."""
    if op is _LITERAL:
        return _plain_non_letter(av)
    if op is _IN:
        return _set_without_letters(av)
    if op is _SUBPATTERN:
        data = av[-1].data
        return bool(data) and _ends_without_letter(*data[-1])
    if op is _BRANCH:
        return all(alt.data and _ends_without_letter(*alt.data[-1]) for alt in av[1])
    if op in _REPEATS:
        data = av[2].data
        return av[0] >= 1 and bool(data) and _ends_without_letter(*data[-1])
    return False


def _cost(found: _Found) -> float:
    triggers, offset = found
    rarity = 0.0
    for trigger in triggers:
        digits = _digit_length(trigger)
        rarity += 26.0 ** -len(trigger) if digits is None else _DIGIT_COST * 0.6 ** (digits - 1)
    return rarity * (1 + offset / 16)  # a far trigger makes every window longer


def _best(options: list[_Found]) -> _Found | None:
    return min(options, key=_cost) if options else None


def _set_chars(items: list) -> set[str] | None:
    r"""The characters of a set `[...]` (with `\d` as itself), or None if it is not small."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.CATEGORY and av is sre.CATEGORY_DIGIT:
            chars.add(_ANY_DIGIT)
        elif op is _LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 64:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return chars


def _digits_only(op, av) -> int | None:
    """The fewest digits a part consumes if it consumes nothing but digits, else None."""
    if op is _LITERAL:
        return 1 if chr(av).isdecimal() else None
    if op is _IN:
        chars = _set_chars(av)
        ok = chars is not None and all(c == _ANY_DIGIT or c.isdecimal() for c in chars)
        return 1 if ok else None
    if op is _SUBPATTERN:
        lengths = [_digits_only(o, a) for o, a in av[-1]]
        return None if None in lengths else sum(lengths)  # type: ignore[arg-type]
    if op is _BRANCH:
        if any(len(alternative.data) != 1 for alternative in av[1]):
            return None
        lengths = [_digits_only(*alternative.data[0]) for alternative in av[1]]
        return None if None in lengths else min(lengths)  # type: ignore[type-var]
    if op in _REPEATS and len(av[2].data) == 1:
        body = _digits_only(*av[2].data[0])
        return None if body is None else body * av[0]
    return None


def _letter_triggers(items: list) -> frozenset[str] | None:
    """Triggers of a set of ASCII letters: the letters themselves."""
    chars = _set_chars(items)
    if chars and chars <= _ASCII_LETTERS:
        return frozenset(c.lower() for c in chars)
    return None


def _word_of(run: str, offset: int) -> list[_Found]:
    """The longest ASCII word of a run of literal characters, as a trigger."""
    words = list(re.finditer(r"[A-Za-z]+", run))
    if not words:
        return []
    word = max(words, key=lambda w: len(w.group()))
    return [(frozenset({word.group().lower()}), offset + word.start())]


def _run_words(run: str, offset: int, after_non_letter: bool) -> list[_Found]:
    """`_word_of`, the word marked as starting a run of letters when it opens the run and
    the run follows a non-letter."""
    found = _word_of(run, offset)
    if found and after_non_letter and found[0][1] == offset:
        return [_at_word_start(found[0])]
    return found


def _sequence_triggers(items: Iterable, groups: dict[int, int]) -> _Found | None:
    """Triggers of a sequence: those of its rarest part that every match goes through.

    Consecutive literal characters make a word; consecutive digit-only parts make a run of
    at least so many digits.
    """
    options: list[_Found] = []
    run: list[str] = []
    digits = 0
    before = run_start = digits_start = 0  # the longest the parts before can be
    previous = None  # the part before this one
    run_after_non_letter = False
    for op, av in items:
        length = _digits_only(op, av)
        if length is None and digits:
            options.append((frozenset({digit_run(digits)}), digits_start))
            digits = 0
        elif length is not None:
            if not digits:
                digits_start = before
            digits += length
        after_non_letter = previous is not None and _ends_without_letter(*previous)
        previous = (op, av)
        if op is _LITERAL and length is None:
            if not run:
                run_start = before
                run_after_non_letter = after_non_letter
            run.append(chr(av))
            before += 1
            continue
        if run:
            options += _run_words("".join(run), run_start, run_after_non_letter)
            run = []
        found = None if length is not None else _item_triggers(op, av, groups)
        if found is not None:
            if found[1] == 0 and after_non_letter:
                # Its triggers begin where the part does, right after a non-letter.
                found = _at_word_start(found)
            options.append((found[0], before + found[1]))
        before += _width([(op, av)], groups)[0]
    if run:
        options += _run_words("".join(run), run_start, run_after_non_letter)
    if digits:
        options.append((frozenset({digit_run(digits)}), digits_start))
    return _best(options)


def _item_triggers(op, av, groups: dict[int, int]) -> _Found | None:
    if op is _IN:
        found = _letter_triggers(av)
        return None if found is None else (found, 0)
    if op is _SUBPATTERN or op is sre.ATOMIC_GROUP:
        return _sequence_triggers(av[-1] if op is _SUBPATTERN else av, groups)
    if op is _BRANCH:
        alternatives = [_sequence_triggers(alternative, groups) for alternative in av[1]]
        if any(a is None for a in alternatives):
            return None
        triggers = frozenset().union(*(a[0] for a in alternatives if a))
        runs = [n for n in map(_digit_length, triggers) if n is not None]
        if len(runs) > 1:  # a run of n digits holds a shorter one: keep the shortest
            triggers = frozenset(t for t in triggers if _digit_length(t) in (None, min(runs)))
        return triggers, max(a[1] for a in alternatives if a)
    if op in _REPEATS and av[0] >= 1:
        # Every repetition holds a trigger, so the first one is within the first repetition.
        return _sequence_triggers(av[2], groups)
    return None  # optional parts, assertions, back-references: no promise of content


def _width(items: Iterable, groups: dict[int, int]) -> tuple[int, int]:
    """(longest match, furthest character read from its start) of a sequence.

    Unbounded repeats count _REPEAT_CAP times. The engine reads past what it consumes only
    in look-aheads and at `\b`; a look-behind reads before the start, which a search from
    `pos` still sees.
    """
    width = reach = 0
    for op, av in items:
        if op is _LITERAL or op is sre.NOT_LITERAL or op is _IN or op is sre.ANY:
            item = item_reach = 1
        elif op is sre.AT:
            item, item_reach = 0, 1  # \b and friends read the character after them
        elif op is _SUBPATTERN:
            item, item_reach = _width(av[-1], groups)
            if av[0] is not None:
                groups[av[0]] = item
        elif op is sre.ATOMIC_GROUP:
            item, item_reach = _width(av, groups)
        elif op is _BRANCH:
            spans = [_width(alternative, groups) for alternative in av[1]]
            item, item_reach = max(s[0] for s in spans), max(s[1] for s in spans)
        elif op in _REPEATS:
            body, body_reach = _width(av[2], groups)
            times = _REPEAT_CAP if av[1] == _MAXREPEAT else av[1]
            item = body * times
            item_reach = body * max(0, times - 1) + body_reach if times else 0
        elif op in _ASSERTS:
            inner, inner_reach = _width(av[1], groups)
            item, item_reach = 0, (inner_reach if av[0] == 1 else 0)
        elif op is sre.GROUPREF and av in groups:
            item = item_reach = groups[av]
        else:
            raise _Unsupported(op)
        reach = max(reach, width + item_reach)
        width += item
    return width, max(reach, width)


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


def _long_run(tree) -> re.Pattern[str] | None | bool:
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


def plan_for(pattern: re.Pattern[str]) -> _Plan | None:
    """The trigger plan of a compiled pattern, or None: scan that pattern in full."""
    # Keyed by identity: hashing a compiled pattern hashes its whole compiled code, which
    # cost more than the scan it serves. The entry keeps the pattern, so its id stays its.
    known = _PLANS.get(id(pattern))
    if known is None or known[0] is not pattern:
        if len(_PLANS) >= 4096:  # only ever-new patterns could fill it; keep it bounded
            _PLANS.clear()
        known = _PLANS[id(pattern)] = (pattern, _plan(pattern))
    return known[1]


_PLANS: dict[int, tuple[re.Pattern[str], _Plan | None]] = {}


def _plan(pattern: re.Pattern[str]) -> _Plan | None:
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        groups: dict[int, int] = {}
        width, reach = _width(tree.data, groups)
        found = _sequence_triggers(tree.data, groups)
        long_run = _long_run(tree)
    except (_Unsupported, re.error, RecursionError, TypeError, ValueError):
        return None
    if not found or not found[0] or long_run is False or tree.getwidth()[0] == 0:
        return None  # a pattern that can match the empty string or anything at all
    triggers, reach_back = found
    starts = None
    guarded = pattern
    # Only a pattern opening with \b gains by the guard: one opening with a look-behind
    # already gives up at once on most positions, and on text made of its first characters
    # ("111...") the guard would be one more test at every position.
    if tree.data and tree.data[0] == (sre.AT, sre.AT_BOUNDARY):
        first = _first_chars(tree.data, pattern.flags & re.IGNORECASE, _FirstChars())
        if first is not None and not first.nullable:
            guarded = _guarded(pattern, first)
            starts = re.compile(rf"\b(?={first.regex()})")
    words = frozenset(t for t in triggers if _digit_length(t) is None)
    digits = min((n for n in map(_digit_length, triggers) if n is not None), default=0)
    return _Plan(triggers, reach_back, width, reach, long_run, starts, guarded, words, digits)


def _guarded(pattern: re.Pattern[str], first: _FirstChars) -> re.Pattern[str]:
    """`pattern` behind a look-ahead at the characters its matches can begin with.

    It matches exactly where `pattern` does, with the same groups: every match of `pattern`
    begins with one of those characters. But it gives up sooner where none is: the engine
    tries a pattern at every position of a search, and a pattern opening with `\b` and
    alternatives of words tries each alternative in turn (a case-insensitive one gets no
    quick first-character test), where one look-up in a set of characters says no. On dense
    text most positions are such misses: this halves the cost of some patterns.
    """
    if not pattern.pattern.startswith(r"\b"):
        return pattern  # the \b is written some other way: leave the pattern as it is
    # After the \b, which is cheaper still and gives up first on most positions.
    try:
        return re.compile(rf"\b(?={first.regex()})" + pattern.pattern[2:], pattern.flags)
    except re.error:
        return pattern


@dataclass
class _FirstChars:
    """The characters a match can begin with, by whether they are matched ignoring case."""

    exact: set[str] = field(default_factory=set)
    any_case: set[str] = field(default_factory=set)
    nullable: bool = True  # so far every part seen can match nothing

    def regex(self) -> str:
        parts = []
        for chars, flags in ((self.exact, ""), (self.any_case, "(?i:")):
            if chars:
                digit = _ANY_DIGIT if _ANY_DIGIT in chars else ""
                members = "".join(re.escape(c) for c in sorted(chars - {_ANY_DIGIT}))
                cls = f"[{members}{digit}]"
                parts.append(f"{flags}{cls})" if flags else cls)
        return "|".join(parts) or "(?!)"


def _first_chars(items, ignore_case: int, found: _FirstChars) -> _FirstChars | None:
    """Add to `found` what a sequence can begin with; None when it could be anything."""
    for op, av in items:
        if op is sre.AT or op in _ASSERTS:
            continue  # reads, consumes nothing
        if op is _LITERAL or op is _IN:
            chars = {chr(av)} if op is _LITERAL else _set_chars(av)
            if chars is None:
                return None
            (found.any_case if ignore_case else found.exact).update(chars)
            found.nullable = False
            return found
        if op is _SUBPATTERN:
            flags = (ignore_case | (av[1] & re.IGNORECASE)) & ~av[2]
            inner = _first_chars(av[-1], flags & re.IGNORECASE, _FirstChars())
        elif op is _BRANCH:
            inner = _FirstChars(nullable=False)
            for alternative in av[1]:
                part = _first_chars(alternative, ignore_case, _FirstChars())
                if part is None:
                    return None
                inner.exact |= part.exact
                inner.any_case |= part.any_case
                inner.nullable = inner.nullable or part.nullable
        elif op in _REPEATS:
            inner = _first_chars(av[2], ignore_case, _FirstChars())
            if inner is not None and av[0] == 0:
                inner.nullable = True
        else:
            return None
        if inner is None:
            return None
        found.exact |= inner.exact
        found.any_case |= inner.any_case
        if not inner.nullable:
            found.nullable = False
            return found
    return found


# Finding the triggers in a text --------------------------------------------------------


@dataclass(frozen=True)
class _TriggerWords:
    """The trigger words of a set of plans, and which of them each word of a text holds."""

    words: frozenset[str]
    # A run of letters -> the trigger words inside it. Bounded: cleared when full.
    held: dict[str, tuple[str, ...]]
    # The words of two letters or more by their first two letters; the one-letter words.
    by_start: dict[str, tuple[str, ...]] = field(default_factory=dict)
    letters: tuple[str, ...] = ()
    # The triggers that count only at the start of a run of letters ("^day"), by their word.
    at_word_start: dict[str, str] = field(default_factory=dict)
    # The length of the shortest word: a shorter run of letters holds none.
    shortest: int = 1

    def inside(self, token: str) -> tuple[str, ...]:
        held = self.held.get(token)
        if held is None:
            if len(self.held) >= _HELD_LIMIT:
                self.held.clear()
            held = self.held[token] = self._find(token)
        return held

    def _find(self, token: str) -> tuple[str, ...]:
        """The trigger words inside `token`: looked up by the two letters at each position
        rather than tried one by one."""
        found = [w for w in self.letters if w in token]
        by_start = self.by_start
        starts_with = token.startswith
        # No word of two letters or more starts in the last (shortest - 1) letters.
        for i in range(len(token) - max(1, self.shortest - 1)):
            words = by_start.get(token[i : i + 2])
            if words:
                found += [w for w in words if starts_with(w, i)]
        return tuple(set(found))


_HELD_LIMIT = 20_000


@cache
def _trigger_words(triggers: frozenset[str]) -> _TriggerWords:
    words = frozenset(map(_bare, triggers))
    at_start = frozenset(t for t in triggers if t.startswith(_WORD_START))
    by_start: dict[str, list[str]] = {}
    for word in sorted(words):
        if len(word) >= 2:
            by_start.setdefault(word[:2], []).append(word)
    letters = tuple(sorted(w for w in words if len(w) == 1))
    by_start_words = {k: tuple(v) for k, v in by_start.items()}
    at_word_start = {_bare(t): t for t in at_start}
    shortest = min(map(len, words), default=1)
    return _TriggerWords(words, {}, by_start_words, letters, at_word_start, shortest)


@cache
def _letter_runs(shortest: int) -> re.Pattern[str]:
    """Runs of at least `shortest` lower-case ASCII letters."""
    return re.compile(rf"[a-z]{{{max(1, shortest)},}}")


# The characters that case-insensitive matching takes for an ASCII letter besides its two
# cases (U+0130 "İ" lower-cases to two characters, so it is mapped before lower-casing).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})
_LOWER_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGIT_RUN = re.compile(r"\d+")


def _folded(text: str) -> str:
    """`text` lower-cased, one character for one, so `word` in it finds `(?i:word)`."""
    if "\u0130" in text or "\u0131" in text or "\u017f" in text:
        text = text.translate(_FOLD)
    return text.lower()


class TriggerIndex:
    """Where the trigger words (inside any run of letters, in any case) and digits are.

    Built once per text for a list of patterns; `finditer` then runs each of them.
    """

    def __init__(self, text: str, patterns: Sequence[re.Pattern[str]]) -> None:
        self.text = text
        self.digit_runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
        # Each trigger word found -> (start, start + 1) of each of its occurrences.
        self.words: dict[str, list[tuple[int, int]]] = {}
        folded = _folded(text)
        trigger_words = _words_of(patterns)
        inside = trigger_words.inside
        held = trigger_words.held.get  # the usual case, without a call to `inside`
        present: set[str] = set()
        # A run of letters shorter than every trigger word holds none of them.
        for token in set(_letter_runs(trigger_words.shortest).findall(folded)):
            found_in = held(token)
            if found_in is None:
                found_in = inside(token)
            if found_in:
                present.update(found_in)
        find = folded.find
        at_word_start = trigger_words.at_word_start
        for word in present:
            # Every occurrence, overlapping ones included: a trigger may sit inside a word.
            found = self.words[word] = []
            at = find(word)
            while at >= 0:
                found.append((at, at + 1))
                at = find(word, at + 1)
            trigger = at_word_start.get(word)
            if trigger is not None:
                self.words[trigger] = [
                    (at, end)
                    for at, end in found
                    if at == 0 or folded[at - 1] not in _LOWER_LETTERS
                ]
        self._long_runs: dict[re.Pattern[str], list[tuple[int, int]]] = {}
        self._occurrences: dict[frozenset[str], list[tuple[int, int]]] = {}

    def long_runs(self, plan: _Plan) -> list[tuple[int, int]]:
        if plan.long_run is None:
            return []
        if plan.long_run not in self._long_runs:
            self._long_runs[plan.long_run] = [m.span() for m in plan.long_run.finditer(self.text)]
        return self._long_runs[plan.long_run]

    def occurrences(self, plan: _Plan) -> list[tuple[int, int]]:
        """(start, end) of every occurrence of the plan's triggers, sorted by start."""
        words = self.words.keys() & plan.words
        digits = plan.digits
        if not digits and len(words) <= 1:
            return self.words[words.pop()] if words else []
        key = frozenset(words) | {digits}
        found = self._occurrences.get(key)
        if found is None:
            if digits <= 1:
                found = self.digit_runs[:] if digits else []
            else:
                found = [(s, e) for s, e in self.digit_runs if e - s >= digits]
            for word in words:
                found += self.words[word]
            found.sort()
            self._occurrences[key] = found
        return found


def _words_of(patterns: Sequence[re.Pattern[str]]) -> _TriggerWords:
    """The trigger words of a list of patterns (remembered by the list's identity)."""
    known = _WORDS_OF.get(id(patterns))
    if known is not None and known[0] is patterns:
        return known[1]
    words = frozenset(
        trigger
        for plan in map(plan_for, patterns)
        if plan
        for trigger in plan.triggers
        if _digit_length(trigger) is None
    )
    if len(_WORDS_OF) > 64:
        _WORDS_OF.clear()
    found = _trigger_words(words)
    _WORDS_OF[id(patterns)] = (patterns, found)
    return found


_WORDS_OF: dict[int, tuple[Sequence[re.Pattern[str]], _TriggerWords]] = {}


def clear_word_cache() -> None:
    """Forget which trigger words each word seen so far holds (the benchmark starts every
    round without them); the plans, like compiled patterns, stay."""
    _WORDS_OF.clear()
    _trigger_words.cache_clear()


def finditer(pattern: re.Pattern[str], index: TriggerIndex) -> Iterator[re.Match[str]]:
    """The matches of `pattern.finditer(index.text)`, found from the triggers only.

    Why they are the same: every match contains one of the plan's triggers, so it starts in
    one of `windows`; outside them no match can start. `finditer` takes the leftmost match
    at or after the end of the previous one; so does this loop, window by window. A search
    limited to `endpos` behaves as on the full text from any start whose reads stop short of
    `endpos`: the engine reads at most `reach` characters from a start, more only across a
    long run of an unbounded repeat's characters, so `endpos` is set past both.
    """
    plan = plan_for(pattern)
    if plan is None:
        return pattern.finditer(index.text)
    occurrences = index.occurrences(plan)
    long_runs = index.long_runs(plan) if plan.long_run is not None else []
    if not occurrences and not long_runs:
        return iter(())  # most patterns, in most texts: none of their triggers is there
    return _windowed(pattern, plan, index.text, occurrences, long_runs)


def _windowed(
    pattern: re.Pattern[str],
    plan: _Plan,
    text: str,
    occurrences: list[tuple[int, int]],
    long_runs: list[tuple[int, int]],
) -> Iterator[re.Match[str]]:
    search = plan.guarded.search
    match_at = plan.guarded.match
    back = plan.reach_back
    reach = plan.reach + 1
    size = len(text)
    if long_runs:
        # A match longer than `width` overlaps a long run and starts at most `width` before.
        extra = plan.width - back
        occurrences = sorted([*occurrences, *((s - extra, e) for s, e in long_runs)])
    run_ends = [end for _start, end in long_runs]
    # A search from a range goes on trying starts past it, up to `endpos`; where a match
    # can only start at a word boundary, trying just those is cheaper for a short range.
    boundary = plan.starts.finditer if plan.starts is not None else None
    done = 0  # every match starting before `done` has been found
    for low, high in _merged(occurrences, back):
        if high <= done:
            continue
        start = low if low > done else done
        end = high + reach
        if long_runs:
            for run_start, run_end in long_runs[bisect.bisect_right(run_ends, low - reach) :]:
                if run_start >= end:
                    break
                end = max(end, run_end + reach)
        if end > size:
            end = size
        if boundary is None or high - start > _SHORT_RANGE:
            while start < high:
                match = search(text, start, end)
                if match is None or match.start() >= high:
                    break
                yield match
                start = match.end()
        else:
            # A candidate before `high` is found reading no further than `high`.
            while start < high:
                for candidate in boundary(text, start, high):
                    match = match_at(text, candidate.start(), end)
                    if match is not None:
                        break
                else:
                    break
                yield match
                start = match.end()
        done = start if start > high else high


# Windows closer than this are searched as one range: a few more positions tried in C cost
# less than another round of the Python loop. Dense triggers so become a plain scan.
_MERGE_GAP = 32
# Up to this length a range is searched by trying only its word-boundary starts: patterns
# with a long reach back (a duration's "the next nearly two and a half years") open windows
# of a hundred characters or more, most of whose positions cannot start a match.
_SHORT_RANGE = 256


def _merged(occurrences: list[tuple[int, int]], back: int) -> Iterator[tuple[int, int]]:
    """The ranges where a match can start, from trigger occurrences sorted by start."""
    low = high = -1
    for first, last in occurrences:
        if first - back <= high + _MERGE_GAP:
            if last > high:
                high = last
            continue
        if high >= 0:
            yield low, high
        low, high = first - back, last
    if high >= 0:
        yield low, high
