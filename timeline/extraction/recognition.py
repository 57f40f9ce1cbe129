"""Find candidate temporal expressions in text and reject look-alikes.

Every pattern is a flat sequence of bounded pieces (alternations of literal words, digit runs,
at most three spaces between words), so each `finditer` runs in linear time: nothing is nested
under a repeat, which is what makes regular expressions backtrack catastrophically.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

from .languages import SUPPORTED, base_language, compiled_patterns, language, translate
from .scanning import TriggerIndex, finditer
from .vocabulary import (
    COUNT_NOUNS,
    HOLIDAYS,
    MONTH_CONTEXT,
    MONTH_NAMES,
    MONTHS,
    WEEKDAY_NAME_FOLLOWERS,
    WEEKDAY_NAME_LEADERS,
    WEEKDAY_NAMES,
    YEAR_CONTEXT,
)


# Not frozen: a frozen dataclass sets each field through object.__setattr__, and a dense
# text makes a Mention per candidate; nothing changes one once made. Hashed as if frozen.
@dataclass(slots=True, unsafe_hash=True)
class Mention:
    """A recognised expression: its span, the pattern family and the pieces it matched."""

    start: int
    end: int
    text: str
    kind: str
    fields: dict[str, str] = field(default_factory=dict, compare=False)
    # The (start, end) of each end of a range written with a word ("May to July").
    parts: tuple[tuple[int, int], ...] = field(default=(), compare=False)

    def get(self, name: str) -> str | None:
        return self.fields.get(name)


def _words(*words: str) -> str:
    return "(?i:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


# What `(?i:x)` matches for an ASCII letter x besides its two cases.
_CASE_VARIANTS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def _any_case(letter: str) -> str:
    """A class of exactly the characters `(?i:letter)` matches: "[Tt]", "[Ss\u017f]".

    The engine tries the alternatives of an alternation one by one, but passes over at once
    one that opens with a plain character or class the text does not hold there; one that
    opens with a case-insensitive letter gets no such test and is entered to find out.
    Written with this class first, an alternative costs nothing where it cannot match.
    """
    lower = letter.lower()
    return f"[{lower.upper()}{lower}{_CASE_VARIANTS.get(lower, '')}]"


def _words_by_first_letter(*words: str) -> str:
    """`_words(*words)`, each first letter written as `_any_case`, for alternations tried at
    most word starts of a text (the optional words around a number, a unit or a month).

    The same alternative wins: the words are tried longest first as in `_words`, and words
    of different first letters cannot both match at one place. Not for a pattern's trigger
    words: the scanner reads those off case-insensitive runs of letters.
    """
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0].lower(), []).append(word[1:])
    return (
        "(?:"
        + "|".join(f"{_any_case(first)}(?i:{'|'.join(rests)})" for first, rests in groups.items())
        + ")"
    )


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
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS_WORDS = "one|two|three|four|five|six|seven|eight|nine"
# A year read out, as in broadcast transcripts: "nineteen ninety-six", "two thousand".
SPOKEN_YEAR = (
    rf"(?i:(?:nineteen|eighteen){_}(?:{_TENS})(?:[-\s](?:{_UNITS_WORDS}))?\b"
    rf"|two{_}thousand(?:{_}(?:and{_})?(?:{_UNITS_WORDS}))?\b)"
)
ANY_YEAR = rf"(?:{YEAR}|{SPOKEN_YEAR})"
_TENS_UNIT = rf"(?:[-\s](?:{_UNITS_WORDS}))?"  # "twenty[-one]"
NOT_A_QUANTITY = rf"(?!{_0}(?:%|(?i:percent|per{_}cent)))"
NUMBER = (
    # (?<!,\d{3},): a grouped number is not retried from inside itself, which made long
    # "1,000,000,..." runs quadratic; such a retry could only find what the first try found.
    # At most six groups (a quintillion): a bounded repeat keeps every match short, so the
    # scanner never has to search a long run of digits and commas in full.
    rf"(?:(?<!,\d{{3}},)\d{{1,3}}(?:,\d{{3}}){{1,6}}|\d{{1,6}}(?:\.\d{{1,3}})?"
    # The number words, grouped by first letter, written as `_any_case`, so that an attempt
    # at a word enters only the group that can start there (see `_any_case`). Within a group
    # they keep the order of the plain list, "twenty[-one]|thirty|... a couple of|a few|
    # a hundred|couple of|several|few|eleven|...|nineteen|one|...|ten|hundred|an|a", so the
    # same alternative wins.
    rf"|{_any_case('t')}(?i:(?:wenty|hirty){_TENS_UNIT}|welve|hirteen|wo|hree|en)"
    rf"|{_any_case('f')}(?i:(?:orty|ifty){_TENS_UNIT}|ew|ourteen|ifteen|our|ive)"
    rf"|{_any_case('s')}(?i:(?:ixty|eventy){_TENS_UNIT}|everal|ixteen|eventeen|ix|even)"
    rf"|{_any_case('e')}(?i:ighty{_TENS_UNIT}|leven|ighteen|ight)"
    rf"|{_any_case('n')}(?i:inety{_TENS_UNIT}|ineteen|ine)"
    rf"|{_any_case('a')}(?i:{_}couple{_}of|{_}few|{_}hundred|n|)"
    rf"|{_any_case('c')}(?i:ouple{_}of)|{_any_case('o')}(?i:ne)|{_any_case('h')}(?i:undred))"
)
# "second" alone is left out on purpose: "a second term" is an ordinal, not a duration.
UNIT = _words(
    "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks",
    "fortnight", "fortnights", "month", "months", "quarters", "year", "years", "decade",
    "decades",
    "century", "centuries",
)  # fmt: skip
# "about", "only" and "just" stay outside the expression, as TimeML mostly has it:
# "for only [six months]".
APPROX = _words_by_first_letter(
    "nearly", "almost", "some", "roughly", "over", "around",
    f"more{_}than", f"less{_}than", f"at{_}least", f"up{_}to", f"at{_}most",
)  # fmt: skip
# "2 1/2 years", "two and a half years" ("a year and a half" puts the half after the unit).
HALF = rf"(?:{_}1/2|\u00bd|{_}(?i:and){_}(?i:a){_}(?i:half)|-(?i:and)-(?i:a)-(?i:half))"
# Before a length "over" is mostly "during" ("cut jobs over three years"), so it stays out.
DURATION_APPROX = _words_by_first_letter(
    "nearly", "almost", "some", "roughly", "around", f"no{_}more{_}than", f"no{_}less{_}than",
    f"more{_}than", f"less{_}than", f"at{_}least", f"up{_}to", f"at{_}most",
    # "over a week", "just over an hour": before one unit "over" is "more than".
    f"over(?={_}(?:a|an|one){_})",
)  # fmt: skip
# "the next year or so": the approximation belongs to the expression.
OR_SO = rf"{_}(?i:or){_}(?i:so)\b"
MONTH_MODIFIER = _words_by_first_letter(
    f"earlier{_}this", f"later{_}this", f"early{_}next", f"late{_}last", f"early{_}this",
    f"late{_}this", "early", "late", "mid", "last", "next", "this",
)  # fmt: skip
RELATIVE_WORD = _words_by_first_letter(
    "last", "this", "next", "coming", "current", "past", f"the{_}past", f"the{_}coming",
    f"the{_}current", f"this{_}past", f"the{_}latest", f"the{_}last",
)  # fmt: skip
SEASON_MODIFIER = _words_by_first_letter(
    "last", "this", "next", "early", "late", "the", f"this{_}past", f"the{_}early", f"the{_}late"
)
OFFSET_DIRECTION = _words_by_first_letter(
    "ago", "earlier", "later", "before", "after", "hence", f"from{_}now"
)
DURATION_DETERMINER = _words_by_first_letter(
    "past", "last", "next", "coming", "first", "previous", "latest", "final", "following",
    "remaining",
)  # fmt: skip
# "previously", "soon" and "formerly" are left out: in news copy they mostly modify a verb
# without naming a time (TimeML annotates few of them).
VAGUE_WORD = _words(
    "now", "currently", "recently", "nowadays", "lately", f"the{_}past", f"the{_}future",
    f"the{_}present", f"recent{_}years", f"right{_}now", f"these{_}days", "current",
    f"the{_}near{_}future", f"the{_}near{_}term", f"the{_}short{_}term", f"a{_}later{_}date",
)  # fmt: skip
HOLIDAY = (
    "(?:"
    + "|".join(
        _.join(re.escape(word).replace("'", "['\u2019]") for word in name.split(" "))
        for name in sorted(HOLIDAYS, key=len, reverse=True)
    )
    + ")"
)
# US zones with and without the season ("ET", "EDT"), and the European and Asian ones wires use.
TIME_ZONE = r"(?:[ECMP][SD]?T|GMT|UTC|BST|CES?T|EES?T|MSK|JST|HKT|SGT|AE[SD]T|IST)"
PLURAL_UNIT = r"(?i:minutes|hours|days|weeks|months|years|decades|centuries)"
SINGULAR_UNIT = r"(?i:second|minute|hour|day|week|fortnight|month|quarter|year|decade|century)"
QUARTER_ORDINAL = r"(?i:first|second|third|fourth|1st|2nd|3rd|4th)"
YEAR_AGO = r"(?i:year-earlier|year-ago|year-before|prior-year)"
_WEEKDAY_PREFIX = rf"(?:(?P<wd>{WEEKDAY}),?{_})?"
_YEAR_SUFFIX = rf"(?:,?{_}(?P<y>{YEAR}))?"

# (kind, pattern). Overlaps are settled later by keeping the longest match.
PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w/-]|\.\d)"),
    # "will one day be", "someday": an unnamed time, ahead or behind (before the duration
    # pattern, which "one day" also matches, so that it wins the tie when it is an adverb).
    (
        "vague",
        rf"\b(?P<word>(?i:one{_}day|someday|some{_}day))\b"
        rf"(?!{_}(?i:of|in|and|or|after|before|later|earlier|ago|off|trip|visit)\b|-)",
    ),
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
        rf"\b(?P<p1>(?P<d1>{DAY}))(?:{_0}[-\u2013]{_0}|{_}(?P<conj>(?i:to|and)){_})"
        rf"(?P<p2>(?P<d2>{DAY}){_}(?P<mon>{MONTH}){_YEAR_SUFFIX})",
    ),
    (
        "day-range",
        rf"\b(?P<p1>(?P<mon>{MONTH}){_}(?P<d1>{DAY}))(?:{_0}[-\u2013]{_0}"
        rf"|{_}(?P<conj>(?i:to|and|through)){_})(?P<p2>(?P<d2>{DAY}){_YEAR_SUFFIX})",
    ),
    (
        "month-range",
        rf"\b(?i:from|between){_}(?P<body>(?P<p1>(?P<mon1>{MONTH_FULL})(?:{_}(?P<y1>{YEAR}))?)"
        rf"{_}(?P<conj>(?i:to|until|till|through|and)){_}"
        rf"(?P<p2>(?P<mon2>{MONTH_FULL})(?:,?{_}(?P<y2>{YEAR}))?))\b",
    ),
    (
        "year-range",
        rf"\b(?i:from|between){_}(?P<body>(?P<p1>(?P<y1>{YEAR})){_}"
        rf"(?P<conj>(?i:to|and|until|through)){_}(?P<p2>(?P<y2>{YEAR})))",
    ),
    # "2008-2012", "the 2012-13 season": two years joined by a dash are two timexes too.
    (
        "year-range",
        r"(?<![\w$\u00a3\u20ac.,/:'-])(?P<p1>(?P<y1>1[5-9]\d\d|20\d\d))(?P<conj>[-\u2013/])"
        r"(?P<p2>(?P<y2>1[5-9]\d\d|20\d\d|\d\d))(?![\w%/-]|[.,]\d)",
    ),
    (
        "month-year",
        rf"\b(?:(?P<mod>(?i:early|late|mid)){_SEP})?(?P<mon>{MONTH})(?:{_}(?i:of))?,?{_}"
        rf"(?P<y>{ANY_YEAR})",
    ),
    (
        "month",
        rf"\b(?:(?P<mod>{MONTH_MODIFIER}){_SEP})?"
        rf"(?P<mon>{MONTH_FULL})\b(?:{_}(?P<rel>(?i:last|this|next)){_}(?i:year)\b)?",
    ),
    (
        # "10 p.m. Wednesday", "around 7:15 p.m.", "5 p.m. EST, Nov. 9", "noon Thursday",
        # and the wires' 24-hour clock: "1400 GMT", "at 09:30 local time".
        "clock",
        # Today's copy also writes "3pm", "8 am" and "10.30am".
        rf"\b(?:(?P<approx>(?i:around)){_})?(?:(?P<h>1[0-2]|0?[1-9])"
        # A full stop before the minutes only with "am"/"pm": "rose 1.25 in the morning" is no time.
        rf"(?:(?::|\.(?=\d\d{_0}[ap]\.?m\b))(?P<mi>[0-5]\d))?{_0}"
        rf"(?P<ap>[ap]\.m\b\.?|[AP]M\b|[ap]m\b|{_}(?i:in){_}(?i:the){_}(?i:morning|afternoon|evening))"
        rf"|(?P<word>(?i:noon|midnight|midday))\b"
        rf"|(?<![\d:.,])(?P<h24>[01]\d|2[0-3])(?P<colon>:?)(?P<m24>[0-5]\d)(?![\d:]|[.,]\d))"
        rf"(?:{_}(?P<tz>{TIME_ZONE}|(?i:local{_}time))\b)?(?:,?{_}(?:(?P<wd>{WEEKDAY})\b|(?P<mon>{MONTH}){_}(?P<d>{DAY})"
        rf"|(?P<deictic>(?i:today|yesterday|tomorrow))\b))?",
    ),
    (
        "weekday",
        # "early Friday" is the start of Friday; "earlier Friday" only orders two events.
        rf"\b(?:(?P<mod>(?i:this{_}coming|this{_}past|last|next|this|coming|past|early|late"
        rf"|the{_}previous|the{_}preceding|the{_}following)){_})?"
        rf"(?P<wd>{WEEKDAY})\b(?:{_}(?P<part>(?i:morning|afternoon|evening|night))\b)?"
        # A possessive ("Friday's vote") names a day already reported, whatever the verb.
        rf"(?:(?=(?P<poss>['\u2019]s\b))|)",
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
    # "by mid-afternoon", "at mid-morning yesterday": the middle of a part of a named day.
    (
        "part-of-day",
        rf"\b(?i:mid)(?:-|{_})?(?P<part>(?i:morning|afternoon|evening))\b"
        rf"(?:{_}(?P<deictic>(?i:today|yesterday|tomorrow))\b)?",
    ),
    (
        "relative",
        rf"\b(?:(?P<pre>(?i:earlier|later|early|late|mid)){_}(?:(?i:in){_})?)?"
        rf"(?P<rel>{RELATIVE_WORD})"
        rf"(?:{_}(?i:fiscal|financial))?{_}(?P<unit>(?i:week|month|year|quarter|weekend|decade|century))\b(?!-)"
        rf"(?:{OR_SO})?",
    ),
    ("relative", rf"\b(?P<rel>(?i:the)){_}(?P<unit>(?i:weekend|quarter))\b(?!-)"),
    # "earlier in the year": the current one, like "earlier this year".
    (
        "relative",
        rf"\b(?P<pre>(?i:earlier|later)){_}(?i:in){_}(?P<rel>(?i:the)){_}"
        rf"(?P<unit>(?i:week|month|year))\b(?!-)",
    ),
    (
        "relative",
        rf"\b(?i:end|beginning|start|middle){_}(?i:of){_}"
        rf"(?P<body>(?P<rel>(?i:the)){_}(?P<unit>(?i:week|month|year|decade|century))\b)",
    ),
    # "the fiscal year", "the full year", "the year ended Sept. 30"
    ("fiscal-year", rf"\b(?i:the){_}(?:(?P<which>(?i:fiscal|full)){_})?(?i:year)\b(?![-'\u2019])"),
    # "that day", "later that year": the period of the last date mentioned.
    (
        "anaphoric",
        rf"\b(?:(?i:earlier|later){_})?(?i:that){_}(?:(?i:same){_})?"
        rf"(?P<unit>(?i:day|week|month|quarter|year))\b(?!-)",
    ),
    # "the 20th century", "the 11th century"
    (
        "century",
        rf"\b(?:(?i:the){_})?(?P<n>1\d|2[01]|[1-9])(?i:st|nd|rd|th)(?:-|{_})(?i:century)\b",
    ),
    (
        "holiday",
        rf"\b(?:(?P<rel>(?i:last|this|next)){_})?(?P<name>{HOLIDAY})(?![\w-])"
        rf"(?:,?{_}(?P<y>{YEAR}))?",
    ),
    ("year-end", rf"\b(?i:year)(?:-|{_}|['\u2019]s{_})(?i:end)\b(?!-)"),
    # "the first week of April", "the week of March 6": one week, named by its month.
    (
        "week-of",
        rf"\b(?i:the){_}(?P<ord>(?i:first|second|third|fourth|last|final)){_}(?i:week){_}"
        rf"(?i:of){_}(?P<mon>{MONTH})(?:,?{_}(?P<y>{YEAR}))?",
    ),
    (
        "week-of",
        rf"\b(?i:the){_}(?i:week){_}(?i:of){_}(?P<mon>{MONTH}){_}(?P<d>{DAY})"
        rf"(?:,?{_}(?P<y>{YEAR}))?",
    ),
    (
        "anchored",
        rf"\b(?i:the){_}(?P<which>(?i:previous|next|following|preceding|same|prior)){_}"
        rf"(?P<unit>(?i:day|week|month|quarter|year|morning|evening|night))\b(?!-)",
    ),
    ("anchored", rf"\b(?i:the){_}(?P<unit>(?i:day)){_}(?P<which>(?i:before|after))\b(?!{_}\w)"),
    (
        "year",
        rf"(?<![\w$\u00a3\u20ac.,/:'-])(?:(?P<mod>(?i:early|late|mid)){_SEP})?"
        rf"(?:(?P<fiscal>(?i:fiscal)(?:{_}(?i:year))?){_}|(?P<fy>FY){_0})?(?P<y>{YEAR})",
    ),
    ("year", rf"\b(?:(?P<the>(?i:the{_}year)){_})?(?P<y>{SPOKEN_YEAR})"),
    (
        "decade",
        rf"(?<![\w$\u00a3\u20ac.,/:-])(?:(?i:the){_})?(?:(?P<mod>(?i:early|late|mid)){_SEP})?"
        r"(?:(?P<cd>(?:1[0-9]|20)\d)0s|['\u2019](?P<d>\d)0s)\b",
    ),
    # "the nineties", "the early sixties"; without "the" it is an age ("in his sixties").
    (
        "decade",
        rf"\b(?i:the){_}(?:(?P<mod>(?i:early|late|mid)){_SEP})?(?P<tens>(?i:twenties|thirties"
        r"|forties|fifties|sixties|seventies|eighties|nineties))\b",
    ),
    (
        # "the third quarter", "the 1988 second quarter", "this year's first quarter"
        "quarter",
        rf"\b(?:(?P<ty2>(?i:this|last|next)){_}(?i:year)['\u2019]s{_}"
        rf"|(?:(?i:the){_})?(?:(?P<y2>{YEAR}){_}|(?P<ago>{YEAR_AGO}){_})?)"
        rf"(?:(?P<rel>(?i:current|latest|last|past|previous|next|coming)){_})?"
        rf"(?:(?i:fiscal)(?:-|{_}))?(?P<ord>{QUARTER_ORDINAL}){_}"
        rf"(?i:quarter)\b(?!-)(?:{_}(?i:of){_}(?:(?P<y>{YEAR})|(?P<ty>(?i:this|last|next|the)){_}"
        r"(?i:year)\b))?",
    ),
    # The adjective "third-quarter results" leaves its article out of the expression.
    (
        "quarter",
        rf"\b(?:(?i:fiscal){_})?(?P<ord>{QUARTER_ORDINAL})-(?i:quarter)\b"
        rf"(?:{_}(?i:of){_}(?P<y>{YEAR}))?",
    ),
    # Business copy's reporting periods: "the year-ago quarter", "the latest period".
    (
        "fiscal-period",
        rf"\b(?i:the){_}(?:(?i:comparable|corresponding|same){_})?"
        rf"(?:(?P<which>{YEAR_AGO}|(?i:latest|current|most{_}recent))|(?P<y>{YEAR})){_}"
        rf"(?P<unit>(?i:period|quarter))\b(?!-)",
    ),
    (
        "fiscal-period",
        rf"\b(?i:the){_}(?:(?i:comparable|corresponding|same){_})?(?P<unit>(?i:period|quarter))"
        rf"{_}(?P<which>(?i:a{_}year{_}(?:ago|earlier)|last{_}year))\b",
    ),
    ("fiscal-period", rf"\b(?P<which>{YEAR_AGO})\b(?!-)"),
    ("quarter", rf"\bQ(?P<q>[1-4])(?:{_}(?P<y>{YEAR}))?\b"),
    (
        "half",
        # "the first half of 2009", "the last half of 1989", "the first two quarters of 1990"
        rf"\b(?:(?i:the){_})?(?P<ord>(?i:first|second|last|latter))"
        rf"(?:{_SEP}(?i:half)|{_}(?i:two){_}(?i:quarters)){_}(?i:of){_}"
        rf"(?:(?P<y>{YEAR})|(?P<ty>(?i:this|last|next|the)){_}(?i:year)\b)",
    ),
    (
        "season",
        rf"\b(?:(?P<rel>{SEASON_MODIFIER}){_})?"
        rf"(?P<season>(?i:spring|summer|autumn|fall|winter))\b"
        rf"(?:{_}(?:(?i:of){_})?(?P<y>{ANY_YEAR}))?",
    ),
    (
        "offset",
        rf"\b(?:(?P<approx>{APPROX}){_})?(?P<num>{NUMBER}){_SEP}(?P<unit>{UNIT}){_}"
        rf"(?:(?i:or{_}so){_})?(?P<dir>{OFFSET_DIRECTION})\b",
    ),
    (
        "in-offset",
        rf"\b(?i:in){_}(?P<body>(?:(?P<approx>{APPROX}){_})?(?P<num>{NUMBER}){_}(?P<unit>{UNIT}))"
        rf"\b(?:(?P<time>['\u2019]s?{_}time|{_}time)\b)?",
    ),
    (
        "duration",
        # "the eight-year war", "the two day rally": an adjective leaves the article out.
        rf"\b(?:(?P<the>(?i:the)){_}(?!{NUMBER}{_SEP}{SINGULAR_UNIT}\b)"
        rf"(?:(?P<rel>{DURATION_DETERMINER}){_})?)?"
        rf"(?:(?P<approx>{DURATION_APPROX}){_})?(?P<num>{NUMBER})(?P<half>{HALF})?"
        # "two to three weeks", "12 to 18 months", "two or three days": a range of lengths.
        rf"(?:{_}(?P<to>(?i:to|or)){_}(?P<num2>{NUMBER}))?"
        rf"(?:{_}(?P<more>(?i:more|additional|extra|further)))?{_SEP}(?P<unit>{UNIT})\b"
        rf"(?:(?P<half2>{_}(?i:and){_}(?i:a){_}(?i:half))\b)?(?:(?P<suffix>-(?i:long|old))|{OR_SO})?",
    ),
    # "a quarter century", "a quarter of a century": twenty-five years.
    (
        "duration",
        rf"\b(?:(?P<approx>{DURATION_APPROX}){_})?(?P<quarter>(?i:a|one){_}(?i:quarter))"
        rf"(?:-|{_}(?:(?i:of){_}(?i:a){_})?)(?P<unit>(?i:century))\b(?!-)",
    ),
    (
        "offset",
        rf"\b(?:(?P<approx>{APPROX}){_})?(?P<quarter>(?i:a|one){_}(?i:quarter))"
        rf"(?:-|{_}(?:(?i:of){_}(?i:a){_})?)(?P<unit>(?i:century)){_}(?P<dir>(?i:ago|earlier|later))\b",
    ),
    # "for some time", "after a while": a length TimeML leaves unspecified ("PXX").
    (
        "vague-length",
        rf"\b(?i:for|after|in|within)(?:{_}(?i:quite))?{_}"
        rf"(?P<body>(?i:some){_}(?i:time)|(?i:a){_}(?i:while))\b(?!{_}(?i:ago|now)\b)",
    ),
    # "half an hour", "half a year"
    ("duration", rf"\b(?P<halfonly>(?i:half)){_}(?i:an?){_}(?P<unit>{UNIT})\b(?!-)"),
    # "another year", "another two weeks": a further stretch of known length.
    (
        "duration",
        rf"\b(?P<more>(?i:another)){_}(?:(?P<num>{NUMBER}){_SEP})?(?P<unit>{UNIT})\b(?!-)",
    ),
    # "a decades-long feud", "a years-old slump", "a yearlong inquiry", "a day-long meeting".
    ("duration", rf"\b(?P<unit>{PLURAL_UNIT})-(?i:long|old)\b"),
    ("duration", r"\b(?P<unit>(?i:hour|day|week|month|year|decade))-?(?P<long>(?i:long))\b"),
    (
        "set",
        rf"\b(?:(?P<every>(?i:every|each|per)){_}(?:(?P<num>(?i:other)|{NUMBER}){_})?"
        rf"(?P<unit>(?i:days?|weeks?|months?|quarters?|years?|hours?|minutes?|mornings?|evenings?|nights?"
        rf"|weekends?)|(?P<wd>{WEEKDAY})|(?P<mon>{MONTH_FULL}))"
        r"|(?P<adv>(?i:daily|weekly|monthly|yearly|annually|nightly|hourly)))\b",
    ),
    # "Tuesdays", "Monday and Tuesday nights": a weekday in the plural recurs.
    (
        "set",
        rf"\b(?P<wd>{WEEKDAY})(?:s\b|{_}(?P<parts>(?i:mornings|afternoons|evenings|nights))\b)",
    ),
    # "twice a week", "once a year", "three times a month"
    (
        "set",
        rf"\b(?P<freq>(?i:once|twice)|{NUMBER}{_}(?i:times)){_}(?i:an?|per|every){_}"
        rf"(?P<unit>(?i:day|week|month|year|quarter|hour|decade))\b(?!-)",
    ),
    (
        "vague",
        rf"\b(?P<word>{VAGUE_WORD})\b",
    ),
    # "recent months", "the coming weeks", "the past few years": stretches with no number.
    (
        "vague-period",
        rf"\b(?:(?i:the){_})?(?P<rel>(?i:recent|coming|past|last|next|future))"
        rf"(?:{_}(?i:few|several))?{_}(?P<unit>(?i:days|weeks|months|quarters|years|decades))\b",
    ),
    # "for years", "within weeks": a bare plural unit after a preposition of extent.
    (
        "vague-period",
        rf"\b(?i:for|within|in){_}(?P<body>(?P<unit>{PLURAL_UNIT}))\b"
        rf"(?!{_SEP}(?i:of|ago|later|earlier|before|after)\b)",
    ),
    # "after months of talks", "amid weeks of protests": a stretch of unknown length.
    (
        "vague-period",
        rf"\b(?i:within|after|amid|following|follows|during|despite){_}"
        rf"(?P<body>(?P<unit>{PLURAL_UNIT})){_}(?i:of)\b",
    ),
    # "[months] ago", "[days] later", "[weeks] before the vote": TimeML writes an offset of
    # unknown size as the stretch alone, leaving the direction word (a signal) out.
    (
        "vague-period",
        rf"\b(?P<body>(?P<unit>{PLURAL_UNIT})){_}(?:(?i:ago|later|earlier)\b"
        rf"|(?i:before|after){_}(?i:the|a|an|his|her|its|their|he|she|it|they)\b)",
    ),
    # "the talks took months", "he spent years", "it lasted only minutes", "predates it by
    # decades": a bare plural unit as the object of a verb of spending or lasting.
    (
        "vague-period",
        rf"\b(?i:took|take|takes|taking|spent|spend|spends|spending|lasted|last|lasts|lasting"
        rf"|waited|wait|waits|waiting|by){_}(?:(?i:only|just|nearly|almost){_})?"
        rf"(?P<body>(?P<unit>{PLURAL_UNIT}))\b(?!-|{_}(?i:of|ago|later|earlier)\b)",
    ),
    # "over the years", "in the years since", "the weeks ahead", "the first hours of the war":
    # a stretch with no number, its article included.
    (
        "vague-period",
        rf"\b(?i:over|in|during|throughout){_}(?P<body>(?i:the){_}"
        rf"(?:(?!(?i:early{_}hours))(?i:early|first|final){_})?(?P<unit>{PLURAL_UNIT}))\b"
        rf"(?!-|{_}(?i:ago|later|earlier|before|after)\b"
        rf"|{_}(?i:of){_}(?:{MONTH}|\d|(?i:this|last|next|the{_}(?:year|month))\b))",
    ),
    ("vague-period", rf"\b(?i:the){_}(?P<unit>{PLURAL_UNIT}){_}(?i:ahead|to{_}come)\b"),
    # "for four straight years", "the third consecutive month" is an ordinal (no length).
    (
        "duration",
        rf"\b(?P<num>{NUMBER}){_}(?i:straight|consecutive|successive){_}(?P<unit>{UNIT})\b",
    ),
    # "over a three-year period": a period of known length is a length, article and all.
    (
        "duration",
        rf"\b(?i:a|an){_}(?P<num>\d{{1,3}}|{NUMBER})-(?P<unit>{SINGULAR_UNIT})"
        rf"{_}(?i:period)\b",
    ),
    # "eight trading days", "within 10 business days": days counted on the calendar of work.
    (
        "duration",
        rf"\b(?P<num>{NUMBER}){_}(?i:trading|business|working){_}(?P<unit>(?i:days?|weeks?))\b",
    ),
    # "a half hour", "a half-hour": thirty minutes.
    ("duration", rf"\b(?i:an?){_}(?P<halfonly>(?i:half))[-\s]?(?P<unit>(?i:hour))\b(?!-)"),
]

_COMPILED = [(kind, re.compile(pattern)) for kind, pattern in PATTERNS]
_POSSESSIVE_BEFORE = re.compile(r"[A-Za-z]['\u2019]s? $")
_SENTENCE_OPENING = re.compile(r"(?:^|[\r\n]|[.!?][\"'\u201d\u2019)]?[^\S\r\n]{1,3})[\"'\u201c(]?$")
_AFTER_A_YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d(?:,|,?\s(?:and|or))\s$")
_NEXT_WORD = re.compile(r"[^\S\r\n]{1,3}([A-Za-z]+)")
_EDGE_BEFORE = re.compile(rf"\b(?i:the){_}(?P<edge>(?i:end|beginning|start|middle)){_}(?i:of){_}$")
_EDGED_KINDS = frozenset({"month", "month-year", "year", "relative", "quarter", "season"})


def find_mentions(text: str, lang: str = "en", *, full_scan: bool = False) -> list[Mention]:
    """Return non-overlapping temporal expressions in `text`, in order of appearance.

    For Spanish, French and German (`lang` "es", "fr", "de" or a regional variant) that
    language's patterns run first, so they win a tie with an English pattern of equal length.
    Patterns run only around their trigger words (scanning.py); `full_scan` runs every
    pattern over the whole text instead, which finds the same: the tests compare the two.
    """
    base = base_language(lang)
    language_patterns = compiled_patterns(base) if base in SUPPORTED else ()
    index = None if full_scan else TriggerIndex(text, _all_patterns(base))
    # (start, end, kind, match) of every candidate; the language's own (already a Mention,
    # vetted by `translate`) have no kind here and need no plausibility check.
    candidates: list[tuple] = []
    if language_patterns:
        candidates += [(m.start, m.end, "", m) for m in _language_candidates(text, base, index)]
    candidates += _candidates(text, index)
    # Longest match wins; among equals the earlier pattern in PATTERNS (more specific) wins:
    # sorted by (minus length, start, order found), which no two candidates share.
    # A candidate becomes a Mention, and is checked for plausibility, only once no longer one
    # holds its place: the same choice as checking them all first, for less work.
    order = sorted(
        (start - end, start, number) for number, (start, end, _k, _f) in enumerate(candidates)
    )
    claimed = bytearray(len(text))
    chosen: list[Mention] = []
    for _minus_length, _start, number in order:
        start, end, kind, found = candidates[number]
        if claimed.find(1, start, end) >= 0:
            continue
        if kind:
            mention = _mention(text, kind, found, start, end)
            if not _is_plausible(text, mention):
                continue
        else:
            mention = found
        claimed[start:end] = b"\x01" * (end - start)
        chosen.append(mention)
    chosen.sort(key=lambda m: m.start)
    return [_with_edge(text, m) for m in chosen]


@cache
def _all_patterns(base: str) -> tuple[re.Pattern[str], ...]:
    language_patterns = compiled_patterns(base) if base in SUPPORTED else ()
    return tuple(pattern for _kind, pattern in (*language_patterns, *_COMPILED))


def _with_edge(text: str, mention: Mention) -> Mention:
    """Take in "the end of" before a period: TimeML spans "the end of November" whole."""
    if mention.kind not in _EDGED_KINDS:
        return mention
    if "of" not in text[max(0, mention.start - 5) : mention.start].lower():
        return mention  # the edge ends in "of" and one to three spaces: none here
    edge = _EDGE_BEFORE.search(text, max(0, mention.start - 30), mention.start)
    if edge is None:
        return mention
    fields = {**mention.fields, "edge": edge.group("edge").lower()}
    start = edge.start()
    return Mention(start, mention.end, text[start : mention.end], mention.kind, fields)


def _matches(pattern: re.Pattern[str], text: str, index: TriggerIndex | None):
    return pattern.finditer(text) if index is None else finditer(pattern, index)


# Each pattern with whether it marks a "body" inside its match: read once, not per text.
_WITH_BODY = [(kind, pattern, "body" in pattern.groupindex) for kind, pattern in _COMPILED]


def _candidates(text: str, index: TriggerIndex | None = None) -> list[tuple]:
    """(start, end, kind, match) of every match of every pattern, in pattern order."""
    found: list[tuple] = []
    append = found.append
    for kind, pattern, has_body in _WITH_BODY:
        matches = pattern.finditer(text) if index is None else finditer(pattern, index)
        if has_body:
            for match in matches:
                start, end = match.span("body")
                if start != end:
                    append((start, end, kind, match))
        else:
            for match in matches:
                start, end = match.span()
                if start != end:
                    append((start, end, kind, match))
    return found


def _mention(text: str, kind: str, match: re.Match[str], start: int, end: int) -> Mention:
    fields = {k: v for k, v in match.groupdict().items() if v is not None}
    parts = ()
    if fields.get("conj"):
        # A range joined by a word is two expressions in TimeML: "[1985] and [1987]".
        parts = (match.span("p1"), match.span("p2"))
    return Mention(start, end, text[start:end], kind, fields, parts)


def _language_candidates(
    text: str, base: str, index: TriggerIndex | None = None
) -> Iterator[Mention]:
    table = language(base)
    if table is None:
        return
    for kind, pattern in compiled_patterns(base):
        has_body = "body" in pattern.groupindex
        for match in _matches(pattern, text, index):
            start, end = match.span("body") if has_body else (-1, -1)
            if start < 0:
                start, end = match.span()
            if start == end:
                continue
            fields = {k: v for k, v in match.groupdict().items() if v is not None and k != "body"}
            translated = translate(table, text, kind, start, end, fields)
            if translated is None:
                continue
            new_kind, new_fields = translated
            yield Mention(start, end, text[start:end], new_kind, new_fields)


def previous_word(text: str, start: int, skip: int = 0, *, lower: bool = True) -> str:
    """The word before `start`, skipping `skip` further words back.

    A word is a run of ASCII letters followed by at most three other characters, no line
    break among them, up to `start` or up to a line break just before it; it is looked for
    within 40 characters (and cut there).
    """
    end = start
    word_start = word_end = 0
    for _step in range(skip + 1):
        pos = end - 40 if end > 40 else 0
        if end > pos and text[end - 1] == "\n":
            end -= 1
        i = end
        while True:
            if i <= pos:
                return ""
            char = text[i - 1]
            if char in _ASCII_LETTERS:
                break
            if end - i >= 3 or char == "\n" or char == "\r":
                return ""
            i -= 1
        word_end = i
        # Back over the letters to `pos`: rstrip does in C what a loop would one by one.
        word_start = end = pos + len(text[pos:i].rstrip(_ASCII_LETTER_STRING))
    word = text[word_start:word_end]
    return word.lower() if lower else word


_ASCII_LETTER_STRING = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LETTERS = frozenset(_ASCII_LETTER_STRING)


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
    if (
        mention.get("mod")
        or mention.get("fiscal")
        or mention.get("fy")
        or not (mention.get("y") or "0")[0].isdigit()
    ):
        return True
    if previous_word(text, mention.start) in YEAR_CONTEXT:
        return True
    if _POSSESSIVE_BEFORE.search(text, max(0, mention.start - 4), mention.start):
        return True  # "the company's 1989 results"
    if _SENTENCE_OPENING.search(text, max(0, mention.start - 6), mention.start):
        return True  # "2007 was a record year." (a count has its noun: "2000 people died")
    # The second year of a list: "in 1994, 1995 and 1997".
    if _AFTER_A_YEAR.search(text, max(0, mention.start - 10), mention.start):
        return True
    # Between two words a modern year modifies a noun or a verb: "his unsuccessful 1996
    # campaign", "predicting 1990 earnings" (a count keeps its noun out: "sold 1990 shares").
    # After a capitalised word it is part of a name ("Orion 1980").
    return (
        (mention.get("y") or "")[:2] in ("19", "20")
        and previous_word(text, mention.start, lower=False).islower()
        and following.isalpha()
        and text[mention.end : mention.end + 1] == " "
    )


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


def _is_a_quoted_title(text: str, mention: Mention) -> bool:
    """ "This Week," and "60 Minutes" in quotes with a capitalised unit are programme titles."""
    unit = mention.get("unit") or ""
    quoted = mention.start > 0 and text[mention.start - 1] in "\"'\u201c\u2018`"
    return quoted and unit[:1].isupper()


# Before "one day" these make it an adverb of an unnamed time ("Islam will one day be").
_ADVERB_LEADERS = frozenset(
    "will would may might could can should must shall he she they we i you it who and but to"
    " not never".split()
)


def _check_vague(text: str, mention: Mention) -> bool:
    # "in the job one day" and "for one day" are lengths; "he will one day lead" and a
    # sentence opening "One day, ..." are an unnamed time.
    if not (mention.get("word") or "").lower().startswith(("one", "some ")):
        return True
    if _SENTENCE_OPENING.search(text, max(0, mention.start - 6), mention.start):
        return True
    return previous_word(text, mention.start) in _ADVERB_LEADERS


def _check_deictic(text: str, mention: Mention) -> bool:
    # "the leaders of tomorrow", "many of today's computers": the present or future age at
    # large, not a day ("as of today" is one).
    if mention.get("mod") or mention.get("part") or previous_word(text, mention.start) != "of":
        return True
    return previous_word(text, mention.start, 1) == "as"


def _check_relative(text: str, mention: Mention) -> bool:
    return not _is_a_quoted_title(text, mention)


def _check_duration(text: str, mention: Mention) -> bool:
    if _is_a_quoted_title(text, mention):
        return False
    if (mention.get("suffix") or "").lower() == "-old" or next_word(text, mention.end) == "old":
        return False  # an age ("52 years old") is not annotated as a duration
    if (mention.get("unit") or "").lower() == "quarters" and next_word(text, mention.end) == "of":
        return False  # "three quarters of the vote" is a fraction
    if (mention.get("num") or "").lower() not in ("a", "an"):
        return True
    if any(mention.get(name) for name in ("the", "approx", "more", "half", "half2")):
        return True
    # A bare "a year" is as often a rate ("$5 a year") as a length; keep it after a preposition,
    # or before "after"/"before" an event ("a month after the crash": the signal stays out).
    if next_word(text, mention.end).lower() in ("after", "before"):
        before = text[max(0, mention.start - 12) : mention.start].rstrip().lower()
        return not (before[-1:].isdigit() or before.endswith(_AMOUNT_WORDS))
    return previous_word(text, mention.start) in (
        "for", "within", "than", "of", "in", "after", "about", "only", "just", "barely", "took",
        "take", "takes", "taking", "spent", "spend", "lasted", "lasts", "waited",
    )  # fmt: skip


# An amount before "a year" makes it a rate ("$5 million a year after taxes").
_AMOUNT_WORDS = ("million", "billion", "trillion", "thousand", "hundred", "percent", "%")


_CLOCK_PREPOSITIONS = frozenset("at by until till from before after around since to".split())


def _check_clock(text: str, mention: Mention) -> bool:
    if mention.get("wd") or mention.get("d") or mention.get("deictic"):
        return True
    if mention.get("h24"):
        # "1400 GMT" carries its zone; "at 14:30" needs the colon and a preposition, so that
        # counts and scores ("a 1400 rise", "won 10:08") stay out.
        if mention.get("tz"):
            return True
        return bool(mention.get("colon")) and previous_word(text, mention.start) in (
            _CLOCK_PREPOSITIONS
        )
    # A bare "noon" or "midnight" is as often a figure of speech ("the midnight oil") as a
    # time; after "at" or "by" it is the hour.
    return not mention.get("word") or previous_word(text, mention.start) in _CLOCK_PREPOSITIONS


def _check_fiscal_year(text: str, mention: Mention) -> bool:
    # "the year" alone is too often generic ("player of the year"); business copy's reporting
    # year shows in "fiscal", "full", "the year ended June 30" or "for the year".
    if mention.get("which"):
        return True
    if next_word(text, mention.end).lower() in ("ended", "ending"):
        return True
    return previous_word(text, mention.start) == "for"


def range_years(first: str, last: str) -> tuple[int, int]:
    """The two years of a range; "2012-13" ends in 2013."""
    start = int(first)
    end = start // 100 * 100 + int(last) if len(last) == 2 else int(last)
    return start, end


def _check_year_range(text: str, mention: Mention) -> bool:
    first, last = range_years(mention.get("y1") or "0", mention.get("y2") or "0")
    # "2013-03" is a month, "1500-1600 troops" a count; a range runs forward, within a century.
    return first < last <= first + 100 and next_word(text, mention.end).lower() not in COUNT_NOUNS


def _check_set(text: str, mention: Mention) -> bool:
    # "rose 8% annually" is a growth rate and "average daily volume" a statistic: no schedule.
    if not mention.get("adv"):
        return True
    before = text[max(0, mention.start - 12) : mention.start].rstrip().lower()
    return not before.endswith(("%", "percent", "per cent", "average"))


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
    "clock": _check_clock,
    "fiscal-year": _check_fiscal_year,
    "year-range": _check_year_range,
    "set": _check_set,
    "relative": _check_relative,
    "deictic": _check_deictic,
    "vague": _check_vague,
}
