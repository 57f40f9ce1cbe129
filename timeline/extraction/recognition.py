"""Find candidate temporal expressions in text and reject look-alikes.

Every pattern is a flat sequence of bounded pieces (alternations of literal words, digit runs,
at most three spaces between words), so each `finditer` runs in linear time: nothing is nested
under a repeat, which is what makes regular expressions backtrack catastrophically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .vocabulary import (
    COUNT_NOUNS,
    MONTH_CONTEXT,
    MONTH_NAMES,
    MONTHS,
    WEEKDAY_NAME_FOLLOWERS,
    WEEKDAY_NAME_LEADERS,
    WEEKDAY_NAMES,
    YEAR_CONTEXT,
)


@dataclass(frozen=True)
class Mention:
    """A recognised expression: its span, the pattern family and the pieces it matched."""

    start: int
    end: int
    text: str
    kind: str
    fields: dict[str, str] = field(default_factory=dict, compare=False)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def _words(*words: str) -> str:
    return "(?i:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


# Horizontal whitespace only: an expression never spans a line break.
_ = r"[^\S\r\n]{1,3}"
_0 = r"[^\S\r\n]{0,3}"
_SEP = rf"(?:-|{_})"

WEEKDAY = "(?:" + "|".join(WEEKDAY_NAMES) + ")"
MONTH_FULL = "(?:" + "|".join(MONTH_NAMES) + ")"
MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
MONTH = rf"(?:{MONTH_FULL}|{MONTH_ABBR})(?![A-Za-z])"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\w|[.,:]\d)"
YEAR = r"(?:1[5-9]\d\d|20\d\d)(?![\w%]|[.,]\d)"
NOT_A_QUANTITY = rf"(?!{_0}(?:%|(?i:percent|per{_}cent)))"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
NUMBER = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d{{1,6}}(?:\.\d{{1,3}})?"
    rf"|(?i:(?:{_TENS})(?:[-\s](?:{_UNITS_WORDS}))?"
    rf"|a{_}couple{_}of|a{_}few|a{_}hundred|couple{_}of|several|few"
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    rf"|one|two|three|four|five|six|seven|eight|nine|ten|hundred|an|a))"
)
# "second" alone is left out on purpose: "a second term" is an ordinal, not a duration.
UNIT = _words(
    "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "fortnight", "fortnights", "month", "months", "year", "years", "decade", "decades",
    "century", "centuries",
)  # fmt: skip
APPROX = _words(
    "about", "nearly", "almost", "some", "roughly", "just", "only", "over", "around",
    f"more{_}than", f"less{_}than", f"at{_}least", f"up{_}to", f"at{_}most",
)  # fmt: skip
MONTH_MODIFIER = _words(
    f"earlier{_}this", f"later{_}this", f"early{_}next", f"late{_}last", f"early{_}this",
    f"late{_}this", "early", "late", "mid", "last", "next", "this",
)  # fmt: skip
RELATIVE_WORD = _words(
    "last", "this", "next", "coming", "current", "past", f"the{_}past", f"the{_}coming",
    f"the{_}current", f"this{_}past", f"the{_}latest",
)  # fmt: skip
SEASON_MODIFIER = _words(
    "last", "this", "next", "early", "late", "the", f"this{_}past", f"the{_}early", f"the{_}late"
)
OFFSET_DIRECTION = _words("ago", "earlier", "later", "before", "after", "hence", f"from{_}now")
DURATION_DETERMINER = _words(
    "past", "last", "next", "coming", "first", "previous", "latest", "final", "following",
    "remaining",
)  # fmt: skip
# "previously", "soon" and "formerly" are left out: in news copy they mostly modify a verb
# without naming a time (TimeML annotates few of them).
VAGUE_WORD = _words(
    "now", "currently", "recently", "nowadays", "lately", f"the{_}past", f"the{_}future",
    f"the{_}present", f"recent{_}years",
)  # fmt: skip
_WEEKDAY_PREFIX = rf"(?:(?P<wd>{WEEKDAY}),?{_})?"
_YEAR_SUFFIX = rf"(?:,?{_}(?P<y>{YEAR}))?"

# (kind, pattern). Overlaps are settled later by keeping the longest match.
PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w/-]|\.\d)"),
    (
        "numeric",
        r"(?<![\w/.,-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})"
        r"(?![\w/-]|[.,]\d)",
    ),
    (
        "day-month",
        rf"\b{_WEEKDAY_PREFIX}(?:(?i:the){_})?(?P<d>{DAY})(?:{_}(?i:of))?{_}(?P<mon>{MONTH})"
        rf"{_YEAR_SUFFIX}",
    ),
    (
        "month-day",
        rf"\b{_WEEKDAY_PREFIX}(?P<mon>{MONTH}){_}(?P<d>{DAY}){_YEAR_SUFFIX}{NOT_A_QUANTITY}",
    ),
    (
        "day-range",
        rf"\b(?P<d1>{DAY})(?:{_0}[-\u2013]{_0}|{_}(?i:to|and){_})(?P<d2>{DAY}){_}(?P<mon>{MONTH})"
        rf"{_YEAR_SUFFIX}",
    ),
    (
        "day-range",
        rf"\b(?P<mon>{MONTH}){_}(?P<d1>{DAY})(?:{_0}[-\u2013]{_0}"
        rf"|{_}(?i:to|and|through){_})(?P<d2>{DAY}){_YEAR_SUFFIX}",
    ),
    (
        "month-range",
        rf"\b(?i:from|between){_}(?P<body>(?P<mon1>{MONTH_FULL})(?:{_}(?P<y1>{YEAR}))?{_}"
        rf"(?i:to|until|till|through|and){_}(?P<mon2>{MONTH_FULL})(?:,?{_}(?P<y2>{YEAR}))?)\b",
    ),
    (
        "year-range",
        rf"\b(?i:from|between){_}(?P<body>(?P<y1>{YEAR}){_}(?i:to|and|until|through){_}"
        rf"(?P<y2>{YEAR}))",
    ),
    (
        "month-year",
        rf"\b(?:(?P<mod>(?i:early|late|mid)){_SEP})?(?P<mon>{MONTH})(?:{_}(?i:of))?,?{_}"
        rf"(?P<y>{YEAR})",
    ),
    (
        "month",
        rf"\b(?:(?P<mod>{MONTH_MODIFIER}){_SEP})?"
        rf"(?P<mon>{MONTH_FULL})\b(?:{_}(?P<rel>(?i:last|this|next)){_}(?i:year)\b)?",
    ),
    (
        "weekday",
        rf"\b(?:(?P<mod>(?i:last|next|this|coming|past|earlier|later|early|late)){_})?"
        rf"(?P<wd>{WEEKDAY})\b(?:{_}(?P<part>(?i:morning|afternoon|evening|night))\b)?",
    ),
    (
        "deictic",
        rf"\b(?:(?P<mod>(?i:early|late|later|earlier)){_})?"
        rf"(?P<word>(?i:today|tonight|yesterday|tomorrow))\b"
        rf"(?:{_}(?P<part>(?i:morning|afternoon|evening|night))\b)?",
    ),
    (
        "part-of-day",
        rf"\b(?P<rel>(?i:this|last)){_}(?P<part>(?i:morning|afternoon|evening|night))\b",
    ),
    (
        "relative",
        rf"\b(?:(?P<pre>(?i:earlier|later|early|late|mid)){_}(?:(?i:in){_})?)?"
        rf"(?P<rel>{RELATIVE_WORD})"
        rf"(?:{_}(?i:fiscal))?{_}(?P<unit>(?i:week|month|year|quarter|weekend|decade|century))\b(?!-)",
    ),
    ("relative", rf"\b(?P<rel>(?i:the)){_}(?P<unit>(?i:weekend|quarter))\b(?!-)"),
    (
        "anchored",
        rf"\b(?i:the){_}(?P<which>(?i:previous|next|following|preceding|same|prior)){_}"
        rf"(?P<unit>(?i:day|week|month|year|morning|evening|night))\b",
    ),
    ("anchored", rf"\b(?i:the){_}(?P<unit>(?i:day)){_}(?P<which>(?i:before|after))\b(?!{_}\w)"),
    (
        "year",
        rf"(?<![\w$\u00a3\u20ac.,/:'-])(?:(?P<mod>(?i:early|late|mid)){_SEP})?"
        rf"(?:(?P<fiscal>(?i:fiscal)){_})?(?P<y>{YEAR})",
    ),
    (
        "decade",
        rf"(?<![\w$\u00a3\u20ac.,/:-])(?:(?i:the){_})?(?:(?P<mod>(?i:early|late|mid)){_SEP})?"
        r"(?:(?P<cd>(?:1[0-9]|20)\d)0s|['\u2019](?P<d>\d)0s)\b",
    ),
    (
        "quarter",
        rf"\b(?:(?i:the){_})?(?:(?P<rel>(?i:current|latest|last|past|previous|next|coming)){_})?"
        rf"(?:(?i:fiscal){_})?(?P<ord>(?i:first|second|third|fourth|1st|2nd|3rd|4th)){_SEP}"
        rf"(?i:quarter)\b(?:{_}(?i:of){_}(?:(?P<y>{YEAR})|(?P<ty>(?i:this|last|next|the)){_}"
        r"(?i:year)\b))?",
    ),
    ("quarter", rf"\bQ(?P<q>[1-4])(?:{_}(?P<y>{YEAR}))?\b"),
    (
        "half",
        rf"\b(?:(?i:the){_})?(?P<ord>(?i:first|second)){_SEP}(?i:half){_}(?i:of){_}"
        rf"(?:(?P<y>{YEAR})|(?P<ty>(?i:this|last|next|the)){_}(?i:year)\b)",
    ),
    (
        "season",
        rf"\b(?:(?P<rel>{SEASON_MODIFIER}){_})?"
        rf"(?P<season>(?i:spring|summer|autumn|fall|winter))\b"
        rf"(?:{_}(?:(?i:of){_})?(?P<y>{YEAR}))?",
    ),
    (
        "offset",
        rf"\b(?:(?P<approx>{APPROX}){_})?(?P<num>{NUMBER}){_SEP}(?P<unit>{UNIT}){_}"
        rf"(?:(?i:or{_}so){_})?(?P<dir>{OFFSET_DIRECTION})\b",
    ),
    (
        "in-offset",
        rf"\b(?i:in){_}(?P<body>(?:(?P<approx>{APPROX}){_})?(?P<num>{NUMBER}){_}(?P<unit>{UNIT}))"
        rf"\b(?:(?P<time>['\u2019]s{_}time|{_}time)\b)?",
    ),
    (
        "duration",
        rf"\b(?:(?P<the>(?i:the)){_}(?:(?P<rel>{DURATION_DETERMINER}){_})?)?"
        rf"(?:(?P<approx>{APPROX}){_})?(?P<num>{NUMBER}){_SEP}(?P<unit>{UNIT})\b"
        r"(?P<suffix>-(?i:long|old))?",
    ),
    (
        "set",
        rf"\b(?:(?P<every>(?i:every|each|per)){_}(?:(?P<num>(?i:other)|{NUMBER}){_})?"
        rf"(?P<unit>(?i:days?|weeks?|months?|years?|hours?|minutes?|mornings?|evenings?|nights?"
        rf"|weekends?)|(?P<wd>{WEEKDAY}))"
        r"|(?P<adv>(?i:daily|weekly|monthly|yearly|annually|nightly|hourly)))\b",
    ),
    ("set", rf"\b(?P<wd>{WEEKDAY})s\b"),
    (
        "vague",
        rf"\b(?P<word>{VAGUE_WORD})\b",
    ),
]

_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in PATTERNS]
_PREVIOUS_WORDS = re.compile(r"([A-Za-z]+)[^A-Za-z\r\n]{0,3}$")
_AFTER_A_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d(?:,|,?\s(?:and|or))\s$")
_NEXT_WORD = re.compile(r"[^\S\r\n]{1,3}([A-Za-z]+)")


def find_mentions(text: str) -> list[Mention]:
    """Return non-overlapping temporal expressions in `text`, in order of appearance."""
    candidates = [m for m in _candidates(text) if _is_plausible(text, m)]
    # Longest match wins; among equals the earlier pattern in PATTERNS (more specific) wins.
    candidates.sort(key=lambda m: (-(m.end - m.start), m.start))
    claimed = bytearray(len(text))
    chosen: list[Mention] = []
    for mention in candidates:
        if any(claimed[mention.start : mention.end]):
            continue
        claimed[mention.start : mention.end] = b"\x01" * (mention.end - mention.start)
        chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    return chosen


def _candidates(text: str) -> Iterator[Mention]:
    for kind, pattern in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.span("body") if "body" in pattern.groupindex else match.span()
            if start == end:
                continue
            fields = {k: v for k, v in match.groupdict().items() if v is not None}
            yield Mention(start, end, text[start:end], kind, fields)


def previous_word(text: str, start: int, skip: int = 0, *, lower: bool = True) -> str:
    """The word before `start`, skipping `skip` further words back."""
    end = start
    for _step in range(skip + 1):
        match = _PREVIOUS_WORDS.search(text, max(0, end - 40), end)
        if match is None:
            return ""
        end = match.start()
    return match.group(1).lower() if lower else match.group(1)


def next_word(text: str, end: int) -> str:
    match = _NEXT_WORD.match(text, end)
    return match.group(1) if match else ""


def _is_plausible(text: str, mention: Mention) -> bool:
    check = _CHECKS.get(mention.kind)
    return check is None or check(text, mention)


def _check_month(text: str, mention: Mention) -> bool:
    month = mention.get("mon") or ""
    if mention.get("mod") or mention.get("rel"):
        return True
    before = previous_word(text, mention.start)
    if before in MONTH_CONTEXT:
        return True
    if month in ("May", "March"):
        # The modal verb and the protest march need a dating context to count as months.
        return before in ("and", "or", "to") and previous_word(text, mention.start, 1) in MONTHS
    following = next_word(text, mention.end)
    # "April Smith": a month name directly before a capitalised word is usually a name.
    return not (following[:1].isupper() and following.lower() not in MONTHS)


def _check_weekday(text: str, mention: Mention) -> bool:
    if mention.get("mod") or mention.get("part"):
        return True
    if previous_word(text, mention.start, lower=False) in WEEKDAY_NAME_LEADERS:
        return False
    return next_word(text, mention.end) not in WEEKDAY_NAME_FOLLOWERS


def _check_year(text: str, mention: Mention) -> bool:
    following = next_word(text, mention.end).lower()
    if following in COUNT_NOUNS:
        return False
    if mention.get("mod") or mention.get("fiscal"):
        return True
    if previous_word(text, mention.start) in YEAR_CONTEXT:
        return True
    # The second year of a list: "in 1994, 1995 and 1997".
    return _AFTER_A_YEAR.search(text, max(0, mention.start - 10), mention.start) is not None


def _check_season(text: str, mention: Mention) -> bool:
    rel = (mention.get("rel") or "").lower()
    season = (mention.get("season") or "").lower()
    if mention.get("y") or rel in ("last", "this", "next") or rel.startswith("this"):
        return True
    if season == "fall":
        # "fall" is far more often the verb; only take it with a clear dating word.
        return False
    if rel:
        return True
    return previous_word(text, mention.start) in ("in", "during", "since", "until", "by", "over")


def _check_offset(text: str, mention: Mention) -> bool:
    direction = (mention.get("dir") or "").lower()
    if direction in ("before", "after"):
        # "two days before the vote" is anchored on an event we cannot date.
        return not next_word(text, mention.end)
    return True


def _check_duration(text: str, mention: Mention) -> bool:
    if (mention.get("suffix") or "").lower() == "-old":
        return False
    if (mention.get("num") or "").lower() not in ("a", "an"):
        return True
    if mention.get("the") or mention.get("approx"):
        return True
    # A bare "a year" is as often a rate ("$5 a year") as a length; keep it after a preposition.
    return previous_word(text, mention.start) in ("for", "within", "than", "of", "in", "after")


def _check_numeric(text: str, mention: Mention) -> bool:
    return mention.get("sep") != "." or len(mention.get("y") or "") == 4


_CHECKS: dict[str, Callable[[str, Mention], bool]] = {
    "month": _check_month,
    "weekday": _check_weekday,
    "year": _check_year,
    "season": _check_season,
    "offset": _check_offset,
    "duration": _check_duration,
    "numeric": _check_numeric,
}
