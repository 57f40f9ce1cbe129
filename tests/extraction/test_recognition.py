"""Recognition finds the right spans and rejects look-alikes."""

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.extraction import recognition
from timeline.extraction.recognition import find_mentions, previous_word


def spans(text: str) -> list[str]:
    return [m.text for m in find_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lavrov arrived in Turkey on Wednesday.", ["Wednesday"]),
        ("It started on February 24.", ["February 24"]),
        ("It happened on 9 March 2022 in Kyiv.", ["9 March 2022"]),
        ("It happened on March 9, 2022.", ["March 9, 2022"]),
        ("Filed 2022-03-09 at noon.", ["2022-03-09", "noon"]),
        ("Prices fell in March 2022.", ["March 2022"]),
        ("They met last Friday and will meet next week.", ["last Friday", "next week"]),
        ("Sales rose in 2009 and mid-2019.", ["2009", "mid-2019"]),
        ("It grew in the 1990s.", ["the 1990s"]),
        (
            "Results for Q3 2022 and the third quarter of 2022.",
            ["Q3 2022", "the third quarter of 2022"],
        ),
        ("The talks run 12-13 April.", ["12-13 April"]),
        ("Voting runs from May to July.", ["May to July"]),
        ("Output fell between 2019 and 2021.", ["2019 and 2021"]),
        ("He was seen two days ago.", ["two days ago"]),
        ("Shares rose earlier this month.", ["earlier this month"]),
        ("He came back Wednesday morning.", ["Wednesday morning"]),
        ("It has grown over the past three years.", ["the past three years"]),
        ("They meet every Monday and publish weekly.", ["every Monday", "weekly"]),
        ("He left the previous day.", ["the previous day"]),
        ("It was called off a week later.", ["a week later"]),
        ("Prices are high now.", ["now"]),
        ("Polls open in spring 2021.", ["spring 2021"]),
    ],
)
def test_it_finds_the_expression_without_its_preposition(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We are working to prevent a tragedy.",
        "we will see.",
        "They may go home and it may rain.",
        "Protesters joined a march through the city.",
        "He will March into the hall.",
        "The sun rose.",
        "It took a second to load.",
        "He scored in the second half.",
        "It costs $27 and rose 27% or 10 percent.",
        "The score was 3-1.",
        "More than two million people left.",
        "It was the worst since World War II.",
        "The Sunday Times and the Sunday Telegraph reported it.",
        "Remembering 9/11 matters.",
        "About 1,500 troops and 1,000 people.",
        "Call 555-2022 or 0171 2009 1999.",
        "Upgrade to version 3.11 now.",
        "They hired 2000 people.",
        "Model 1984 was popular.",
        "Theresa May said so.",
        "Prices will fall sharply.",
        "He won three quarters of the vote.",
        "It was the end of the Cold War.",
        "She was named player of the year.",
        "He burned the midnight oil.",
        "Mr. Reupke, 52 years old, will retire.",
    ],
)
def test_look_alikes_are_not_dates(text):
    dated = [m for m in find_mentions(text) if m.kind not in ("vague",)]
    assert dated == []


def test_a_march_on_sunday_has_only_sunday():
    assert spans("There was a march on Sunday.") == ["Sunday"]


def test_may_is_a_month_in_a_dating_context():
    assert spans("The vote is in May.") == ["May"]
    assert spans("It was held on May 5.") == ["May 5"]
    assert spans("Sales in April and May rose.") == ["April", "May"]


def test_a_twelve_hour_ceasefire_is_a_duration_not_a_date():
    [mention] = find_mentions("They agreed to a 12-hour ceasefire.")
    assert (mention.text, mention.kind) == ("12-hour", "duration")


def test_mention_offsets_point_into_the_original_text():
    text = "On Thursday,\tTurkey will host talks; on 9 March 2022 they met."
    for mention in find_mentions(text):
        assert text[mention.start : mention.end] == mention.text


def test_recognition_stays_fast_on_long_runs_of_lookalikes():
    for text in ("1" * 200_000, "May " * 50_000, "in 2020 " * 25_000, "the " * 50_000):
        find_mentions(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # TimeML leaves adjectives' articles and "only"/"just"/"about" outside.
        ("The eight-year war ended.", ["eight-year"]),
        ("A major factor in the third-quarter loss.", ["third-quarter"]),
        ("He stayed for only six months.", ["six months"]),
        ("It took about five hours.", ["five hours"]),
        # ...but takes "the end of" and a clock time's day in.
        ("It expires at the end of November.", ["the end of November"]),
        ("He was shot at 10 p.m. Wednesday.", ["10 p.m. Wednesday"]),
        # A range joined by a word is recognised whole; the pipeline splits it.
        ("Shares were sold between 1985 and 1987.", ["1985 and 1987"]),
        ("Elian was found Thanksgiving Day.", ["Thanksgiving Day"]),
        ("For the year ended Sept. 30, net rose.", ["the year", "Sept. 30"]),
    ],
)
def test_spans_follow_timeml(text, expected):
    assert spans(text) == expected


def test_a_range_mention_knows_its_two_ends():
    text = "Shares were sold between 1985 and 1987."
    [mention] = find_mentions(text)
    assert [text[a:b] for a, b in mention.parts] == ["1985", "1987"]


# The definition `previous_word` implements by hand: a run of ASCII letters, then at most
# three characters that are neither letters nor line breaks, up to the position (or, as `$`
# has it, up to a line break just before it); searched within 40 characters.
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[^A-Za-z\r\n]{0,3}$")


def _reference_previous_word(text: str, start: int, skip: int = 0) -> str:
    end = start
    match = None
    for _step in range(skip + 1):
        match = _WORD_BEFORE.search(text, max(0, end - 40), end)
        if match is None:
            return ""
        end = match.start()
    return match.group(1)


@settings(max_examples=500, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["a", "Bc", "xyz", " ", "  ", ".", ",", "\n", "\r", "9", "é", "-"]),
        max_size=40,
    ).map("".join),
    cut=st.integers(min_value=0, max_value=200),
    skip=st.integers(min_value=0, max_value=2),
)
def test_previous_word_is_the_run_of_letters_before_the_position(text, cut, skip):
    start = min(cut, len(text))
    expected = _reference_previous_word(text, start, skip)
    assert previous_word(text, start, skip, lower=False) == expected
    assert previous_word(text, start, skip) == expected.lower()


# The number words as one plain list, in the order `recognition.NUMBER` keeps within each
# of its first-letter groups.
_PLAIN_NUMBER_WORDS = re.compile(
    r"(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|a[^\S\r\n]{1,3}couple[^\S\r\n]{1,3}of|a[^\S\r\n]{1,3}few|a[^\S\r\n]{1,3}hundred"
    r"|couple[^\S\r\n]{1,3}of|several|few"
    r"|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|hundred|an|a)"
)
_NUMBER_PIECES = (
    "twenty thirty forty fifty sixty seventy eighty ninety one two three four five six seven "
    "eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
    "nineteen a an few couple of several hundred Twenty FEW \u017fix \u017feven x"
).split()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_NUMBER_PIECES), st.sampled_from(["", " ", "-", "  ", "\n"])),
        min_size=1,
        max_size=4,
    ).map(lambda pieces: "".join(word + gap for word, gap in pieces))
)
def test_number_words_grouped_by_first_letter_match_as_the_plain_list(text):
    number = re.compile(recognition.NUMBER)
    for start in range(len(text)):
        plain = _PLAIN_NUMBER_WORDS.match(text, start)
        grouped = number.match(text, start)
        assert (plain and plain.span()) == (grouped and grouped.span()), (text, start)


def test_a_first_letter_written_as_a_class_matches_what_the_case_insensitive_letter_does():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in "abcdefghijklmnopqrstuvwxyz":
        expected = re.findall(f"(?i:{letter})", everything)
        assert re.findall(recognition._any_case(letter), everything) == expected, letter
