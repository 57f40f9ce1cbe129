"""The trigger scan finds exactly what running every pattern over the whole text finds."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.extraction import scanning
from timeline.extraction.languages import compiled_patterns, language
from timeline.extraction.recognition import _COMPILED, find_mentions
from timeline.extraction.vocabulary import HOLIDAYS, MONTHS, NUMBER_WORDS, UNITS, WEEKDAYS

LANGUAGES = ("en", "es", "fr", "de")
CORPORA = (
    "corpora/tempeval3/dev.jsonl",
    "corpora/tempeval3/test.jsonl",
    "corpora/meantime-en/test.jsonl",
)


def all_patterns(lang: str) -> list[re.Pattern[str]]:
    return [pattern for _kind, pattern in (*compiled_patterns(lang), *_COMPILED)]


def full_scan(pattern: re.Pattern[str], text: str) -> list[tuple]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def trigger_scan(pattern: re.Pattern[str], index: scanning.TriggerIndex) -> list[tuple]:
    return [(m.span(), m.groups()) for m in scanning.finditer(pattern, index)]


def mentions(text: str, lang: str, *, full: bool) -> list[tuple]:
    return [
        (m.start, m.end, m.text, m.kind, m.fields, m.parts)
        for m in find_mentions(text, lang, full_scan=full)
    ]


def assert_same_matches(text: str, lang: str) -> None:
    patterns = all_patterns(lang)
    index = scanning.TriggerIndex(text, patterns)
    for pattern in patterns:
        assert trigger_scan(pattern, index) == full_scan(pattern, text), pattern.pattern
    assert mentions(text, lang, full=False) == mentions(text, lang, full=True)


def _words_of_every_language() -> list[str]:
    words = [*MONTHS, *WEEKDAYS, *NUMBER_WORDS, *UNITS, *HOLIDAYS]
    for lang in ("es", "fr", "de"):
        table = language(lang)
        assert table is not None
        for vocabulary in (table.months, table.weekdays, table.numbers, table.units):
            words += list(vocabulary)
        words += [*table.modifiers, *table.deictics, *table.two_day_offsets, *table.parts]
    return words


WORDS = _words_of_every_language()
# Pieces that stick words together, split them, change their case or widen the characters
# that case-insensitive matching accepts ("ſ" for "s", "K" for "k", "İ" and "ı" for "i").
GLUE = [
    " ", "  ", "   ", "    ", "\n", "-", "/", ".", ",", ", ", "'", "\u2019", "s", "es", "th",
    "the ", "in ", "on ", "of ", "a ", "last ", "next ", "this ", "early ", "mid-", "from ",
    "between ", " to ", " and ", " ago", " later", "every ", "per ", "fiscal ", "Q", "'",
    "\u017f", "\u212a", "\u0130", "\u0131", "\u00e9", "\u0663", "%", "$", ":", "a.m.", "p.m.",
    "am ", "im ", "el ", "le ", "il y a ", "hace ", "vor ", "dans ", "de ", "del ",
]  # fmt: skip
NUMBERS = st.one_of(
    st.integers(0, 40).map(str),
    st.integers(1490, 2099).map(str),
    st.integers(1000, 99_999_999).map("{:,}".format),
    st.integers(1, 12).map(lambda n: f"{n}/{n + 1}/20{n:02d}"),
    st.integers(1, 60).map(lambda n: "1" + ",000" * n),
    st.just("1" * 45),
)
PIECES = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(str.upper),
    st.sampled_from(WORDS).map(str.capitalize),
    st.sampled_from(GLUE),
    NUMBERS,
    st.text(max_size=6),
)
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, lang=st.sampled_from(LANGUAGES))
def test_the_trigger_scan_finds_what_a_full_scan_finds_in_generated_text(text, lang):
    assert_same_matches(text, lang)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Mondays and todays and Marché 2021 and Sept.30",
        "\u017fpring of 1999, \u212aey dates in \u0130stanbul on Wedne\u017fday",
        "It cost 1" + ",000" * 40 + " years ago, and 2" + ",000" * 3 + " days later.",
        "1" * 5000 + " years",
        "May may May 2021 " * 200,
        "12-13-14-15-" * 300,
        "x. " * 2000 + "on Wednesday",
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_trigger_scan_finds_what_a_full_scan_finds_in_awkward_text(text, lang):
    assert_same_matches(text, lang)


@pytest.mark.parametrize("corpus", CORPORA)
def test_the_trigger_scan_finds_what_a_full_scan_finds_in_the_shared_corpora(shared_dir, corpus):
    with (shared_dir / corpus).open(encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    assert texts
    for text in texts:
        assert_same_matches(text, "en")


def test_the_trigger_scan_finds_what_a_full_scan_finds_in_the_other_languages_tests():
    from tests.extraction.test_languages import NO_EVENT, ROWS

    for lang, sentence, *_rest in [*ROWS, *NO_EVENT]:
        assert_same_matches(sentence, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pattern_has_a_trigger_plan_so_none_is_scanned_in_full(lang):
    # Not needed for correctness (a pattern without a plan is scanned in full), but a
    # pattern the planner cannot read costs a whole scan of every text: make it readable.
    unplanned = [p.pattern for p in all_patterns(lang) if scanning.plan_for(p) is None]
    assert unplanned == []


@pytest.mark.parametrize(
    ("pattern", "triggers"),
    [
        # After a space, the unit can only start a run of letters ("week", not "midweek").
        (
            r"\b(?i:last|next)\s(?P<unit>week|month)\b",
            {scanning.word_start("week"), scanning.word_start("month")},
        ),
        # Glued to a letter it can sit anywhere in one.
        (r"\b(?i:mid)(?P<unit>week|month)\b", {"week", "month"}),
        (r"(?<!\w)(?P<y>1[5-9]\d\d|20\d\d)(?!\d)", {scanning.digit_run(4)}),
        (r"\b(?:Jan|Jun|Jul)\.?\s\d{1,2}", {scanning.digit_run(1)}),
        (r"\b(?i:noon|midnight|1[0-2]\s?[ap]\.m\.)", {"noon", "midnight", scanning.digit_run(2)}),
    ],
)
def test_the_plan_takes_its_triggers_from_a_part_every_match_goes_through(pattern, triggers):
    plan = scanning.plan_for(re.compile(pattern))
    assert plan is not None
    assert set(plan.triggers) == triggers


@pytest.mark.parametrize(
    "pattern",
    [r"\w+", r"(?:x)?", r"(?P<a>\d)(?P=a)+", r".{3}"],
)
def test_a_pattern_with_no_part_to_trigger_on_gets_no_plan(pattern):
    assert scanning.plan_for(re.compile(pattern)) is None


def test_a_match_longer_than_the_capped_width_is_found_across_a_long_run():
    grouped = re.compile(r"\b(?:\d{1,3}(?:,\d{3})+)\s(?i:years)")
    text = "1" + ",000" * 50 + " years and 5,000 years, then 1" + ",000" * 30
    plan = scanning.plan_for(grouped)
    index = scanning.TriggerIndex(text, [grouped])
    assert len(index.long_runs(plan)) == 2
    assert trigger_scan(grouped, index) == full_scan(grouped, text)
    assert [m.start() for m in grouped.finditer(text)] == [0, text.index("5,000")]


@pytest.mark.parametrize(
    ("pattern", "starts"),
    [
        (r"\b(?:(?i:the)\s)?(?P<d>\d{1,2})\s(?P<mon>May|June)", r"\b(?=[\d]|(?i:[t]))"),
        (r"\b(?P<wd>Monday|Friday)s\b", r"\b(?=[FM])"),
        (r"\b(?:\s)?May", None),  # could begin with any space: no narrower start
        (r"(?<!\w)May", None),  # does not open with \b
    ],
)
def test_a_pattern_opening_with_a_word_boundary_is_tried_only_where_its_first_letter_is(
    pattern, starts
):
    plan = scanning.plan_for(re.compile(pattern))
    assert plan is not None
    assert (plan.starts and plan.starts.pattern) == starts


@settings(max_examples=300, deadline=None)
@given(
    token=st.text(alphabet="abcdeilmnorstuvyz", max_size=14),
    lang=st.sampled_from(["en", "fr", "de", "es"]),
)
def test_the_trigger_words_inside_a_word_are_all_those_it_contains(token, lang):
    words = scanning._words_of(all_patterns(lang))
    assert set(words.inside(token)) == {w for w in words.words if w in token}


def test_a_word_start_trigger_counts_only_where_a_run_of_letters_starts():
    pattern = re.compile(r"\b(?P<num>\d+)\s(?P<unit>(?i:days?|weeks?))\b")
    plan = scanning.plan_for(pattern)
    assert set(plan.triggers) == {scanning.word_start("day"), scanning.word_start("week")}
    text = "On Monday, today and midweek, then 2 days and 3 Weeks, 4-day."
    index = scanning.TriggerIndex(text, [pattern])
    starts = sorted({start for start, _end in index.occurrences(plan)})
    assert starts == [text.index("days"), text.index("Weeks"), text.index("day.")]
    assert trigger_scan(pattern, index) == full_scan(pattern, text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_pattern_behind_its_first_character_guard_matches_where_the_pattern_does(lang):
    # Case-insensitive letters accept more than their two cases ("ſ", "K", "İ", "ı"): the
    # guard must let those through too.
    text = (
        "\u017fpring of 1999, \u212aey dates in \u0130stanbul on Wedne\u017fday, "
        "the next nearly two and a half years, 10:30 p.m., 12-13-14 and x. Monday's "
        "S\u0131xty \u0130n 3 weeks, \u017feptember 4, mid-March, early 2021, 1,000 days"
    )
    for pattern in all_patterns(lang):
        plan = scanning.plan_for(pattern)
        assert plan is not None
        for at in range(len(text) + 1):
            found, guarded = pattern.match(text, at), plan.guarded.match(text, at)
            expected = found and (found.span(), found.groups())
            assert (guarded and (guarded.span(), guarded.groups())) == expected, pattern.pattern


def test_the_guard_looks_ahead_at_the_first_characters_of_a_match():
    plan = scanning.plan_for(re.compile(r"\b(?:(?i:mid)-)?(?P<y>\d{4})"))
    assert plan is not None
    assert plan.guarded.pattern == r"\b(?=[\d]|(?i:[m]))(?:(?i:mid)-)?(?P<y>\d{4})"
    # A pattern opening with a look-behind already gives up at once: no guard.
    behind = re.compile(r"(?<!\w)(?:(?i:mid)-)?(?P<y>\d{4})")
    assert scanning.plan_for(behind).guarded is behind
